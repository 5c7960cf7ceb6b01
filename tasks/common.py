"""What every role's task list is made of (tasks.lists says what each shows), and the
counts they share."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, FilteredRelation, Q
from django.urls import reverse

from commitments.models import ReportingPeriod, StatusUpdate
from committee.models import PublishedPaper
from risks.models import Risk

State = StatusUpdate.State
NO_UPDATE = "none"  # the register's (and My commitments') filter value for "no update yet"
# The columns of the admin's progress tables, in the order an update moves.
STATE_COLUMNS = [
    (NO_UPDATE, "with no update"),
    (State.DRAFT, "in draft"),
    (State.SUBMITTED, "submitted"),
    (State.RETURNED, "returned"),
    (State.APPROVED, "approved"),
]
# What the officer still has to do: nothing submitted yet.
NOT_SUBMITTED = (NO_UPDATE, State.DRAFT, State.RETURNED)
LIVE_RISK = (Risk.Status.OPEN, Risk.Status.UNDER_CONSIDERATION)


@dataclass
class Task:
    """One row of a GOV.UK task list. No `href` when there is nothing to open."""

    id: str
    name: str
    status: str
    href: str = ""
    hint: str = ""
    tag: str = ""  # a govuk-tag colour class for a status that asks for action; "" for plain text
    # (text, href) links named in the hint, such as the commitments an officer has not submitted.
    links: list[tuple[str, str]] = field(default_factory=list)
    more: str = ""  # "and 30 more", after the links


@dataclass
class TaskGroup:
    heading: str
    tasks: list[Task]
    deadline_label: str = ""
    deadline: datetime.date | None = None
    empty: str = "Nothing to do."


@dataclass
class Cell:
    number: int
    label: str  # what the number counts, for screen readers: "with no update"
    href: str = ""


@dataclass
class ProgressRow:
    """One person's commitments in a quarter, counted by the state of their update."""

    name: str
    cells: list[Cell]
    outstanding: int
    overdue: bool
    unassigned: bool = False  # the commitments with no lead set


@dataclass
class Progress:
    """The admin's view of a quarter: totals, and who is behind."""

    period: ReportingPeriod
    tasks: TaskGroup
    total: int
    approved: int
    # (the first rows, how many more people there are): see tasks.progress.PROGRESS_ROWS_SHOWN
    by_smt_lead: tuple[list[ProgressRow], int]
    by_officer: tuple[list[ProgressRow], int]


@dataclass
class Section:
    heading: str
    groups: list[TaskGroup] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)


@dataclass
class CommitteeLinks:
    paper: PublishedPaper | None


@dataclass
class Home:
    open_periods: list[ReportingPeriod]
    sections: list[Section]
    committee: CommitteeLinks | None = None
    has_plan: bool = True


# ---------------------------------------------------------------------------
# Counting


def _update_alias(period) -> str:
    return f"update_{period.pk}"


def _update_in(period) -> FilteredRelation:
    return FilteredRelation("status_updates", condition=Q(status_updates__period=period))


def _counts_by_state(commitments, periods, group_by: list[str]) -> list[dict]:
    """Rows of `group_by` values with `p<period id>_<state>` counts for each open period
    (`_none` for no update), in one query: each period's update is joined once (a
    commitment has at most one a quarter)."""
    aliases, counts = {}, {}
    for period in periods:
        update = _update_alias(period)
        aliases[update] = _update_in(period)
        counts[f"p{period.pk}_{NO_UPDATE}"] = Count("pk", filter=Q(**{f"{update}__id__isnull": True}))
        for state in State.values:
            counts[f"p{period.pk}_{state}"] = Count("pk", filter=Q(**{f"{update}__state": state}))
    rows = commitments.alias(**aliases).order_by()
    if not group_by:
        return [rows.aggregate(**counts)]
    return list(rows.values(*group_by).annotate(**counts))


def _count(row, period, state) -> int:
    return row.get(f"p{period.pk}_{state}") or 0


def _person_name(row, relation) -> str:
    full = f"{row[f'{relation}__first_name']} {row[f'{relation}__last_name']}".strip()
    return full or row[f"{relation}__username"]


def _person_fields(relation) -> list[str]:
    return [relation, f"{relation}__username", f"{relation}__first_name", f"{relation}__last_name"]


def _plural(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def _mine(state: str) -> str:
    return f"{reverse('commitments:mine')}?{urlencode({'state': state})}"


def _register(period, state: str, **leads) -> str:
    return f"{reverse('commitments:register')}?{urlencode({'period': period.slug, 'state': state, **leads})}"


def _status(number: int, words: str, tag: str = "govuk-tag--blue") -> dict:
    return {"status": words, "tag": tag} if number else {"status": "None", "tag": ""}
