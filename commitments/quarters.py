"""What the periods pages show: the quarters' history (their dates and meetings), and
whether a quarter is ready to close."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, F, FilteredRelation, Q

from commitments.models import Commitment, Meeting, ReportingPeriod, StatusUpdate
from riskreg.history import history_entries, people_in

State = StatusUpdate.State
NO_UPDATE = "No update yet"
# The order the page counts them in: from nothing written to approved.
STATES = [(None, NO_UPDATE), *((state, state.label) for state in (State.DRAFT, State.SUBMITTED, State.RETURNED))]
STATES.append((State.APPROVED, State.APPROVED.label))
WORDS = dict(STATES)


@dataclass
class OfficerGroup:
    officer: object  # a user, or None for no officer lead
    commitments: list[Commitment]


@dataclass
class LeadGroup:
    smt_lead: object  # a user, or None for no SMT lead
    officers: list[OfficerGroup]

    @property
    def count(self) -> int:
        return sum(len(group.commitments) for group in self.officers)


@dataclass
class Readiness:
    period: ReportingPeriod
    counts: list[tuple[str, int]]  # (the state's words, how many), in STATES order
    outstanding: list[LeadGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def outstanding_count(self) -> int:
        return sum(group.count for group in self.outstanding)


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


def quarter_readiness(period: ReportingPeriod, plan) -> Readiness:
    """The quarter's updates counted by state over the plan's active commitments, and
    every one without an approved update, by SMT lead and officer: two queries."""
    active = Commitment.objects.in_plan(plan).active()
    by_state = dict(
        _with_update_state(active, period).order_by().values_list("update_state").annotate(count=Count("pk"))
    )
    counts = [(words, by_state.get(state, 0)) for state, words in STATES]
    outstanding = (
        _with_update_state(active, period)
        .filter(Q(update_state__isnull=True) | ~Q(update_state=State.APPROVED))
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
    rows = list(outstanding)
    for commitment in rows:
        commitment.state_words = WORDS[commitment.update_state]
    groups = []
    for _, by_lead in groupby(rows, key=lambda c: c.smt_lead_id):
        by_lead = list(by_lead)
        officers = [
            OfficerGroup(officer=rows[0].officer_lead, commitments=rows)
            for rows in (list(g) for _, g in groupby(by_lead, key=lambda c: c.officer_lead_id))
        ]
        groups.append(LeadGroup(smt_lead=by_lead[0].smt_lead, officers=officers))
    return Readiness(period=period, counts=counts, outstanding=groups)


def _names(relation: str) -> list[str]:
    # The email and whether they are active too: the daily reminders (notices.reminders) write to them.
    return [f"{relation}__{name}" for name in ("first_name", "last_name", "username", "email", "is_active")]
