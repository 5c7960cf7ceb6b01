"""Reviews with context: the SMT lead's queue, the review page's marked changes, and
approving several updates at once."""

import pytest
from django.urls import reverse

from commitments.models import StatusUpdate
from commitments.reviews import word_diff
from riskreg.roles import Role
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

MINE = reverse("commitments:mine")
APPROVE = reverse("commitments:approve_selected")


def review_url(ref=96):
    return reverse("commitments:update_review", args=[ref, "2025-26", "q3"])


def submitted(commitment, periods, **kwargs):
    return StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted", **kwargs)


@pytest.fixture
def queue(officer, smt_lead, periods):
    """Commitments 1-3, the SMT lead's, each Red in Q2 and submitted Green in Q3."""
    updates = []
    for ref in (1, 2, 3):
        commitment = CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead, text=f"Deliverable {ref}")
        StatusUpdateFactory(commitment=commitment, period=periods[2], rag="red", narrative="Q2.")
        updates.append(submitted(commitment, periods, rag="green", narrative="Q3.", author=officer))
    return updates


def test_the_queue_shows_ref_text_status_change_officer_and_when_submitted(client_as_smt_lead, queue, officer):
    html = client_as_smt_lead.get(MINE).content.decode()

    row = html[html.index(f'id="approve-{queue[0].pk}"') :].split("</tr>")[0]
    assert "Deliverable 1" in row
    assert "Red" in row and "Green" in row and "last quarter, now" in row
    assert str(officer) in row
    assert 'Review<span class="govuk-visually-hidden"> commitment 1</span>' in row


def test_the_queue_marks_a_carried_forward_update(client_as_smt_lead, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Same.")
    submitted(commitment, periods, narrative="Same.", carried_forward=True)

    html = client_as_smt_lead.get(MINE).content.decode()

    assert "No change since last quarter" in html
    assert "Same text as last quarter" not in html  # said once, the way the officer meant it


def test_approve_selected_approves_each_ticked_update_and_records_each(client_as_smt_lead, queue, smt_lead):
    ticked = [f"{u.pk}:{u.version}" for u in queue[:2]]

    response = client_as_smt_lead.post(APPROVE, {"approve": ticked}, follow=True)

    assert [StatusUpdate.objects.get(pk=u.pk).state for u in queue] == ["approved", "approved", "submitted"]
    assert "2 updates approved (commitments 1, 2)." in response.content.decode()
    for update in queue[:2]:
        latest = StatusUpdate.history.filter(id=update.pk).order_by("-history_date").first()
        assert (latest.state, latest.reviewer_id) == ("approved", smt_lead.pk)


def test_approve_selected_refuses_a_stale_one_with_its_reason_and_approves_the_rest(client_as_smt_lead, queue, officer):
    ticked = [f"{u.pk}:{u.version}" for u in queue]
    StatusUpdate.objects.filter(pk=queue[1].pk).update(state="draft", version=queue[1].version + 1)

    html = client_as_smt_lead.post(APPROVE, {"approve": ticked}, follow=True).content.decode()

    assert "2 updates approved (commitments 1, 3)." in html
    assert "Commitment 2 (2025/26 Q3) was not approved: it changed since you opened the page and is now draft" in html
    assert StatusUpdate.objects.get(pk=queue[1].pk).state == "draft"


def test_approve_selected_refuses_an_update_someone_else_reviews(client, queue, periods):
    other = UserFactory(username="smt2", role=Role.SMT_LEAD)
    client.force_login(other)

    html = client.post(APPROVE, {"approve": [f"{queue[0].pk}:{queue[0].version}"]}, follow=True).content.decode()

    assert "An update was not approved: it is not one you review." in html
    assert StatusUpdate.objects.get(pk=queue[0].pk).state == "submitted"


def test_approve_selected_refuses_updates_in_a_closed_quarter(client_as_smt_lead, queue, periods):
    periods[3].status = "closed"
    periods[3].save()

    html = client_as_smt_lead.post(APPROVE, {"approve": [f"{queue[0].pk}:{queue[0].version}"]}, follow=True)

    assert "was not approved: 2025/26 Q3 is closed" in html.content.decode()
    assert StatusUpdate.objects.get(pk=queue[0].pk).state == "submitted"


def test_approve_selected_with_nothing_or_nonsense_ticked_says_so_and_changes_nothing(client_as_smt_lead, queue):
    nothing = client_as_smt_lead.post(APPROVE, {}, follow=True).content.decode()
    nonsense = client_as_smt_lead.post(APPROVE, {"approve": ["x:1", "99999999999:1", "-1:2"]}, follow=True)

    assert "Select at least one update to approve." in nothing
    assert nonsense.content.decode().count("A selection was not approved: it was not understood") == 3
    assert not StatusUpdate.objects.filter(state="approved", period__quarter=3).exists()


def test_a_committee_member_cannot_approve(client_as_committee, queue):
    assert client_as_committee.post(APPROVE, {"approve": [f"{queue[0].pk}:{queue[0].version}"]}).status_code == 403
    assert StatusUpdate.objects.get(pk=queue[0].pk).state == "submitted"


def test_there_is_no_bulk_return(client_as_smt_lead, queue):
    html = client_as_smt_lead.get(MINE).content.decode()

    assert "Approve selected" in html
    assert "Return selected" not in html and "a return needs its own comment" in html


@pytest.mark.parametrize("count", [5, 40])
def test_queue_query_count_does_not_grow(
    client_as_smt_lead, officer, smt_lead, periods, count, django_assert_num_queries
):
    for ref in range(100, 100 + count):
        commitment = CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)
        StatusUpdateFactory(commitment=commitment, period=periods[2])
        submitted(commitment, periods, author=officer)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client_as_smt_lead.get(MINE)
    assert response.content.count(b'name="approve"') == count


