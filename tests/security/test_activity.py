"""The audit trail: every create, change and delete is recorded (who, when, before,
after), and register admins read it on the activity page, which nothing can edit."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.models import ReportingPeriod, StatusUpdate
from riskreg.models import User
from riskreg.roles import Role
from tests.committee.factories import PaperFactory, PublishedPaperFactory
from tests.factories import (
    CommitmentFactory,
    PlanFactory,
    ReportingPeriodFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.html import tables
from tests.risks.factories import ActionFactory, AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db

ACTIVITY = reverse("activity")

# The brief's list: commitments, updates, risks, assessments, actions, periods, papers,
# published papers and users, and the plan data around them.
AUDITED = [
    "riskreg.User",
    "commitments.Plan",
    "commitments.PolicyArea",
    "commitments.ReportingPeriod",
    "commitments.Commitment",
    "commitments.CommitmentPolicyArea",
    "commitments.StatusUpdate",
    "risks.Risk",
    "risks.Assessment",
    "risks.Action",
    "risks.StatusChange",
    "risks.ScoringMatrix",
    "risks.Level",
    "risks.Band",
    "committee.Paper",
    "committee.PublishedPaper",
    "committee.WordTemplate",
]


@pytest.mark.parametrize("label", AUDITED)
def test_every_change_to_these_records_is_kept_in_a_history(label):
    model = apps.get_model(label)

    assert getattr(model._meta, "simple_history_manager_attribute", None), f"{label} has no HistoricalRecords"


def test_role_changes_are_kept_in_the_users_history(register_admin):
    person = UserFactory(username="newcomer", role=Role.OFFICER)
    person._history_user = register_admin

    person.groups.add(Group.objects.get(name=Role.SMT_LEAD))

    latest = person.history.first()
    assert latest.history_user == register_admin
    assert {g.group.name for g in latest.groups.all()} == {Role.OFFICER, Role.SMT_LEAD}


def test_signing_in_adds_nothing_to_the_users_history(client, officer):
    records = officer.history.count()

    client.force_login(officer)

    assert officer.history.count() == records
    officer.refresh_from_db()
    assert officer.last_login is not None


def test_the_history_cannot_be_edited_from_the_site(client_as_admin, settings):
    # No historical model in the Django admin, and the simple-history admin's own
    # "edit the history" switch is off (its revert makes a new, recorded change).
    registered = {model._meta.label for model in admin.site._registry}
    assert not [label for label in registered if ".Historical" in label]
    assert getattr(settings, "SIMPLE_HISTORY_EDIT", False) is False
    # The activity page only reads.
    assert client_as_admin.post(ACTIVITY).status_code == 405


def test_the_activity_page_is_in_the_navigation_for_admins_only(client_as_admin, client, officer):
    assert f'href="{ACTIVITY}"' in client_as_admin.get("/").content.decode()
    client.force_login(officer)
    assert f'href="{ACTIVITY}"' not in client.get("/").content.decode()


def activity_rows(client, query=""):
    response = client.get(ACTIVITY + query)
    assert response.status_code == 200
    found = tables(response.content)
    return found[0][1:] if found else []


def test_changes_made_in_the_site_are_listed_with_who_when_before_and_after(
    client, commitment, periods, officer, smt_lead, register_admin
):
    edit = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])
    client.force_login(officer)
    client.post(edit, {"rag": "amber", "narrative": "First draft", "version": 0, "save": ""})
    client.post(edit, {"rag": "amber", "narrative": "Waiting for the MOJ", "version": 1, "submit": ""})
    client.force_login(smt_lead)
    review = reverse("commitments:update_review", args=[96, "2025-26", "q3"])
    client.post(review, {"decision": "approve", "comment": "", "version": 2})
    client.force_login(register_admin)
    client.post(reverse("commitments:period_status", args=["2025-26", "q3"]), {"status": "closed"})

    rows = activity_rows(client)

    when, who, what, changes = rows[0]
    assert (who, what) == (str(register_admin), "Changed: reporting period 2025/26 Q3")
    assert changes == "Status: was Open →, now Closed"
    assert when.startswith(timezone.localtime().strftime("%-d %b %Y"))
    by_officer = [row for row in rows if row[1] == str(officer)]
    assert [row[2] for row in by_officer] == [
        "Changed: status update 96 2025/26 Q3",
        "Created: status update 96 2025/26 Q3",
    ]
    assert "Update: was First draft →, now Waiting for the MOJ" in by_officer[0][3]
    assert "State: was Draft →, now Submitted for review" in by_officer[0][3]
    assert "Update: was (none) →, now First draft" in by_officer[1][3]
    approved = next(row for row in rows if row[1] == str(smt_lead))
    assert "State: was Submitted for review →, now Approved" in approved[3]
    assert f"Reviewer: was (none) →, now {smt_lead}" in approved[3]


@pytest.fixture
def one_of_each(periods, smt_lead, register_admin):
    """Every audited kind of record created, changed and deleted by the register admin."""
    call_command("loaddata", "risk_matrix", verbosity=0)
    q4 = periods[4]
    by = register_admin

    def save(obj, **changes):
        obj._history_user = by
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()
        return obj

    def delete(obj):
        obj._history_user = by
        obj.delete()

    # The plan alone: a factory-made commitment's ref comes from a sequence that can reach 300.
    commitment = save(CommitmentFactory.build(plan=PlanFactory(), ref=300, text="Before"))
    update = save(StatusUpdate(commitment=commitment, period=q4, rag="green", narrative="Before"))
    risk = save(RiskFactory.build(ref="ZZ1", title="Before", owner=smt_lead))
    assessment = save(AssessmentFactory.build(risk=risk, period=q4, rationale="Before"))
    action = save(ActionFactory.build(risk=risk, description="Before"))
    period = save(ReportingPeriodFactory.build(financial_year=2030, quarter=1))
    paper = save(PaperFactory.build(period=period, title="Before", meeting_date=None))
    published = save(PublishedPaperFactory.build(paper=paper, content={"title": "Before"}))
    person = save(User(username="zed", first_name="Zed", last_name="Before"))

    changed = {
        "commitments.commitment": (commitment, {"text": "After"}),
        "commitments.statusupdate": (update, {"narrative": "After"}),
        "risks.risk": (risk, {"title": "After"}),
        "risks.assessment": (assessment, {"rationale": "After"}),
        "risks.action": (action, {"description": "After"}),
        "commitments.reportingperiod": (period, {"status": ReportingPeriod.Status.CLOSED}),
        "committee.paper": (paper, {"title": "After"}),
        "committee.publishedpaper": (published, {"correction_reason": "After"}),
        "riskreg.user": (person, {"last_name": "After"}),
    }
    for obj, changes in changed.values():
        save(obj, **changes)
    for obj in (published, paper, period, action, assessment, risk, update, commitment, person):
        delete(obj)
    return changed


@pytest.mark.parametrize(
    ("kind", "label", "change"),
    [
        ("commitments.commitment", "commitment", "Individual commitment: was Before →, now After"),
        ("commitments.statusupdate", "status update", "Update: was Before →, now After"),
        ("risks.risk", "risk", "Title: was Before →, now After"),
        ("risks.assessment", "assessment", "Rationale: was Before →, now After"),
        ("risks.action", "action", "Description: was Before →, now After"),
        ("commitments.reportingperiod", "reporting period", "Status: was Open →, now Closed"),
        ("committee.paper", "paper", "Title: was Before →, now After"),
        ("committee.publishedpaper", "published paper", "Correction reason: was (none) →, now After"),
        ("riskreg.user", "user", "Last name: was Before →, now After"),
    ],
)
def test_creates_changes_and_deletes_of_every_kind_are_listed(
    client_as_admin, register_admin, one_of_each, kind, label, change
):
    rows = [row for row in activity_rows(client_as_admin, f"?kind={kind}") if row[1] == str(register_admin)]

    assert [(row[1], row[2].split(":")[0]) for row in rows] == [
        (str(register_admin), "Deleted"),
        (str(register_admin), "Changed"),
        (str(register_admin), "Created"),
    ]
    assert rows[1][2].startswith(f"Changed: {label}")
    assert rows[1][3] == change
    assert rows[0][3] == "The record was deleted."


def test_filters_by_person_kind_and_dates(client_as_admin, commitment, periods, officer, smt_lead):
    old = StatusUpdateFactory(commitment=commitment, period=periods[1], narrative="Old")
    old.history.update(history_date=timezone.make_aware(datetime.datetime(2025, 7, 1, 12)), history_user=officer)
    recent = StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Recent")
    recent.history.update(history_user=smt_lead)

    by_officer = activity_rows(client_as_admin, f"?user={officer.pk}")
    assert [row[2] for row in by_officer] == ["Created: status update 96 2025/26 Q1"]
    risks_only = activity_rows(client_as_admin, "?kind=risks.risk")
    assert risks_only == []
    in_july = activity_rows(client_as_admin, "?since=2025-07-01&until=2025-07-01")
    assert [row[2] for row in in_july] == ["Created: status update 96 2025/26 Q1"]
    since_august = activity_rows(client_as_admin, "?kind=commitments.statusupdate&since=2025-08-01")
    assert [row[2] for row in since_august] == ["Created: status update 96 2025/26 Q2"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=2025-08-01&until=2025-07-01", "The last day must be the same as or after the first day"),
        ("?since=yesterday", "Enter the first day as a real date"),
        ("?kind=auth.permission", "Select a kind of record from the list"),
        ("?user=999999", "Select a person from the list"),
    ],
)
def test_bad_filters_say_what_is_wrong(client_as_admin, query, message):
    response = client_as_admin.get(ACTIVITY + query)

    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert message in page
    assert "<title>Error: " in page


def _rounds(count: int, by, periods):
    """`count` rounds of changes to commitments, updates, risks, assessments and people."""
    smt = UserFactory(role=Role.SMT_LEAD)
    for n in range(count):
        commitment = CommitmentFactory(officer_lead=by, smt_lead=smt)
        update = StatusUpdateFactory(commitment=commitment, period=periods[3], narrative=f"Round {n}")
        update._history_user = by
        update.narrative = f"Round {n}, again"
        update.save()
        risk = RiskFactory(owner=smt)
        AssessmentFactory(risk=risk, period=periods[3])
        ActionFactory(risk=risk)
        person = UserFactory(role=Role.OFFICER)
        person._history_user = by
        person.groups.add(Group.objects.get(name=Role.SMT_LEAD))


def _queries(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ACTIVITY + query).status_code == 200
    return len(captured)


def test_a_page_of_activity_takes_the_same_queries_whatever_the_history_size(client_as_admin, register_admin, periods):
    call_command("loaddata", "risk_matrix", verbosity=0)
    # Enough rounds to fill the first page (of 50) with them, then eight times as many.
    _rounds(10, register_admin, periods)
    small = {query: _queries(client_as_admin, query) for query in ("", "?kind=commitments.statusupdate")}

    _rounds(70, register_admin, periods)

    large = {query: _queries(client_as_admin, query) for query in small}
    assert large == small
    pages = re.search(r"Page 1 of (\d+)", client_as_admin.get(ACTIVITY).content.decode())
    assert int(pages[1]) > 10


def test_the_activity_is_paginated_newest_first(client_as_admin, register_admin, periods):
    ReportingPeriod.objects.filter(pk=periods[4].pk).update(status="upcoming")
    period = periods[4]
    for n in range(60):
        period._history_user = register_admin
        period.status = "open" if n % 2 == 0 else "closed"
        period.save()

    first = client_as_admin.get(ACTIVITY + "?kind=commitments.reportingperiod")
    second = client_as_admin.get(ACTIVITY + "?kind=commitments.reportingperiod&page=2")

    assert "Page 1 of 2" in first.content.decode()
    assert len(tables(first.content)[0]) - 1 == 50
    assert "?kind=commitments.reportingperiod&amp;page=2" in first.content.decode()
    rows = tables(second.content)[0][1:]
    # 60 changes and the 4 periods' creation, 64 in all: 14 on the second page, oldest last.
    assert len(rows) == 14
    assert rows[-1][2] == "Created: reporting period 2025/26 Q1"


def test_html_in_a_change_is_shown_as_text(client_as_admin, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[3], narrative="<script>alert(1)</script>")

    page = client_as_admin.get(ACTIVITY).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
