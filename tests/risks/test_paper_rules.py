"""The committee paper's risk sections, read from the RiskQuerySet methods."""

import datetime

import pytest

from risks.models import Risk
from tests.risks.factories import AssessmentFactory, RiskFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db

OPEN, CLOSED, UC, DEESCALATED = (
    Risk.Status.OPEN,
    Risk.Status.CLOSED,
    Risk.Status.UNDER_CONSIDERATION,
    Risk.Status.DEESCALATED,
)


def _scored(ref, scores: dict, periods, **kwargs) -> Risk:
    """A risk with current scores per quarter number, as (likelihood, impact)."""
    risk = RiskFactory(ref=ref, **kwargs)
    for quarter, (likelihood, impact) in scores.items():
        AssessmentFactory(
            risk=risk,
            period=periods[quarter],
            current_likelihood=likelihood,
            current_impact=impact,
            rationale=f"{ref} rationale Q{quarter}",
        )
    return risk


def _change(risk, from_status, to_status, period, reason="Because", date=datetime.date(2025, 9, 1)):
    StatusChangeFactory(
        risk=risk, from_status=from_status, to_status=to_status, period=period, reason=reason, date=date
    )


def test_new_risks_are_those_that_became_open_during_the_quarter(periods):
    added = _scored("CR01", {2: (3, 4)}, periods)
    _change(added, "", OPEN, periods[2], reason="New Home Office rules")
    promoted = _scored("CR02", {1: (2, 2), 2: (3, 3)}, periods, status=OPEN)
    _change(promoted, "", UC, periods[1])
    _change(promoted, UC, OPEN, periods[2], reason="Evaluated and accepted")
    older = _scored("CR03", {1: (2, 2), 2: (2, 2)}, periods)
    _change(older, "", OPEN, periods[1])

    rows = list(Risk.objects.became_open_during(periods[2]))

    assert [(r.ref, r.previous_score, r.current_score, r.current_band, r.reason) for r in rows] == [
        ("CR01", None, 12, "High", "New Home Office rules"),
        ("CR02", 4, 9, "Medium", "Evaluated and accepted"),
    ]
    assert rows[0].owner.username.startswith("user")


def test_under_consideration_now_and_at_the_end_of_a_quarter(periods):
    still = _scored("CR01", {2: (3, 3)}, periods, status=UC)
    later_opened = _scored("CR02", {2: (2, 2)}, periods, status=OPEN)
    _change(later_opened, UC, OPEN, periods[3])
    _scored("CR03", {2: (4, 4)}, periods, status=OPEN)

    assert [r.ref for r in Risk.objects.under_consideration()] == ["CR01"]
    in_q2 = list(Risk.objects.under_consideration(periods[2]))
    assert [(r.ref, r.current_score, r.reason) for r in in_q2] == [
        ("CR01", 9, "CR01 rationale Q2"),
        ("CR02", 4, "CR02 rationale Q2"),
    ]
    assert still.status == UC


def test_increased_means_open_in_both_quarters_with_a_higher_current_score(periods):
    _scored("UP", {1: (3, 4), 2: (4, 4)}, periods)
    _scored("DOWN", {1: (4, 4), 2: (3, 4)}, periods)
    _scored("SAME", {1: (3, 3), 2: (3, 3)}, periods)
    _scored("NEWQ2", {2: (5, 5)}, periods)
    _scored("PROPOSED", {1: (1, 1), 2: (5, 5)}, periods, status=UC)
    opened = _scored("OPENEDQ2", {1: (1, 1), 2: (5, 5)}, periods)
    _change(opened, UC, OPEN, periods[2])
    closed = _scored("CLOSEDQ2", {1: (1, 1), 2: (5, 5)}, periods, status=CLOSED)
    _change(closed, OPEN, CLOSED, periods[2])

    rows = list(Risk.objects.increased_between(periods[1], periods[2]))

    assert [(r.ref, r.previous_score, r.current_score, r.previous_band, r.current_band) for r in rows] == [
        ("UP", 12, 16, "High", "Very high")
    ]
    assert rows[0].reason == "UP rationale Q2"


def test_reduced_means_open_in_both_quarters_with_a_lower_current_score(periods):
    _scored("UP", {1: (3, 4), 2: (4, 4)}, periods)
    _scored("DOWN", {1: (4, 4), 2: (3, 4)}, periods)
    closed = _scored("CLOSEDQ2", {1: (5, 5), 2: (1, 1)}, periods, status=CLOSED)
    _change(closed, OPEN, CLOSED, periods[2])

    rows = list(Risk.objects.reduced_between(periods[1], periods[2]))

    assert [(r.ref, r.previous_score, r.current_score, r.reason) for r in rows] == [
        ("DOWN", 16, 12, "DOWN rationale Q2")
    ]


def test_a_risk_reopened_after_the_quarters_still_counts_by_its_status_then(periods):
    # Open through Q1 and Q2, closed in Q3: it was open in both quarters compared.
    risk = _scored("CR01", {1: (2, 2), 2: (4, 4)}, periods, status=CLOSED)
    _change(risk, OPEN, CLOSED, periods[3])

    assert [r.ref for r in Risk.objects.increased_between(periods[1], periods[2])] == ["CR01"]
    assert list(Risk.objects.increased_between(periods[2], periods[3])) == []


def test_closed_or_deescalated_during_the_quarter_with_the_reason(periods):
    closed = _scored("CR01", {1: (3, 3), 2: (1, 1)}, periods, status=CLOSED)
    _change(closed, OPEN, CLOSED, periods[2], reason="Funding confirmed for three years")
    handed = _scored("CR02", {1: (3, 3)}, periods, status=DEESCALATED)
    _change(handed, OPEN, DEESCALATED, periods[2], reason="Managed by the force's register now")
    earlier = _scored("CR03", {1: (3, 3)}, periods, status=CLOSED)
    _change(earlier, OPEN, CLOSED, periods[1])

    rows = list(Risk.objects.closed_or_deescalated_during(periods[2]))

    assert [(r.ref, r.closed_as, r.reason, r.previous_score, r.current_score) for r in rows] == [
        ("CR01", CLOSED, "Funding confirmed for three years", 9, 1),
        ("CR02", DEESCALATED, "Managed by the force's register now", 9, None),
    ]


def test_the_paper_rules_run_one_query_each(periods, django_assert_num_queries):
    for n in range(20):
        risk = _scored(f"CR{n:02d}", {1: (2, 2), 2: (3, 3)}, periods)
        _change(risk, "", OPEN, periods[2])

    for method, args in [
        ("became_open_during", [periods[2]]),
        ("under_consideration", [periods[2]]),
        ("increased_between", [periods[1], periods[2]]),
        ("reduced_between", [periods[1], periods[2]]),
        ("closed_or_deescalated_during", [periods[2]]),
    ]:
        with django_assert_num_queries(1):
            rows = list(getattr(Risk.objects, method)(*args))
            [(r.owner.username, r.current_band, r.reason) for r in rows]