QUEUE_QUERIES = 17


def test_word_diff_marks_added_and_removed_words_for_screen_readers_too():
    marked = word_diff("Cameras under review.", "Twelve cameras back in service.")

    assert '<ins><span class="govuk-visually-hidden">added: </span>' in marked
    assert '<del><span class="govuk-visually-hidden">removed: </span>' in marked
    assert "Cameras" in marked


def test_word_diff_escapes_what_was_typed():
    marked = word_diff("<b>old</b>", "<script>alert(1)</script>")

    assert "<script" not in marked and "<b>" not in marked
    assert "&lt;" in marked and "alert(1)" in marked


def test_review_page_shows_last_quarters_text_beside_this_one_with_changes_marked(
    client_as_smt_lead, commitment, periods
):
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="red", narrative="Cameras under review.")
    submitted(commitment, periods, rag="amber", narrative="Cameras back in service.")

    html = client_as_smt_lead.get(review_url()).content.decode()

    assert "Cameras under review." in html  # last quarter's, as written
    assert '<del><span class="govuk-visually-hidden">removed: </span>under review</del>' in html
    assert '<ins><span class="govuk-visually-hidden">added: </span>back in service</ins>.' in html
    assert "(was Red)" in html


def test_a_resubmission_shows_the_earlier_return_comment_and_what_changed_since(
    client, commitment, periods, officer, smt_lead
):
    update = submitted(commitment, periods, rag="amber", narrative="Board meets.")
    client.force_login(smt_lead)
    client.post(review_url(), {"decision": "return", "comment": "Say when.", "version": update.version})
    client.force_login(officer)
    edit = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])
    client.post(
        edit, {"rag": "green", "narrative": "Board meets in January.", "version": update.version + 1, "submit": ""}
    )

    client.force_login(smt_lead)
    html = client.get(review_url()).content.decode()

    assert "Returned before" in html and "Say when." in html
    assert "What changed since it was last returned" in html
    assert "Status: Amber" in html
    assert 'Board meets <ins><span class="govuk-visually-hidden">added: </span>in January</ins>.' in html


@pytest.mark.parametrize("returns", [1, 4])
def test_review_page_query_count_does_not_grow_with_returns(
    client, commitment, periods, officer, smt_lead, returns, django_assert_num_queries
):
    StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Before.")
    update = submitted(commitment, periods, narrative="Start.")
    edit = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])
    for n in range(returns):
        client.force_login(smt_lead)
        client.post(review_url(), {"decision": "return", "comment": f"Comment {n}.", "version": update.version})
        update.refresh_from_db()
        client.force_login(officer)
        client.post(edit, {"rag": "green", "narrative": f"Try {n}.", "version": update.version, "submit": ""})
        update.refresh_from_db()
    client.force_login(smt_lead)

    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get(review_url())
    assert response.content.decode().count("Returned by") == returns


REVIEW_QUERIES = 14
