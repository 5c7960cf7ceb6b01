"""Who reads the Panel's report and who edits it, and what its pages cost in queries."""

import datetime

import pytest
from django.test import Client

from commitments.models import PolicyArea, StatusUpdate
from panel.models import PanelReport
from panel.services import panel_report_publish
from riskreg.roles import Role
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.kpis.factories import KpiFactory, KpiValueFactory
from tests.panel.conftest import REPORT

pytestmark = pytest.mark.django_db

PAGES = [REPORT, REPORT + "?draft=1", REPORT + "commitments.csv", "/panel/"]


@pytest.mark.parametrize(
    ("username", "reads", "edits"),
    [
        ("officer", True, False),
        ("smt", True, False),
        ("committee", True, False),
        ("admin", True, True),
        ("partner", False, False),
    ],
)
def test_staff_and_committee_members_read_and_only_admins_edit_and_publish(demo, username, reads, edits):
    from riskreg.models import User

    client = Client()
    # The demo's partner account is made by load_demo, not its fixtures.
    partner = username == "partner"
    client.force_login(UserFactory(role=Role.PARTNER) if partner else User.objects.get(username=username))

    for url in PAGES:
        assert client.get(url).status_code == (200 if reads else 404), url  # partners learn nothing exists
    assert client.get(REPORT + "edit/").status_code == (200 if edits else 403 if reads else 404)
    response = client.post(
        REPORT + "edit/", {"panel_name": "Hacked Panel", "meeting_date": "2025-12-15", "title": "Report"}
    )
    assert response.status_code == (302 if edits else 403 if reads else 404)
    assert (PanelReport.objects.get().panel_name == "Hacked Panel") is edits
    client.post(REPORT + "publish/")
    assert PanelReport.objects.get().versions.count() == (1 if edits else 0)


def test_anonymous_visitors_are_sent_to_sign_in(demo):
    client = Client()
    for url in [*PAGES, REPORT + "edit/", REPORT + "publish/", REPORT + "report.pdf"]:
        assert client.get(url)["Location"].startswith("/sign-in/"), url


def test_the_edit_page_saves_the_meeting_and_refuses_a_bad_date(demo):
    from riskreg.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    refused = client.post(REPORT + "edit/", {"panel_name": "", "meeting_date": "2025-13-45", "title": "Report"})

    assert refused.status_code == 200
    text = refused.content.decode()
    assert "<title>Error: " in text
    assert "Enter the Panel&#x27;s name" in text and "Enter the meeting date as a real date" in text
    assert PanelReport.objects.get().meeting_date == datetime.date(2025, 12, 15)


def test_a_new_quarters_report_starts_with_the_panels_meeting_of_the_quarter(demo):
    from riskreg.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))

    page = client.get("/panel/2025-26/q3/edit/").content.decode()

    assert 'value="2026-02-23"' in page  # the Panel's meeting in the demo's Q3 update window
    assert not PanelReport.objects.filter(period__quarter=3).exists()


def test_the_paper_list_links_to_the_panel_reports(demo):
    from riskreg.models import User

    client = Client()
    client.force_login(User.objects.get(username="committee"))

    assert 'href="/panel/"' in client.get("/committee/").content.decode()


def _register(periods, size: int):
    """`size` commitments in three policy areas with statuses in Q1 and Q2, and a KPI each."""
    areas = ["Area A", "Area B", "Area C"]
    for n in range(size):
        commitment = CommitmentFactory(ref=n + 1, areas=[areas[n % 3]], officer_lead=None)
        for quarter, rag in ((1, "red"), (2, "amber")):
            StatusUpdateFactory(
                commitment=commitment, period=periods[quarter], rag=rag, state=StatusUpdate.State.APPROVED
            )
    for n, area in enumerate(areas):
        kpi = KpiFactory(ref=f"KPI{n + 1:02d}", policy_area=PolicyArea.objects.get(name=area))
        KpiValueFactory(kpi=kpi, period=periods[1])
        KpiValueFactory(kpi=kpi, period=periods[2])
    return PanelReport.objects.create(period=periods[2], meeting_date=datetime.date(2026, 2, 4))


@pytest.mark.parametrize("size", [6, 60])
def test_the_draft_and_the_published_page_run_fixed_queries_whatever_the_size(periods, size, django_assert_num_queries):
    report = _register(periods, size)
    client = Client()
    client.force_login(UserFactory(username="member", role=Role.COMMITTEE_MEMBER))
    client.get(REPORT)  # the session's first use

    with django_assert_num_queries(DRAFT_QUERIES):
        assert client.get(REPORT).status_code == 200
    panel_report_publish(report=report, by=None, render_now=True)
    with django_assert_num_queries(PUBLISHED_QUERIES):
        assert client.get(REPORT).status_code == 200


DRAFT_QUERIES = 17
PUBLISHED_QUERIES = 11
