"""A quarter's update window, counted back from the meetings it reports to.

A working day is Monday to Friday, less England and Wales bank holidays (the `holidays`
package, with substitute days). By default the window opens RISKREG_WINDOW_OPENS_DAYS
working days before the earliest meeting, officers submit by RISKREG_OFFICER_DEADLINE_DAYS
and SMT leads finish reviewing by RISKREG_REVIEW_DEADLINE_DAYS; an admin can change each
date for a quarter. The dates must run in that order, all before the earliest meeting,
and every meeting after the quarter ends.
"""

import datetime
from dataclasses import dataclass
from functools import cache

import holidays
from django.conf import settings
from django.utils.dateformat import format as format_date


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days before `day` (which is not counted)."""
    while count > 0:
        day -= datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days after `day` (which is not counted)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        count -= is_working_day(day)
    return day


@dataclass(frozen=True)
class Window:
    opens_on: datetime.date | None = None
    officer_deadline: datetime.date | None = None
    review_deadline: datetime.date | None = None


def default_window(earliest_meeting: datetime.date) -> Window:
    """The dates counted back from the earliest meeting, by the settings' offsets."""
    return Window(
        opens_on=working_days_before(earliest_meeting, settings.RISKREG_WINDOW_OPENS_DAYS),
        officer_deadline=working_days_before(earliest_meeting, settings.RISKREG_OFFICER_DEADLINE_DAYS),
        review_deadline=working_days_before(earliest_meeting, settings.RISKREG_REVIEW_DEADLINE_DAYS),
    )


def with_defaults(given: Window, meetings: list[datetime.date]) -> Window:
    """The dates given, each one left blank counted back from the earliest meeting
    (still blank when there are no meetings)."""
    if not meetings:
        return given
    default = default_window(min(meetings))
    return Window(
        opens_on=given.opens_on or default.opens_on,
        officer_deadline=given.officer_deadline or default.officer_deadline,
        review_deadline=given.review_deadline or default.review_deadline,
    )


def _words(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def _sentence(words: str) -> str:
    return words[0].upper() + words[1:]


# The window's dates in order, as the messages name them.
NAMES = {
    "opens_on": "the day updates open",
    "officer_deadline": "the officers' deadline",
    "review_deadline": "the SMT leads' review deadline",
}


def window_problems(
    window: Window, *, meetings: dict[str, tuple[str, datetime.date]], quarter_ends: datetime.date
) -> dict[str, str]:
    """{field: message} for each date out of order, each message naming both dates.

    `meetings` maps a field name to (the meeting's name, its date).
    """
    problems = {}
    for field, (name, day) in meetings.items():
        if day <= quarter_ends:
            problems[field] = (
                f"The {name} meeting ({_words(day)}) must be after the quarter ends ({_words(quarter_ends)})"
            )
    dated = [(field, getattr(window, field)) for field in NAMES if getattr(window, field)]
    for (before, first), (after, second) in zip(dated, dated[1:], strict=False):
        if second < first:
            problems[after] = (
                f"{_sentence(NAMES[after])} ({_words(second)}) must be on or after {NAMES[before]} ({_words(first)})"
            )
    if meetings and dated:
        field, last = dated[-1]
        name, earliest = min(meetings.values(), key=lambda meeting: meeting[1])
        if last >= earliest and field not in problems:
            problems[field] = (
                f"{_sentence(NAMES[field])} ({_words(last)}) must be before the {name} meeting ({_words(earliest)})"
            )
    return problems
