"""Each role, on each commitments page: who may, and who is refused (never a 200)."""

import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod, StatusUpdate
from riskreg.roles import Role
from tests.downloads import csv_rows
from tests.factories import StatusUpdateFactory, UserFactory
from tests.html import tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_officer(db):
    return UserFactory(username="other-officer", role=Role.OFFICER)


@pytest.fixture
def other_smt_lead(db):
    return UserFactory(username="other-smt", role=Role.SMT_LEAD)


ROLES = ["anonymous", "officer", "other_officer", "smt_lead", "other_smt_lead", "committee_member", "register_admin"]


def client_for(request, client, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


EDIT = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])
REVIEW = reverse("commitments:update_review", args=[96, "2025-26", "q3"])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 403),
        ("smt_lead", 403),
        ("other_smt_lead", 403),
        ("committee_member", 403),
        ("register_admin", 200),
    ],
)
def test_only_the_officer_lead_and_admins_write_the_update(request, client, commitment, role, status):
    client = client_for(request, client, role)

    assert client.get(EDIT).status_code == status
    response = client.post(EDIT, {"rag": "green", "narrative": "Written", "version": 0, "save": ""})
    assert response.status_code == (302 if status == 200 else status)
    assert StatusUpdate.objects.exists() is (status == 200)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 403),
        ("smt_lead", 200),
        ("other_smt_lead", 403),
        ("committee_member", 403),
        ("register_admin", 200),
    ],
)
def test_only_the_smt_lead_and_admins_review(request, client, commitment, periods, role, status):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted")
    client = client_for(request, client, role)

    assert client.get(REVIEW).status_code == status
    response = client.post(REVIEW, {"decision": "approve", "comment": "", "version": update.version})
    assert response.status_code == (302 if status == 200 else status)
    update.refresh_from_db()
    assert (update.state == "approved") is (status == 200)


def test_a_closed_period_refuses_edits_even_to_the_officer_lead(client_as_officer, commitment, periods):
    url = reverse("commitments:update_edit", args=[96, "2025-26", "q2"])

    assert client_as_officer.get(url).status_code == 403
    response = client_as_officer.post(url, {"rag": "red", "narrative": "My words.", "version": 0, "save": ""})
    assert response.status_code == 409
    assert b"Your changes have not been saved" in response.content and b"My words." in response.content
    assert not StatusUpdate.objects.exists()


def test_a_submitted_update_cannot_be_edited_until_returned(client_as_officer, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted")

    assert client_as_officer.get(EDIT).status_code == 403


@pytest.mark.parametrize(
    "url", ["/commitments/96/2025-26/q9/edit/", "/commitments/96/2025-27/q3/edit/", "/commitments/999/2025-26/q3/edit/"]
)
def test_unknown_periods_and_commitments_are_404(client_as_officer, commitment, url):
    assert client_as_officer.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [
        ("officer", True),
        ("other_officer", False),
        ("smt_lead", True),
        ("other_smt_lead", False),
        ("committee_member", False),
        ("register_admin", True),
    ],
)
def test_drafts_are_shown_only_to_the_commitments_leads_and_admins(
    request, client, commitment, periods, role, sees_draft
):
    StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Approved words.")
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="draft", narrative="Draft words.")
    client = client_for(request, client, role)

    page = client.get(reverse("commitments:detail", args=[96]))

    assert page.status_code == 200
    assert b"Approved words." in page.content
    assert (b"Draft words." in page.content) is sees_draft


def test_the_committee_sees_approved_statuses_only_in_the_register(client_as_committee, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="green")
    StatusUpdateFactory(commitment=commitment, period=periods[3], rag="red", state="submitted")

    page = client_as_committee.get(reverse("commitments:register") + "?period=2025-26-q3")

    (table,) = tables(page.content)
    assert table[0][-2:] == ["2025/26 Q2", "2025/26 Q3"]
    assert table[1][-2:] == ["Green", "Not assessed"]
    assert b"Update state in that quarter" not in page.content
    csv = client_as_committee.get(reverse("commitments:register_download", args=["csv"]) + "?period=2025-26-q3")
    header, row = csv_rows(csv.content)
    downloaded = dict(zip(header, row, strict=True))
    assert (downloaded["2025/26 Q2"], downloaded["2025/26 Q3"], downloaded["2025/26 Q3 Update"]) == ("Green", "", "")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("smt_lead", 403),
        ("committee_member", 403),
        ("register_admin", 200),
    ],
)
def test_only_admins_manage_periods_and_imports(request, client, periods, role, status):
    client = client_for(request, client, role)

    assert client.get(reverse("commitments:periods")).status_code == status
    assert client.get(reverse("commitments:import")).status_code == status
    response = client.post(reverse("commitments:period_status", args=["2025-26", "q2"]), {"status": "open"})
    assert response.status_code == (302 if status == 200 else status)
    assert ReportingPeriod.objects.get(quarter=2).is_open is (status == 200)
    assert client.post(reverse("commitments:import_confirm")).status_code == (302 if status == 200 else status)


def test_reopening_a_period_is_recorded_in_its_history(client_as_admin, periods, register_admin):
    client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q2"]), {"status": "open"})

    page = client_as_admin.get(reverse("commitments:periods"))

    assert periods[2].history.first().history_user == register_admin
    assert b"2025/26 Q2" in page.content and b"Closed" in page.content and b"Open" in page.content
    assert register_admin.get_full_name().encode() in page.content


def test_a_bad_period_status_changes_nothing(client_as_admin, periods):
    response = client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q2"]), {"status": "deleted"})

    assert response.status_code == 302
    assert ReportingPeriod.objects.get(quarter=2).status == "closed"
    assert (
        client_as_admin.post(
            reverse("commitments:period_status", args=["2030-31", "q1"]), {"status": "open"}
        ).status_code
        == 404
    )
