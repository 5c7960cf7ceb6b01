"""What the periods pages show: the quarters' history (their dates and meetings), and
whether a quarter is ready to close."""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, Q

from commitments.models import Commitment, Meeting, ReportingPeriod, StatusUpdate
from riskreg.history import history_entries, people_in

State = StatusUpdate.State
NO_UPDATE = "No update yet"
# The order the page counts them in: from nothing written to approved.
STATES = [(None, NO_UPDATE), *((state, state.label) for state in (State.DRAFT, State.SUBMITTED, State.RETURNED))]
STATES.append((State.APPROVED, State.APPROVED.label))
WORDS = dict(STATES)
# Outstanding commitments listed per page of the close page: at 100 times the real plan,
# listing all 23,000 on one page took 4 s to draw and was past reading anyway.
CLOSE_PAGE_SIZE = 100


@dataclass
class OfficerGroup:
    officer: object  # a user, or None for no officer lead
    commitments: list[Commitment]  # those on this page
    count: int  # all of theirs outstanding, on every page


@dataclass
class LeadGroup:
    smt_lead: object  # a user, or None for no SMT lead
    officers: list[OfficerGroup]
    count: int


@dataclass
class Readiness:
    period: ReportingPeriod
    counts: list[tuple[str, int]]  # (the state's words, how many), in STATES order
    outstanding: list[LeadGroup] = field(default_factory=list)  # those on this page
    page: Page | None = None

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def outstanding_count(self) -> int:
        return self.total - dict(self.counts)[State.APPROVED.label]


def period_history(periods: list[ReportingPeriod], limit: int = 100) -> list:
    """Who changed which quarter's status, window dates, close reason and meetings, newest first."""
    labels = {period.pk: period.label for period in periods}
    period_records = list(ReportingPeriod.history.order_by("-history_date")[:limit])
    meeting_records = list(Meeting.history.order_by("-history_date")[:limit])
    people = people_in(period_records + meeting_records)
    history = history_entries(
        period_records,
        ["status", "opens_on", "officer_deadline", "review_deadline", "close_reason"],
        lambda r: labels.get(r.id, "A quarter"),
        people,
    ) + history_entries(
        meeting_records,
        ["date"],
        lambda r: f"{labels.get(r.period_id, 'A quarter')} {Meeting.Body(r.body).label}",
        people,
    )
    history.sort(key=lambda entry: entry.when, reverse=True)
    return history


def _with_update_state(commitments, period):
    """Each commitment with `update_state`: its update's state in the period, or None."""
    return commitments.alias(
        update=FilteredRelation("status_updates", condition=Q(status_updates__period=period))
    ).annotate(update_state=F("update__state"))


def quarter_readiness(period: ReportingPeriod, plan, page_number=None) -> Readiness:
    """The quarter's updates counted by state over the plan's active commitments, and
    those without an approved update, a page at a time, by SMT lead and officer with how
    many each has outstanding in all: two queries, one counting, one listing a page."""
    active = _with_update_state(Commitment.objects.in_plan(plan).active(), period)
    counted = active.order_by().values_list("smt_lead_id", "officer_lead_id", "update_state").annotate(n=Count("pk"))
    by_state, per_officer = defaultdict(int), defaultdict(int)
    for lead, officer, state, n in counted:
        by_state[state] += n
        if state != State.APPROVED:
            per_officer[lead, officer] += n
    counts = [(words, by_state[state]) for state, words in STATES]
    listed = (
        active.filter(Q(update_state__isnull=True) | ~Q(update_state=State.APPROVED))
        .select_related("smt_lead", "officer_lead")
        .only("ref", "text", "smt_lead", "officer_lead", *_names("smt_lead"), *_names("officer_lead"))
        .order_by(
            F("smt_lead__last_name").asc(nulls_last=True),
            F("smt_lead__first_name").asc(nulls_last=True),
            "smt_lead_id",
            F("officer_lead__last_name").asc(nulls_last=True),
            F("officer_lead__first_name").asc(nulls_last=True),
            "officer_lead_id",
            "ref",
        )
    )
    paginator = Paginator(listed, CLOSE_PAGE_SIZE)
    paginator.count = sum(per_officer.values())  # counted above: no second count
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    for commitment in rows:
        commitment.state_words = WORDS[commitment.update_state]
    groups = []
    for lead_id, by_lead in groupby(rows, key=lambda c: c.smt_lead_id):
        by_lead = list(by_lead)
        officers = [
            OfficerGroup(officer=rows[0].officer_lead, commitments=rows, count=per_officer[lead_id, officer_id])
            for officer_id, rows in ((key, list(g)) for key, g in groupby(by_lead, key=lambda c: c.officer_lead_id))
        ]
        count = sum(n for (lead, _), n in per_officer.items() if lead == lead_id)
        groups.append(LeadGroup(smt_lead=by_lead[0].smt_lead, officers=officers, count=count))
    return Readiness(period=period, counts=counts, outstanding=groups, page=page)


def _names(relation: str) -> list[str]:
    # The email and whether they are active too: the daily reminders (notices.reminders) write to them.
    return [f"{relation}__{name}" for name in ("first_name", "last_name", "username", "email", "is_active")]
