"""A property of the public pages, their files and the open data API: for any markings,
review states and quarters published, no sensitive, unapproved or unpublished text ever
reaches the public, and what is published does."""

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import ReportingPeriod, StatusUpdate
from performance.services import release_publish
from riskreg.marking import Marking
from tests.factories import CommitmentFactory, ReportingPeriodFactory, StatusUpdateFactory
from tests.kpis.factories import KpiFactory, KpiValueFactory

pytestmark = pytest.mark.django_db

Status = ReportingPeriod.Status
STATES = list(StatusUpdate.State.values)
markings = st.sampled_from(Marking.values)
update_state = st.tuples(st.sampled_from(STATES), markings)
world = st.fixed_dictionaries(
    {
        "commitments": st.lists(
            st.tuples(markings, st.tuples(update_state, update_state, update_state)), min_size=1, max_size=4
        ),
        "kpi_values": st.lists(markings, min_size=3, max_size=3),
        "published": st.sets(st.sampled_from([1, 2]), max_size=2),
    }
)


def public_text(published_quarters) -> str:
    """Everything the public can read: the pages, every download and every API answer."""
    client = Client()
    answers = [client.get("/performance/"), client.get("/api/v1/quarters")]
    for quarter in (1, 2, 3):
        fy, q = "2025-26", f"q{quarter}"
        answers += [client.get(f"/performance/{fy}/{q}/")]
        answers += [
            client.get(f"/performance/{fy}/{q}/{name}") for name in ("commitments.csv", "summary.csv", "kpis.csv")
        ]
        slug = f"{fy}-{q}"
        answers += [client.get(f"/api/v1/quarters/{slug}{tail}") for tail in ("", "/commitments", "/kpis")]
    for response in answers:
        assert response.status_code in (200, 404), response
    return "\n".join(response.content.decode("utf-8-sig") for response in answers)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=world)
def test_no_sensitive_or_unpublished_text_reaches_the_public(world, db, settings):
    settings.RISKREG_PUBLIC_RATE_LIMIT = 0
    with transaction.atomic():
        periods = {
            q: ReportingPeriodFactory(financial_year=2025, quarter=q, status=s)
            for q, s in [(1, Status.CLOSED), (2, Status.CLOSED), (3, Status.OPEN)]
        }
        secret, public = [], []
        for n, (commitment_marking, updates) in enumerate(world["commitments"], start=1):
            commitment = CommitmentFactory(ref=n, text=f"COMMITMENT-{n}-TEXT", protective_marking=commitment_marking)
            hidden_commitment = commitment_marking == Marking.OFFICIAL_SENSITIVE
            (secret if hidden_commitment else []).append(commitment.text)
            for quarter, (state, marking) in enumerate(updates, start=1):
                narrative = f"UPDATE-{n}-Q{quarter}-NARRATIVE"
                StatusUpdateFactory(
                    commitment=commitment,
                    period=periods[quarter],
                    state=state,
                    narrative=narrative,
                    protective_marking=marking,
                )
                shown = (
                    not hidden_commitment
                    and state == StatusUpdate.State.APPROVED
                    and marking == Marking.OFFICIAL
                    and quarter in world["published"]
                )
                (public if shown else secret).append(narrative)
        kpi = KpiFactory(ref="KPI01", name="KPI-NAME")
        latest = max(world["published"], default=0)
        for quarter, marking in enumerate(world["kpi_values"], start=1):
            note = f"KPI-NOTE-Q{quarter}"
            KpiValueFactory(kpi=kpi, period=periods[quarter], value=quarter, note=note, protective_marking=marking)
            (public if marking == Marking.OFFICIAL and quarter <= latest else secret).append(note)
        for quarter in sorted(world["published"]):
            release_publish(period=periods[quarter], by=None)

        text = public_text(world["published"])

        leaked = [item for item in secret if item in text]
        missing = [item for item in public if item not in text]
        transaction.set_rollback(True)
    assert not leaked, f"reached the public: {leaked}"
    assert not missing, f"published but not shown: {missing}"
