"""The home page: a task list for each of the person's roles, for the open quarters.

Why an app of its own: the lists read commitments (updates to write and review), risks
(assessments and reviews due) and the committee's papers, and the site (riskreg) must
import none of them. `tasks` sits above them all (tasks -> committee -> risks ->
commitments -> riskreg), owns no models and serves only the home page, so no domain app
has to learn about the others to build it. The committee app sees everything too, but it
is the paper's app; a home page is not part of the paper.

What each role is shown, for each open quarter:

- an officer: their updates not started, drafts, returned to them (each with the
  officers' deadline) and waiting for review;
- an SMT lead: updates to review (with the review deadline), their commitments whose
  officers have not submitted (each officer named, with counts), their risks not yet
  assessed in the quarter, and, once, their risks whose review is due (rule below);
- a register admin: the quarter's counts by state, and its progress by SMT lead and by
  officer, people with work overdue first;
- a committee member: no tasks; links to the register, the risks and the latest paper.

Every number is counted by the database (one aggregate per grouping, every open quarter
in the same query), and each links to a page that lists exactly those rows. The page
runs the same queries whatever the number of commitments, risks or people.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment, Plan, ReportingPeriod, StatusUpdate
from committee.models import PublishedPaper
from riskreg.dates import due_words
from risks.assessments import CURRENT_SCORE
from risks.models import Assessment, Band, Risk

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
    by_smt_lead: list[ProgressRow]
    by_officer: list[ProgressRow]


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


# ---------------------------------------------------------------------------
# Officer


def officer_section(user, commitments, periods) -> Section:
    section = Section("Your updates as officer lead")
    if not periods:
        return section
    (row,) = _counts_by_state(commitments.filter(officer_lead=user), periods, [])
    for period in periods:
        not_started, drafts, returned, waiting = (
            _count(row, period, state) for state in (NO_UPDATE, State.DRAFT, State.RETURNED, State.SUBMITTED)
        )
        key = f"officer-{period.slug}"
        items = [
            ("not-started", "Updates not started", not_started, f"{not_started} to write", NO_UPDATE),
            ("drafts", "Draft updates to finish and submit", drafts, _plural(drafts, "draft"), State.DRAFT),
            ("returned", "Updates returned to you for changes", returned, f"{returned} returned", State.RETURNED),
        ]
        tasks = [
            Task(f"{key}-{slug}", name, href=_mine(state) if number else "", **_status(number, words))
            for slug, name, number, words, state in items
        ]
        tasks.append(
            Task(
                f"{key}-waiting",
                "Updates waiting for your SMT lead's review",
                href=_mine(State.SUBMITTED) if waiting else "",
                **_status(waiting, f"{waiting} waiting", tag="govuk-tag--grey"),
            )
        )
        section.groups.append(
            TaskGroup(f"{period.label}: updates to write", tasks, "Officers' deadline", period.officer_deadline)
        )
    return section


# ---------------------------------------------------------------------------
# SMT lead


# An SMT lead's task names at most this many of each officer's commitments not submitted.
REFS_SHOWN = 10


def _not_submitted_refs(commitments, periods) -> dict[tuple[int, int | None], list[tuple[int, str]]]:
    """{(period id, officer id): [(ref, state), ...]}: the first REFS_SHOWN of each officer's
    commitments not yet submitted, numbered by the database so a lead of thousands reads ten."""
    aliases = {_update_alias(p): _update_in(p) for p in periods}
    states = {f"state_{p.pk}": Coalesce(F(f"{_update_alias(p)}__state"), Value(NO_UPDATE)) for p in periods}
    behind = Q()
    for name in states:
        behind |= Q(**{f"{name}__in": NOT_SUBMITTED})
    rows = (
        commitments.alias(**aliases)
        .annotate(**states)
        .filter(behind)
        .annotate(place=Window(RowNumber(), partition_by=[F("officer_lead")], order_by=F("ref").asc()))
        .filter(place__lte=REFS_SHOWN)
        .order_by("ref")
        .values_list("ref", "officer_lead", *states)
    )
    found: dict = {}
    for ref, officer_id, *period_states in rows:
        for period, state in zip(periods, period_states, strict=True):
            if state in NOT_SUBMITTED:
                found.setdefault((period.pk, officer_id), []).append((ref, state))
    return found


STATE_WORDS = {NO_UPDATE: "not started", State.DRAFT: "draft", State.RETURNED: "returned"}


def _officer_task(key, period, row, refs) -> Task:
    counts = [(state, _count(row, period, state)) for state in NOT_SUBMITTED]
    total = sum(number for _, number in counts)
    name = _person_name(row, "officer_lead") if row["officer_lead"] else "No officer lead set"
    hint = ", ".join(f"{number} {STATE_WORDS[state]}" for state, number in counts if number)
    more = total - len(refs)
    return Task(
        f"{key}-{row['officer_lead'] or 'none'}",
        name,
        status=f"{total} not submitted",
        tag="govuk-tag--yellow",
        hint=f"{hint}. Commitments:",
        links=[(str(ref), reverse("commitments:detail", args=[ref])) for ref, _ in refs],
        more=f"and {more} more" if more > 0 else "",
    )


def _risk_name(risk) -> str:
    return f"{risk.ref} {risk.title}"


def _assess_href(risk, period) -> str:
    if period is None:
        return reverse("risks:detail", args=[risk.ref])
    return reverse("risks:assess", args=[risk.ref, period.financial_year_slug, period.quarter_slug])


def review_due(risks, bands, periods, today) -> list[tuple[Risk, Band, datetime.date]]:
    """Risks whose review falls due, by the band of their last assessment.

    The rule: a risk's review is due on its last assessment's date (`assessed_at`) plus its
    band's review frequency in months ("Monthly" 1, "Quarterly" 3, "Every six months" 6,
    "Annually" 12: risks.matrix.review_interval_months); the band is the one in use that
    holds that assessment's current score. A risk is listed when that date is on or before
    the open quarters' latest review deadline (today, if none is set or it has passed).
    Risks not yet assessed in an open quarter are listed under that quarter instead, not
    again here; a band whose frequency names no interval lists none.
    """
    deadlines = [p.review_deadline for p in periods if p.review_deadline]
    horizon = max([today, *deadlines])
    due = []
    for risk in risks:
        if risk.last_assessed_at is None or not all(getattr(risk, f"assessed_{p.pk}") for p in periods):
            continue
        band = next((b for b in bands if b.min_score <= (risk.last_score or 0) <= b.max_score), None)
        next_review = band.next_review_after(timezone.localdate(risk.last_assessed_at)) if band else None
        if next_review is not None and next_review <= horizon:
            due.append((risk, band, next_review))
    return due


def smt_section(user, commitments, periods, today) -> Section:
    section = Section("Your reviews and risks as SMT lead")
    led = commitments.filter(smt_lead=user)
    rows = _counts_by_state(led, periods, _person_fields("officer_lead")) if periods else []
    refs = _not_submitted_refs(led, periods) if periods else {}
    latest = Assessment.objects.filter(risk=OuterRef("pk")).order_by("-assessed_at", "-pk")
    risks = list(
        Risk.objects.owned_by(user)
        .filter(status__in=LIVE_RISK)
        .annotate(
            last_assessed_at=Subquery(latest.values("assessed_at")[:1]),
            last_score=Subquery(latest.annotate(score=CURRENT_SCORE).values("score")[:1]),
            **{f"assessed_{p.pk}": Exists(Assessment.objects.filter(risk=OuterRef("pk"), period=p)) for p in periods},
        )
        .order_by("ref")
    )
    rows.sort(key=lambda r: (r["officer_lead"] is None, _person_name(r, "officer_lead") if r["officer_lead"] else ""))
    for period in periods:
        key = f"smt-{period.slug}"
        to_review = sum(_count(r, period, State.SUBMITTED) for r in rows)
        section.groups.append(
            TaskGroup(
                f"{period.label}: updates to review",
                [
                    Task(
                        f"{key}-review",
                        "Updates to review",
                        href=reverse("commitments:mine") if to_review else "",
                        **_status(to_review, f"{to_review} to review"),
                    )
                ],
                "SMT leads' review deadline",
                period.review_deadline,
            )
        )
        behind = [
            _officer_task(f"{key}-officer", period, r, refs.get((period.pk, r["officer_lead"]), []))
            for r in rows
            if any(_count(r, period, state) for state in NOT_SUBMITTED)
        ]
        section.groups.append(
            TaskGroup(
                f"{period.label}: your commitments whose officers have not submitted",
                behind,
                "Officers' deadline",
                period.officer_deadline,
                empty="Every officer has submitted.",
            )
        )
        unassessed = [
            Task(
                f"{key}-assess-{risk.ref}",
                _risk_name(risk),
                href=_assess_href(risk, period),
                status="Not assessed",
                tag="govuk-tag--blue",
            )
            for risk in risks
            if not getattr(risk, f"assessed_{period.pk}")
        ]
        section.groups.append(
            TaskGroup(
                f"{period.label}: your risks not yet assessed",
                unassessed,
                empty="Every risk you own is assessed this quarter.",
            )
        )
    bands = list(Band.objects.filter(matrix__is_active=True)) if risks else []
    latest_open = periods[-1] if periods else None
    section.groups.append(
        TaskGroup(
            "Your risks due for review",
            [
                Task(
                    f"smt-review-due-{risk.ref}",
                    _risk_name(risk),
                    href=_assess_href(risk, latest_open),
                    status=f"Review {words}" if (words := due_words(next_review, today)) else "",
                    tag="govuk-tag--red" if next_review < today else "govuk-tag--yellow",
                    hint=f"{band.label}: reviewed {band.review_frequency.lower()}. "
                    f"Last assessed {timezone.localdate(risk.last_assessed_at):%-d %B %Y}; "
                    f"review due {next_review:%-d %B %Y}.",
                )
                for risk, band, next_review in review_due(risks, bands, periods, today)
            ],
            empty="No risk of yours is due for review.",
        )
    )
    return section


# ---------------------------------------------------------------------------
# Register admin


NO_LEAD = {"smt_lead": "No SMT lead set", "officer_lead": "No officer lead set"}


def _progress_rows(rows, period, relation, today) -> list[ProgressRow]:
    made = []
    past_deadline = period.officer_deadline is not None and today > period.officer_deadline
    for row in rows:
        username = row[f"{relation}__username"]
        cells = [
            Cell(
                number := _count(row, period, state),
                label,
                _register(period, state, **{relation: username}) if number and username else "",
            )
            for state, label in STATE_COLUMNS
        ]
        outstanding = sum(_count(row, period, state) for state in NOT_SUBMITTED)
        name = _person_name(row, relation) if row[relation] else NO_LEAD[relation]
        made.append(
            ProgressRow(
                name, cells, outstanding, overdue=past_deadline and outstanding > 0, unassigned=not row[relation]
            )
        )
    # Overdue first; then those with most outstanding; commitments with no lead after people.
    made.sort(key=lambda r: (not r.overdue, -r.outstanding, r.unassigned, r.name))
    return made


def admin_section(commitments, periods, today) -> Section:
    section = Section("The quarter's progress")
    if not periods:
        return section
    by_smt = _counts_by_state(commitments, periods, _person_fields("smt_lead"))
    by_officer = _counts_by_state(commitments, periods, _person_fields("officer_lead"))
    for period in periods:
        totals = {state: sum(_count(r, period, state) for r in by_smt) for state, _ in STATE_COLUMNS}
        key = f"admin-{period.slug}"
        items = [
            (NO_UPDATE, "Commitments with no update yet", "with no update"),
            (State.DRAFT, "Updates in draft", "in draft"),
            (State.RETURNED, "Updates returned to officers", "returned"),
            (State.SUBMITTED, "Updates waiting for review", "waiting"),
        ]
        tasks = [
            Task(
                f"{key}-{state}",
                name,
                href=_register(period, state) if totals[state] else "",
                **_status(totals[state], f"{totals[state]} {words}"),
            )
            for state, name, words in items
        ]
        section.progress.append(
            Progress(
                period,
                TaskGroup(f"{period.label}: updates by state", tasks, "Officers' deadline", period.officer_deadline),
                total=sum(totals.values()),
                approved=totals[State.APPROVED],
                by_smt_lead=_progress_rows(by_smt, period, "smt_lead", today),
                by_officer=_progress_rows(by_officer, period, "officer_lead", today),
            )
        )
    return section


# ---------------------------------------------------------------------------
# The page


def home_page(user, today: datetime.date | None = None) -> Home:
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.open())
    home = Home(open_periods=periods, sections=[])
    staff = user.is_register_admin() or user.is_officer() or user.is_smt_lead()
    plan = Plan.objects.current() if staff else None
    home.has_plan = plan is not None or not staff
    commitments = Commitment.objects.in_plan(plan).active() if plan else Commitment.objects.none()
    if user.is_officer() and plan:
        home.sections.append(officer_section(user, commitments, periods))
    if user.is_smt_lead() and plan:
        home.sections.append(smt_section(user, commitments, periods, today))
    if user.is_register_admin() and plan:
        home.sections.append(admin_section(commitments, periods, today))
    if user.is_committee_member():
        latest = (
            PublishedPaper.objects.select_related("paper__period")
            .order_by("-paper__period__financial_year", "-paper__period__quarter", "-version")
            .first()
        )
        home.committee = CommitteeLinks(paper=latest)
    return home
