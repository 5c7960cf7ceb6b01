"""Property tests: for random status histories, every commitment lands in exactly the
sections of the paper its history says."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import Commitment, StatusUpdate
from tests.factories import CommitmentFactory, PlanFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "approved", "returned"]
# (rag, state) in a quarter, or None for no update at all.
quarter_update = st.one_of(
    st.none(), st.tuples(st.sampled_from(["red", "amber", "green", ""]), st.sampled_from(STATES))
)
histories = st.lists(st.tuples(quarter_update, quarter_update), min_size=1, max_size=12)


def approved_rag(update):
    return update[0] if update and update[1] == "approved" else ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=histories)
def test_red_improving_unreported_and_churn_follow_each_commitments_approved_history(histories):
    StatusUpdate.objects.all().delete()
    Commitment.objects.all().delete()
    plan = PlanFactory()
    p, q = ReportingPeriodFactory(quarter=1), ReportingPeriodFactory(quarter=2)
    expected_red, expected_improving, expected_unreported, expected_churn = set(), set(), set(), {}
    for ref, (before, after) in enumerate(histories, start=1):
        commitment = Commitment.objects.create(plan=plan, ref=ref, text=f"Commitment {ref}")
        for period, update in ((p, before), (q, after)):
            if update:
                StatusUpdate.objects.create(commitment=commitment, period=period, rag=update[0], state=update[1])
        was, now = approved_rag(before), approved_rag(after)
        if now == "red":
            expected_red.add(ref)
        if was == "red" and now in ("amber", "green"):
            expected_improving.add(ref)
        if was == "red" and now == "":
            expected_unreported.add(ref)
        expected_churn[(was, now)] = expected_churn.get((was, now), 0) + 1

    commitments = Commitment.objects.in_plan(plan)
    assert set(commitments.red_in(q).values_list("ref", flat=True)) == expected_red
    assert set(commitments.improving_between(p, q).values_list("ref", flat=True)) == expected_improving
    assert set(commitments.red_then_unreported(p, q).values_list("ref", flat=True)) == expected_unreported
    assert commitments.status_transitions(p, q) == expected_churn
    # The paper's list of Red-then-unreported is the churn table's Red -> Not assessed cell.
    assert commitments.red_then_unreported(p, q).count() == expected_churn.get(("red", ""), 0)
    assert sum(commitments.status_transitions(p, q).values()) == len(histories)


def test_an_unassessed_commitment_is_counted_as_not_assessed_in_both_quarters():
    CommitmentFactory(ref=1)
    p, q = ReportingPeriodFactory(quarter=1), ReportingPeriodFactory(quarter=2)

    assert Commitment.objects.status_transitions(p, q) == {("", ""): 1}


STATUSES = ["under_consideration", "open", "closed", "deescalated"]
score = st.one_of(st.none(), st.tuples(st.integers(1, 5), st.integers(1, 5)))
# (status before P, status at the end of P, status at the end of Q, score in P, score in Q)
risk_histories = st.lists(
    st.tuples(st.sampled_from(STATUSES), st.sampled_from(STATUSES), st.sampled_from(STATUSES), score, score),
    min_size=1,
    max_size=10,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=risk_histories)
def test_each_risk_lands_in_the_sections_its_history_says(histories):
    import datetime

    from django.core.management import call_command

    from risks.models import Assessment, Risk, StatusChange
    from tests.factories import UserFactory

    call_command("loaddata", "risk_matrix", verbosity=0)
    Assessment.objects.all().delete()
    StatusChange.objects.all().delete()
    Risk.objects.all().delete()
    owner = UserFactory(username="risk-owner")
    p, q = ReportingPeriodFactory(quarter=1), ReportingPeriodFactory(quarter=2)
    expected = {"new": set(), "under_consideration": set(), "increased": set(), "reduced": set(), "closed": set()}
    for number, (initial, at_p, at_q, score_p, score_q) in enumerate(histories, start=1):
        ref = f"R{number:02d}"
        risk = Risk.objects.create(ref=ref, title=ref, kind="corporate", owner=owner, status=at_q)
        if at_p != initial:
            StatusChange.objects.create(
                risk=risk, from_status=initial, to_status=at_p, period=p, date=datetime.date(2025, 6, 1), reason="P"
            )
        if at_q != at_p:
            StatusChange.objects.create(
                risk=risk, from_status=at_p, to_status=at_q, period=q, date=datetime.date(2025, 9, 1), reason="Q"
            )
        for period, scored in ((p, score_p), (q, score_q)):
            if scored:
                Assessment.objects.create(
                    risk=risk,
                    period=period,
                    current_likelihood=scored[0],
                    current_impact=scored[1],
                    assessed_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC),
                )
        if at_q != at_p and at_q == "open":
            expected["new"].add(ref)
        if at_q == "under_consideration":
            expected["under_consideration"].add(ref)
        if at_q != at_p and at_q in ("closed", "deescalated"):
            expected["closed"].add(ref)
        if at_p == at_q == "open" and score_p and score_q:
            before, after = score_p[0] * score_p[1], score_q[0] * score_q[1]
            if after > before:
                expected["increased"].add(ref)
            elif after < before:
                expected["reduced"].add(ref)

    refs = lambda risks: set(risks.values_list("ref", flat=True))  # noqa: E731
    assert refs(Risk.objects.became_open_during(q)) == expected["new"]
    assert refs(Risk.objects.under_consideration(q)) == expected["under_consideration"]
    assert refs(Risk.objects.increased_between(p, q)) == expected["increased"]
    assert refs(Risk.objects.reduced_between(p, q)) == expected["reduced"]
    assert refs(Risk.objects.closed_or_deescalated_during(q)) == expected["closed"]
