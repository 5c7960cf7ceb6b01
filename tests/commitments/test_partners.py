"""The partner contributor: the police force's WMP lead of a commitment."""

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Contribution, StatusUpdate
from riskreg.roles import Role
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTRIBUTE = {"fy": "2025-26", "q": "q3"}


@pytest.fixture
def partner(db):
    return UserFactory(username="wmp", role=Role.PARTNER, first_name="Wendy", last_name="Police")


@pytest.fixture
def theirs(commitment, partner, periods):
    commitment.wmp_lead_user = partner
    commitment.save()
    StatusUpdateFactory(
        commitment=commitment,
        period=periods[2],
        rag="amber",
        narrative="APPROVED-Q2",
        state=StatusUpdate.State.APPROVED,
    )
    StatusUpdateFactory(commitment=commitment, period=periods[3], narrative="DRAFT-Q3", state=StatusUpdate.State.DRAFT)
    return commitment


def as_(user):
    client = Client()
    client.force_login(user)
    return client


def contribute(client, ref=96, text="Force ran 40 speed operations in Q3.", rag="green"):
    return client.post(
        reverse("commitments:contribute", kwargs={"ref": ref, **CONTRIBUTE}), {"text": text, "suggested_rag": rag}
    )


def test_a_partner_sees_only_their_commitments_with_approved_statuses(theirs, partner):
    CommitmentFactory(ref=98, text="SOMEONE-ELSES")
    client = as_(partner)

    home = client.get("/", follow=True).content.decode()
    page = client.get(reverse("commitments:detail", args=[96])).content.decode()

    assert "Increase enforcement against speeding" in home and "SOMEONE-ELSES" not in home
    assert "APPROVED-Q2" in page and "DRAFT-Q3" not in page
    assert client.get(reverse("commitments:detail", args=[98])).status_code == 404


@pytest.mark.parametrize("url", ["/commitments/", "/risks/", "/committee/", "/committee/2025-26/q2/", "/activity/"])
def test_a_partner_reaching_any_other_page_gets_404(theirs, partner, url):
    assert as_(partner).get(url).status_code == 404


def test_a_contribution_is_kept_per_quarter_with_history_and_emailed_to_the_officer(theirs, partner, inbox):
    client = as_(partner)

    contribute(client)
    contribute(client, text="Second thoughts: 42 operations.", rag="amber")

    contribution = Contribution.objects.get(commitment=theirs)
    assert (contribution.text, contribution.suggested_rag, contribution.author) == (
        "Second thoughts: 42 operations.",
        "amber",
        partner,
    )
    assert contribution.history.count() == 2
    messages = inbox.wait_for(2)
    assert [m["To"] for m in messages] == ["officer@example.org", "officer@example.org"]
    assert "Second thoughts: 42 operations." in inbox.body(messages[1])
    assert "/commitments/96/2025-26/q3/edit/" in inbox.body(messages[1])


def test_an_empty_contribution_is_refused_with_a_message(theirs, partner):
    response = contribute(as_(partner), text="   ")

    assert response.status_code == 200
    assert "Enter your contribution" in response.content.decode()
    assert not Contribution.objects.exists()


def test_no_contribution_in_a_closed_quarter(theirs, partner):
    response = as_(partner).post(
        reverse("commitments:contribute", kwargs={"ref": 96, "fy": "2025-26", "q": "q2"}), {"text": "late"}
    )

    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_the_officer_sees_the_contribution_and_can_start_the_update_from_it(theirs, partner, officer):
    contribute(as_(partner))
    client = as_(officer)
    url = reverse("commitments:update_edit", kwargs={"ref": 96, **CONTRIBUTE})

    page = client.get(url).content.decode()
    started = client.get(url, {"use": "contribution"}).content.decode()

    assert "contribution from the WMP lead, Wendy Police" in page and "Suggested RAG status: Green" in page
    assert "Start the update from this contribution" in page
    assert "Force ran 40 speed operations in Q3.</textarea>" in started
    assert StatusUpdate.objects.get(commitment=theirs, period__quarter=3).narrative == "DRAFT-Q3"  # nothing saved


def test_the_smt_lead_sees_it_in_the_review(theirs, partner, smt_lead):
    contribute(as_(partner))
    StatusUpdate.objects.filter(narrative="DRAFT-Q3").update(state=StatusUpdate.State.SUBMITTED)

    page = as_(smt_lead).get(reverse("commitments:update_review", kwargs={"ref": 96, **CONTRIBUTE})).content.decode()

    assert "Force ran 40 speed operations in Q3." in page


def test_committee_members_never_see_a_contribution(theirs, partner, committee_member):
    contribute(as_(partner))

    page = as_(committee_member).get(reverse("commitments:detail", args=[96])).content.decode()

    assert "Force ran 40 speed operations" not in page


def test_another_partner_cannot_contribute_to_a_commitment_they_do_not_lead(theirs):
    other = UserFactory(username="wmp2", role=Role.PARTNER)

    assert contribute(as_(other)).status_code == 404
    assert not Contribution.objects.exists()


def test_an_admin_names_the_wmp_lead_as_a_partner_in_the_commitment_form(client_as_admin, commitment, partner):
    url = reverse("commitments:commitment_edit", args=[96])
    page = client_as_admin.get(url)
    data = {
        "text": commitment.text,
        "policy_areas": "Improving Road and Travel Safety",
        "smt_lead": "smt",
        "officer_lead": "officer",
        "wmp_lead": "Ch Supt Police",
        "wmp_lead_user": "wmp",
        "timescale": "",
        "active": "on",
        "last_saved": page.context["form"].initial["last_saved"] or "",
    }

    client_as_admin.post(url, data)

    commitment.refresh_from_db()
    assert commitment.wmp_lead_user == partner
    refused = client_as_admin.post(url, {**data, "wmp_lead_user": "officer"})
    assert "is not a partner contributor" in refused.content.decode()
