"""What the commitments pages show, built from the models: the views check, load, call
these and render."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from commitments import permissions
from commitments.models import Commitment, CommitmentPolicyArea, ReportingPeriod, StatusUpdate
from riskreg.history import history_entries, people_in


@dataclass
class MyCommitments:
    """An officer's updates to write in the open quarters; an SMT lead's to review, and
    their commitments' statuses beside last quarter's."""

    open_periods: list[ReportingPeriod]
    to_write: list = field(default_factory=list)
    to_review: list = field(default_factory=list)
    smt_rows: list = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        states = [u.state if u else None for _, _, u in self.to_write]
        return {
            "to_write": sum(1 for s in states if s in (None, StatusUpdate.State.DRAFT)),
            "returned": states.count(StatusUpdate.State.RETURNED),
            "awaiting_review": states.count(StatusUpdate.State.SUBMITTED),
            "to_review": len(self.to_review),
        }


def my_commitments(user, plan) -> MyCommitments:
    page = MyCommitments(open_periods=list(ReportingPeriod.objects.open()))
    all_periods = list(ReportingPeriod.objects.all())
    shown = [p for period in page.open_periods for p in (period, period.previous(among=all_periods)) if p]
    # The review table names each update's author: load them with the updates, or each
    # submitted update costs a query (Commitment.update_in reads `updates_shown`).
    updates = StatusUpdate.objects.filter(period__in=shown).select_related("period", "author")
    led = (
        Commitment.objects.in_plan(plan)
        .active()
        .led_by(user)
        .with_people()
        .prefetch_related(Prefetch("status_updates", queryset=updates, to_attr="updates_shown"))
        .order_by("ref")
    )
    for commitment in led:
        for period in page.open_periods:
            update = commitment.update_in(period)
            previous = commitment.update_in(period.previous(among=all_periods))
            if commitment.officer_lead_id == user.pk:
                page.to_write.append((commitment, period, update))
            if commitment.smt_lead_id == user.pk:
                page.smt_rows.append((commitment, period, update, previous))
                if update and update.state == StatusUpdate.State.SUBMITTED:
                    page.to_review.append((commitment, period, update, update.repeats(previous)))
    return page


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
        ["text", "smt_lead", "officer_lead", "wmp_lead", "timescale", "active"],
        lambda r: "Commitment",
        people,
    ) + history_entries(
        update_records, ["rag", "narrative", "state", "review_comment"], lambda r: f"{r.period.label} update", people
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
