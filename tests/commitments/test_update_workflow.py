import pytest
from django.urls import reverse

from commitments.models import Rag, StatusUpdate
from riskreg.roles import Role
from tests.factories import StatusUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit_url(ref=96, quarter=3):
    return reverse("commitments:update_edit", args=[ref, "2025-26", f"q{quarter}"])


def review_url(ref=96, quarter=3):
    return reverse("commitments:update_review", args=[ref, "2025-26", f"q{quarter}"])


def the_update(commitment, periods, quarter=3):
    return StatusUpdate.objects.get(commitment=commitment, period=periods[quarter])


def test_officer_saves_a_draft_then_submits_it(client_as_officer, commitment, periods):
    response = client_as_officer.post(
        edit_url(), {"rag": "amber", "narrative": "Board meets in January.", "version": 0, "save": ""}
    )

    assert response.status_code == 302
    update = the_update(commitment, periods)
    assert (update.state, update.rag, update.version) == ("draft", "amber", 1)

    response = client_as_officer.post(
        edit_url(), {"rag": "amber", "narrative": "Board met.", "version": 1, "submit": ""}
    )

    assert response["Location"] == reverse("commitments:mine")
    update.refresh_from_db()
    assert (update.state, update.narrative, update.submitted_at is not None) == ("submitted", "Board met.", True)


@pytest.mark.parametrize("rag", ["red", "amber"])
def test_red_or_amber_needs_a_narrative_to_be_submitted(client_as_officer, commitment, periods, rag):
    response = client_as_officer.post(edit_url(), {"rag": rag, "narrative": "  ", "version": 0, "submit": ""})

    assert response.status_code == 200
    assert b"<title>Error: " in response.content
    assert b"Enter an update explaining the Red or Amber status" in response.content
    assert not StatusUpdate.objects.exists()


def test_green_can_be_submitted_without_a_narrative_and_a_draft_saves_without_one(
    client_as_officer, commitment, periods
):
    client_as_officer.post(edit_url(), {"rag": "red", "narrative": "", "version": 0, "save": ""})
    assert the_update(commitment, periods).state == "draft"

    client_as_officer.post(edit_url(), {"rag": "green", "narrative": "", "version": 1, "submit": ""})
    assert the_update(commitment, periods).state == "submitted"


def test_a_missing_rag_is_named_in_the_error_summary(client_as_officer, commitment, periods):
    response = client_as_officer.post(edit_url(), {"narrative": "Text", "version": 0, "save": ""})

    assert b"Select a RAG status" in response.content
    assert not StatusUpdate.objects.exists()


def test_smt_lead_returns_with_a_comment_and_the_officer_sees_it(client, commitment, periods, officer, smt_lead):
    update = StatusUpdateFactory(
        commitment=commitment, period=periods[3], state="submitted", rag=Rag.RED, narrative="x"
    )
    client.force_login(smt_lead)

    refused = client.post(review_url(), {"decision": "return", "comment": "", "version": update.version})
    assert b"Enter a comment telling the officer what to change" in refused.content
    assert the_update(commitment, periods).state == "submitted"

    client.post(
        review_url(), {"decision": "return", "comment": "Say what the Board decided.", "version": update.version}
    )
    update.refresh_from_db()
    assert (update.state, update.review_comment, update.reviewer) == (
        "returned",
        "Say what the Board decided.",
        smt_lead,
    )

    client.force_login(officer)
    page = client.get(reverse("commitments:mine"))
    assert b"Say what the Board decided." in page.content
    assert client.get(edit_url()).status_code == 200


def test_approved_update_is_locked_for_the_officer_and_shown_to_the_committee(
    client, commitment, periods, officer, smt_lead, committee_member
):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted", narrative="Cameras up.")
    client.force_login(smt_lead)
    client.post(review_url(), {"decision": "approve", "comment": "", "version": update.version})
    assert the_update(commitment, periods).state == "approved"

    client.force_login(officer)
    assert client.get(edit_url()).status_code == 403
    client.force_login(committee_member)
    assert b"Cameras up." in client.get(reverse("commitments:detail", args=[96])).content


def test_review_page_flags_a_narrative_unchanged_from_last_quarter(client_as_smt_lead, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Lobbying continues.")
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted", narrative="Lobbying continues.")

    response = client_as_smt_lead.get(review_url())

    assert b"word for word the same as 2025/26 Q2" in response.content
    assert b"Same text as last quarter" in client_as_smt_lead.get(reverse("commitments:mine")).content


def test_second_of_two_concurrent_saves_is_refused_showing_the_first(client, commitment, periods, officer):
    colleague = UserFactory(username="colleague", role=Role.REGISTER_ADMIN)
    client.force_login(officer)
    client.get(edit_url())  # both open the empty form: version 0
    client.post(edit_url(), {"rag": "amber", "narrative": "First save wins.", "version": 0, "save": ""})

    client.force_login(colleague)
    response = client.post(edit_url(), {"rag": "red", "narrative": "Second save.", "version": 0, "save": ""})

    assert response.status_code == 200
    assert b"Someone else saved this update while you were editing it" in response.content
    assert b"First save wins." in response.content
    assert b"Second save." in response.content  # what they typed is kept in the form
    assert the_update(commitment, periods).narrative == "First save wins."

    # Saving again, knowingly, replaces it.
    client.post(edit_url(), {"rag": "red", "narrative": "Second save.", "version": 1, "save": ""})
    assert the_update(commitment, periods).narrative == "Second save."


def test_review_of_an_update_already_reviewed_by_someone_else_is_refused(
    client, commitment, periods, smt_lead, register_admin
):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted")
    client.force_login(register_admin)
    client.post(review_url(), {"decision": "return", "comment": "Needs figures.", "version": update.version})

    client.force_login(smt_lead)
    response = client.post(review_url(), {"decision": "approve", "comment": "", "version": update.version})

    assert response.status_code == 200
    assert b"This update changed while you were reviewing it" in response.content
    assert the_update(commitment, periods).state == "returned"


def test_an_update_submitted_while_the_officer_typed_keeps_their_words_on_screen(client, commitment, periods, officer):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state="draft", narrative="Old words.")
    client.force_login(officer)
    client.get(edit_url())
    StatusUpdate.objects.filter(pk=update.pk).update(state="submitted", version=2)

    response = client.post(edit_url(), {"rag": "amber", "narrative": "New words.", "version": 1, "save": ""})

    assert response.status_code == 409
    assert b"Your changes have not been saved" in response.content
    assert b"New words." in response.content and b"Old words." in response.content
    assert the_update(commitment, periods).narrative == "Old words."


def test_radio_errors_link_to_the_first_option(client_as_officer, commitment, periods):
    response = client_as_officer.post(edit_url(), {"narrative": "Text", "version": 0, "save": ""})

    assert b'href="#id_rag_1">Select a RAG status' in response.content
    assert b'id="id_rag_1"' in response.content


def test_odd_numbers_in_the_search_box_do_not_break_the_register(client_as_officer, commitment):
    for text in ["\u00b2", "99999999999999999999", "96"]:
        assert client_as_officer.get(reverse("commitments:register"), {"q": text}).status_code == 200
