"""The update window's working days and its defaults, counted back from the meetings."""

import datetime

import pytest

from commitments.windows import (
    Window,
    default_window,
    is_working_day,
    window_problems,
    with_defaults,
    working_days_after,
    working_days_before,
)

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 12, 24), True),  # a Wednesday
        (D(2025, 12, 25), False),  # Christmas Day
        (D(2025, 12, 26), False),  # Boxing Day
        (D(2025, 12, 27), False),  # a Saturday
        (D(2025, 12, 28), False),  # a Sunday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 12, 28), False),  # Boxing Day 2026 falls on a Saturday: the Monday is the holiday
        (D(2026, 3, 17), True),  # St Patrick's Day is a bank holiday in Northern Ireland only
    ],
)
def test_weekends_and_england_and_wales_bank_holidays_are_not_working_days(day, working):
    assert is_working_day(day) is working


def test_counting_back_skips_the_weekend():
    # Monday 12 January 2026, one working day back: Friday 9 January.
    assert working_days_before(D(2026, 1, 12), 1) == D(2026, 1, 9)
    assert working_days_before(D(2026, 1, 12), 5) == D(2026, 1, 5)


def test_counting_back_over_christmas_skips_the_bank_holidays():
    # Friday 2 January 2026, back 3 working days: 1 Jan, the weekend of 27-28 Dec and
    # Christmas and Boxing Day are skipped, leaving 31, 30 and 29 December.
    assert working_days_before(D(2026, 1, 2), 3) == D(2025, 12, 29)
    assert working_days_before(D(2026, 1, 2), 4) == D(2025, 12, 24)


def test_counting_back_over_easter_skips_good_friday_and_easter_monday():
    # Tuesday 7 April 2026, back 2 working days: Thursday 2 April.
    assert working_days_before(D(2026, 4, 7), 2) == D(2026, 4, 1)
    assert working_days_before(D(2026, 4, 7), 1) == D(2026, 4, 2)


def test_no_days_back_is_the_day_itself():
    assert working_days_before(D(2026, 3, 12), 0) == D(2026, 3, 12)


def test_the_window_defaults_from_the_settings_offsets(settings):
    settings.RISKREG_WINDOW_OPENS_DAYS, settings.RISKREG_OFFICER_DEADLINE_DAYS = 10, 5
    settings.RISKREG_REVIEW_DEADLINE_DAYS = 3  # over Easter: 8, 7, 2 April

    # Thursday 9 April 2026, after Easter.
    window = default_window(D(2026, 4, 9))

    assert window == Window(opens_on=D(2026, 3, 24), officer_deadline=D(2026, 3, 31), review_deadline=D(2026, 4, 2))


def test_blank_dates_default_from_the_earliest_meeting_and_given_ones_are_kept(settings):
    settings.RISKREG_WINDOW_OPENS_DAYS, settings.RISKREG_OFFICER_DEADLINE_DAYS = 10, 5
    settings.RISKREG_REVIEW_DEADLINE_DAYS = 3  # over Easter: 8, 7, 2 April

    window = with_defaults(Window(officer_deadline=D(2026, 3, 30)), [D(2026, 4, 20), D(2026, 4, 9)])

    assert window == Window(opens_on=D(2026, 3, 24), officer_deadline=D(2026, 3, 30), review_deadline=D(2026, 4, 2))


def test_without_meetings_blank_dates_stay_blank():
    assert with_defaults(Window(opens_on=D(2026, 1, 5)), []) == Window(opens_on=D(2026, 1, 5))


JAC = {"jac": ("Joint Audit Committee", D(2026, 3, 12))}
Q3_ENDS = D(2025, 12, 31)


def test_dates_in_order_have_no_problems():
    window = Window(D(2026, 1, 26), D(2026, 2, 16), D(2026, 2, 23))

    assert window_problems(window, meetings=JAC, quarter_ends=Q3_ENDS) == {}


def test_a_deadline_before_the_window_opens_is_refused_naming_both_dates():
    window = Window(D(2026, 2, 2), D(2026, 1, 30), None)

    assert window_problems(window, meetings=JAC, quarter_ends=Q3_ENDS) == {
        "officer_deadline": "The officers' deadline (30 January 2026) must be on or after "
        "the day updates open (2 February 2026)"
    }


def test_a_review_deadline_before_the_officers_deadline_is_refused_naming_both_dates():
    window = Window(D(2026, 1, 26), D(2026, 2, 16), D(2026, 2, 13))

    assert window_problems(window, meetings=JAC, quarter_ends=Q3_ENDS) == {
        "review_deadline": "The SMT leads' review deadline (13 February 2026) must be on or after "
        "the officers' deadline (16 February 2026)"
    }


def test_a_meeting_before_the_quarter_ends_is_refused_naming_both_dates():
    meetings = {"pcp": ("Police and Crime Panel", D(2025, 12, 15))}

    assert window_problems(Window(), meetings=meetings, quarter_ends=Q3_ENDS) == {
        "pcp": "The Police and Crime Panel meeting (15 December 2025) must be after the quarter ends (31 December 2025)"
    }


def test_a_review_deadline_on_or_after_the_earliest_meeting_is_refused():
    window = Window(D(2026, 1, 26), D(2026, 2, 16), D(2026, 3, 12))

    assert window_problems(window, meetings=JAC, quarter_ends=Q3_ENDS) == {
        "review_deadline": "The SMT leads' review deadline (12 March 2026) must be before "
        "the Joint Audit Committee meeting (12 March 2026)"
    }


def test_working_days_after_skip_weekends_and_bank_holidays():
    assert working_days_after(datetime.date(2026, 1, 30), 2) == datetime.date(2026, 2, 3)  # Friday to Tuesday
    # Christmas Day 2026 is a Friday; Boxing Day, a Saturday, is made up on Monday the 28th.
    assert working_days_after(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 29)
