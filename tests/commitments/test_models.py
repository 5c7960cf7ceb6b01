import datetime

import pytest

from commitments.models import Commitment, Rag, ReportingPeriod, parse_period, parse_period_label
from tests.factories import CommitmentFactory, ReportingPeriodFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
        (2, datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
        (3, datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        (4, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ],
)
def test_quarters_follow_the_uk_financial_year(quarter, start, end):
    period = ReportingPeriod(financial_year=2025, quarter=quarter)

    assert (period.start_date, period.end_date) == (start, end)
    assert period.label == f"2025/26 Q{quarter}"
    assert period.slug == f"2025-26-q{quarter}"


def test_the_quarter_before_q1_is_the_previous_years_q4():
    assert ReportingPeriod(financial_year=2025, quarter=1).previous_key == (2024, 4)
    assert ReportingPeriod(financial_year=2025, quarter=3).previous_key == (2025, 2)
    assert ReportingPeriod(financial_year=2099, quarter=4).label == "2099/00 Q4"


@pytest.mark.parametrize("text", ["2025-27-q1", "2025-26-q5", "q1", "", "2025-26-Q1x"])
def test_malformed_period_names_are_refused(text):
    assert parse_period(text) is None


def test_period_labels_parse_as_the_opcc_writes_them():
    assert parse_period_label("2025/26 Q2") == (2025, 2)
    assert parse_period_label("2025/27 Q2") is None


def test_policy_areas_show_in_the_plans_order_not_alphabetically():
    CommitmentFactory(ref=36, areas=["VAWG", "Protecting Victims and Witnesses"])

    commitment = Commitment.objects.with_people().get(ref=36)

    assert commitment.policy_area_names == "VAWG / Protecting Victims and Witnesses"


def test_red_in_counts_only_approved_red_statuses(periods):
    q2 = periods[2]
    StatusUpdateFactory(commitment=CommitmentFactory(ref=1), period=q2, rag=Rag.RED)
    StatusUpdateFactory(commitment=CommitmentFactory(ref=2), period=q2, rag=Rag.RED, state="submitted")
    StatusUpdateFactory(commitment=CommitmentFactory(ref=3), period=q2, rag=Rag.AMBER)
    StatusUpdateFactory(commitment=CommitmentFactory(ref=4), period=periods[1], rag=Rag.RED)

    assert list(Commitment.objects.red_in(q2).values_list("ref", flat=True)) == [1]


def test_an_update_repeating_last_quarters_words_is_flagged(periods):
    commitment = CommitmentFactory()
    previous = StatusUpdateFactory(commitment=commitment, period=periods[2], narrative="Work  continues.")
    same = StatusUpdateFactory.build(commitment=commitment, period=periods[3], narrative="Work continues.\n")
    different = StatusUpdateFactory.build(commitment=commitment, period=periods[3], narrative="Board met in October.")

    assert same.repeats(previous)
    assert not different.repeats(previous)
    assert not same.repeats(None)


def test_register_shows_the_latest_quarter_with_approved_statuses_by_default(periods):
    StatusUpdateFactory(period=periods[2])

    assert ReportingPeriod.objects.for_register() == periods[2]


def test_register_falls_back_to_the_latest_started_quarter_without_any_statuses(periods):
    assert ReportingPeriod.objects.for_register() == periods[3]


def test_a_period_is_unique_per_quarter():
    ReportingPeriodFactory(financial_year=2025, quarter=1)

    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ReportingPeriod.objects.create(financial_year=2025, quarter=1)
