"""A property of the Panel's report (it meets in public): for any markings and review
states, no sensitive or unapproved text, and no later quarter's, reaches its page or any
of its files, draft or published; and every approved official update of the quarter does."""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import ReportingPeriod, StatusUpdate
from panel.models import PanelReport
from panel.services import panel_report_publish
from riskreg.marking import Marking
from riskreg.roles import Role
from tests.downloads import csv_rows, docx_text, pdf_text, xlsx_sheets
from tests.factories import CommitmentFactory, ReportingPeriodFactory, StatusUpdateFactory, UserFactory
from tests.kpis.factories import KpiFactory, KpiValueFactory

pytestmark = pytest.mark.django_db

URL = "/panel/2025-26/q2/"
Status = ReportingPeriod.Status
markings = st.sampled_from(Marking.values)
update_state = st.tuples(st.sampled_from(list(StatusUpdate.State.values)), markings)
world = st.fixed_dictionaries(
    {
        "commitments": st.lists(
            st.tuples(markings, st.tuples(update_state, update_state, update_state)), min_size=1, max_size=4
        ),
        "kpi_values": st.lists(markings, min_size=3, max_size=3),
    }
)


def panel_text(client) -> str:
    """The page and every file, as a reader of the report gets them."""
    files = {name: client.get(URL + name) for name in ("report.pdf", "report.docx", "report.xlsx", "commitments.csv")}
    assert all(response.status_code == 200 for response in files.values())
    return "\n".join(
        [
            client.get(URL).content.decode(),
            pdf_text(files["report.pdf"].content),
            docx_text(files["report.docx"].content),
            str(xlsx_sheets(files["report.xlsx"].content)),
            str(csv_rows(files["commitments.csv"].content)),
        ]
    )


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=world)
def test_no_sensitive_unapproved_or_later_text_reaches_the_panel(world, db):
    with transaction.atomic():
        periods = {
            q: ReportingPeriodFactory(financial_year=2025, quarter=q, status=s)
            for q, s in [(1, Status.CLOSED), (2, Status.CLOSED), (3, Status.OPEN)]
        }
        secret, shown = [], []
        for n, (commitment_marking, updates) in enumerate(world["commitments"], start=1):
            commitment = CommitmentFactory(ref=n, text=f"COMMITMENT-{n}-TEXT", protective_marking=commitment_marking)
            hidden = commitment_marking == Marking.OFFICIAL_SENSITIVE
            (secret if hidden else shown).append(commitment.text)
            for quarter, (state, marking) in enumerate(updates, start=1):
                narrative = f"UPDATE-{n}-Q{quarter}-NARRATIVE"
                StatusUpdateFactory(
                    commitment=commitment,
                    period=periods[quarter],
                    state=state,
                    narrative=narrative,
                    protective_marking=marking,
                )
                public = not hidden and state == StatusUpdate.State.APPROVED and marking == Marking.OFFICIAL
                # Only the quarter's own update is printed: Q1's gives its status, Q3's nothing.
                (shown if public and quarter == 2 else secret).append(narrative)
        kpi = KpiFactory(ref="KPI01", name="KPI-NAME")
        for quarter, marking in enumerate(world["kpi_values"], start=1):
            value = f"{1000 + quarter * 111}.25"
            KpiValueFactory(
                kpi=kpi, period=periods[quarter], value=value, note=f"KPI-NOTE-Q{quarter}", protective_marking=marking
            )
            text = f"{1000 + quarter * 111:,}.25"
            (shown if marking == Marking.OFFICIAL and quarter <= 2 else secret).append(text)
            secret.append(f"KPI-NOTE-Q{quarter}")  # the Panel report gives values, not notes
        report = PanelReport.objects.create(period=periods[2], meeting_date=datetime.date(2026, 2, 4))
        client = Client()
        client.force_login(UserFactory(username="member", role=Role.COMMITTEE_MEMBER))

        texts = [panel_text(client)]
        panel_report_publish(report=report, by=None, render_now=True)
        texts.append(panel_text(client))

        leaked = [item for text in texts for item in secret if item in text]
        missing = [item for text in texts for item in shown if item not in text]
        transaction.set_rollback(True)
    assert not leaked, f"reached the Panel: {leaked}"
    assert not missing, f"approved and official but not shown: {missing}"
