"""What the commitments pages show, built from the models: the views check, load, call
these and render."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q

from commitments import permissions
from commitments.forms import MineFilterForm
from commitments.models import Commitment, CommitmentPolicyArea, ReportingPeriod, StatusUpdate
from riskreg.history import history_entries, people_in

MINE_PAGE_SIZE = 50
MARKING_FIELDS = ["protective_marking", "marking_reason"]


@dataclass
class ReviewRow:
    """A submitted update in the SMT lead's queue, with last quarter's approved status."""

    update: StatusUpdate
    previous: StatusUpdate | None  # last quarter's, approved only

    @property
    def commitment(self) -> Commitment:
        return self.update.commitment

    @property
    def period(self) -> ReportingPeriod:
        return self.update.period

    @property
    def repeats(self) -> bool:
        return not self.update.carried_forward and self.update.repeats(self.previous)


@dataclass
class MyCommitments:
    """An officer's updates to write in the open quarters; an SMT lead's to review, and
    their commitments' statuses beside last quarter's. The two lists are filtered by the
    form and paged; the counts are of everything, whatever the filters."""

    open_periods: list[ReportingPeriod]
    form: MineFilterForm
    counts: dict[str, int] = field(default_factory=dict)
    leads: dict[str, int] = field(default_factory=dict)  # how many they lead, as "officer" and "smt"
    to_write: list = field(default_factory=list)
    to_write_page: Page | None = None
    to_review: list[ReviewRow] = field(default_factory=list)
    smt_rows: list = field(default_factory=list)
    smt_page: Page | None = None
    query: dict = field(default_factory=dict)

    def query_without(self, name: str) -> str:
        """The filters (and the other table's page) for a pager's links."""
        return urlencode({key: value for key, value in self.query.items() if key != name})

    @property
    def page_query(self) -> str:
        return self.query_without("page")

    @property
    def smt_page_query(self) -> str:
        return self.query_without("smt_page")

    @property
    def leads_any(self) -> bool:
        return any(self.leads.values())


def my_commitments(user, plan, query=None) -> MyCommitments:
    """The page for `user`; `query` is the request's GET (filters and pages)."""
    query = query if query is not None else {}
    form = MineFilterForm(query or None)
    page = MyCommitments(open_periods=list(ReportingPeriod.objects.open()), form=form, query=dict(query.items()))
    all_periods = list(ReportingPeriod.objects.all())
    previous_periods = [p for p in (period.previous(among=all_periods) for period in page.open_periods) if p]
    led = Commitment.objects.in_plan(plan).active()
    as_officer, as_smt = led.filter(officer_lead=user), led.filter(smt_lead=user)
    page.leads = _lead_counts(led, user)
    page.counts = _counts(as_officer, page.open_periods, page.leads["officer"])
    page.to_review = _review_queue(as_smt, page.open_periods, previous_periods)
    page.counts["to_review"] = len(page.to_review)
    if form.is_bound and not form.is_valid():
        return page
    # The review table names each update's author: load them with the updates, or each
    # submitted update costs a query (Commitment.update_in reads `updates_shown`).
    updates = StatusUpdate.objects.filter(period__in=page.open_periods + previous_periods).select_related("author")
    with_updates = Prefetch("status_updates", queryset=updates.order_by(), to_attr="updates_shown")
    if page.leads["officer"] and page.open_periods:
        filtered = form.filter(as_officer, page.open_periods).prefetch_related(with_updates).order_by("ref")
        page.to_write_page = Paginator(filtered, MINE_PAGE_SIZE).get_page(query.get("page"))
        for commitment in page.to_write_page.object_list:
            for period in page.open_periods:
                update = commitment.update_in(period)
                if form.shows_state(update):
                    page.to_write.append((commitment, period, update))
    if page.leads["smt"] and page.open_periods:
        filtered = form.filter(as_smt, page.open_periods).select_related("officer_lead")
        filtered = filtered.prefetch_related(with_updates).order_by("ref")
        page.smt_page = Paginator(filtered, MINE_PAGE_SIZE).get_page(query.get("smt_page"))
        for commitment in page.smt_page.object_list:
            for period in page.open_periods:
                update = commitment.update_in(period)
                if form.shows_state(update):
                    previous = commitment.update_in(period.previous(among=all_periods))
                    page.smt_rows.append((commitment, period, update, previous))
    return page


def _lead_counts(led, user) -> dict[str, int]:
    counts = led.aggregate(officer=Count("pk", filter=Q(officer_lead=user)), smt=Count("pk", filter=Q(smt_lead=user)))
    return {key: counts[key] or 0 for key in ("officer", "smt")}


def _counts(as_officer, open_periods, led_count: int) -> dict[str, int]:
    """The officer's updates in the open quarters by state, counted in SQL."""
    by_state = (
        dict(
            StatusUpdate.objects.filter(period__in=open_periods, commitment__in=as_officer)
            .order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        if open_periods
        else {}
    )
    State = StatusUpdate.State
    started = by_state.get(State.SUBMITTED, 0) + by_state.get(State.APPROVED, 0) + by_state.get(State.RETURNED, 0)
    return {
        "to_write": led_count * len(open_periods) - started,
        "returned": by_state.get(State.RETURNED, 0),
        "awaiting_review": by_state.get(State.SUBMITTED, 0),
        "approved": by_state.get(State.APPROVED, 0),
    }


def _review_queue(as_smt, open_periods, previous_periods) -> list[ReviewRow]:
    """Submitted updates of the SMT lead's commitments, oldest submission first. Two
    queries, whatever the length of the queue."""
    if not open_periods:
        return []
    submitted = list(
        StatusUpdate.objects.filter(period__in=open_periods, state=StatusUpdate.State.SUBMITTED, commitment__in=as_smt)
        .select_related("commitment", "period", "author")
        .order_by("submitted_at", "commitment__ref")
    )
    before = (
        {
            (u.commitment_id, u.period_id): u
            for u in StatusUpdate.objects.approved()
            .filter(period__in=previous_periods, commitment__in=[u.commitment_id for u in submitted])
            .order_by()
        }
        if submitted and previous_periods
        else {}
    )
    rows = []
    for update in submitted:
        previous_key = update.period.previous_key
        previous = next((p for p in previous_periods if p.key == previous_key), None)
        rows.append(ReviewRow(update, before.get((update.commitment_id, previous.pk)) if previous else None))
    return rows


def visible_updates(user, commitment) -> list[StatusUpdate]:
    updates = commitment.status_updates.select_related("period", "author", "reviewer").order_by(
        "-period__financial_year", "-period__quarter"
    )
    if not permissions.can_see_unapproved(user, commitment):
        updates = updates.approved()
    return list(updates)


def open_actions(user, commitment, updates) -> list[tuple[str, ReportingPeriod, StatusUpdate | None]]:
    """("edit" or "review", period, update) for each open quarter the person can act on."""
    by_period = {u.period_id: u for u in updates}
    actions = []
    for period in ReportingPeriod.objects.open():
        update = by_period.get(period.pk)
        if permissions.can_edit_update(user, commitment, period, update):
            actions.append(("edit", period, update))
        elif update and permissions.can_review(user, update):
            actions.append(("review", period, update))
    return actions


def commitment_history(commitment, *, with_updates: bool) -> list:
    """Every recorded change of the commitment (and of its updates, for those who see drafts), newest first."""
    commitment_records = list(commitment.history.all())
    update_records = (
        list(StatusUpdate.history.filter(commitment_id=commitment.pk).select_related("period")) if with_updates else []
    )
    # Its policy areas, each added or removed (an edit replaces them in the plan's order).
    area_records = list(CommitmentPolicyArea.history.filter(commitment_id=commitment.pk).select_related("policy_area"))
    people = people_in(commitment_records + update_records + area_records, user_fields=["smt_lead", "officer_lead"])
    history = history_entries(
        commitment_records,
        ["text", "smt_lead", "officer_lead", "wmp_lead", "timescale", "active", *MARKING_FIELDS],
        lambda r: "Commitment",
        people,
    ) + history_entries(
        update_records,
        ["rag", "narrative", "state", "review_comment", *MARKING_FIELDS],
        lambda r: f"{r.period.label} update",
        people,
    )
    history += history_entries(area_records, [], lambda r: f"Policy area {r.policy_area.name}", people)
    history.sort(key=lambda e: e.when, reverse=True)
    return history


@dataclass
class UpdatePage:
    """A commitment's update in a quarter, and last quarter's beside it."""

    commitment: Commitment
    period: ReportingPeriod
    update: StatusUpdate | None
    previous: StatusUpdate | None

    @classmethod
    def load(cls, commitment, period) -> "UpdatePage":
        updates = StatusUpdate.objects.filter(commitment=commitment)
        return cls(
            commitment,
            period,
            updates.select_related("author", "reviewer", "period").filter(period=period).first(),
            updates.filter(period__in=ReportingPeriod.objects.previous_of(period)).select_related("period").first(),
        )

    @property
    def context(self) -> dict:
        return {"commitment": self.commitment, "period": self.period, "update": self.update, "previous": self.previous}
