"""Writes with side effects on commitments and their quarterly status updates."""

import datetime
from dataclasses import dataclass
from itertools import batched

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments import permissions, signals, windows
from commitments.caching import register_changed
from commitments.importing import ImportPlan
from commitments.models import (
    Commitment,
    CommitmentPolicyArea,
    Meeting,
    Plan,
    PolicyArea,
    Rag,
    ReportingPeriod,
    StatusUpdate,
)


@dataclass
class EditConflict(Exception):
    """Someone else saved the update since this person opened it."""

    current: StatusUpdate | None


def _locked_update(commitment, period) -> StatusUpdate | None:
    return (
        StatusUpdate.objects.select_for_update(of=("self",))
        .select_related("author", "reviewer", "period", "commitment")
        .filter(commitment=commitment, period=period)
        .first()
    )


def _check_version(update: StatusUpdate | None, version: int) -> None:
    # version 0 means "there was no update when I opened the form".
    if (update.version if update else 0) != version:
        raise EditConflict(current=update)


def require_narrative(rag: str, narrative: str) -> None:
    if rag in (Rag.RED, Rag.AMBER) and not narrative.strip():
        raise ValidationError({"narrative": "Enter an update explaining the Red or Amber status"})


@transaction.atomic
def status_update_save(
    *,
    commitment: Commitment,
    period: ReportingPeriod,
    by,
    rag: str,
    narrative: str,
    version: int,
    submit: bool,
    carried_forward: bool = False,
) -> StatusUpdate:
    """Save the officer's draft, or submit it for review. Refuses a stale version.

    `carried_forward`: "no change since last quarter", the reviewer is told so. Any other
    save (an edit of the text) clears it."""
    update = _locked_update(commitment, period)
    if not permissions.can_edit_update(by, commitment, period, update):
        raise PermissionDenied
    _check_version(update, version)
    if submit:
        require_narrative(rag, narrative)
    if update is None:
        update = StatusUpdate(commitment=commitment, period=period, version=0)
    update.rag, update.narrative, update.author = rag, narrative, by
    update.carried_forward = carried_forward
    update.state = StatusUpdate.State.SUBMITTED if submit else StatusUpdate.State.DRAFT
    update.submitted_at = timezone.now() if submit else None
    update.version += 1
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        # Another person created the quarter's update between our read and write.
        raise EditConflict(current=_locked_update(commitment, period)) from None
    if submit:
        signals.update_submitted.send(sender=StatusUpdate, update=update, by=by)
    return update


@transaction.atomic
def status_update_review(*, update: StatusUpdate, reviewer, approve: bool, comment: str, version: int) -> StatusUpdate:
    """Approve a submitted update, or return it to the officer with a comment."""
    locked = _locked_update(update.commitment, update.period)
    if locked is None or not permissions.can_review(reviewer, locked):
        if locked is not None and locked.version != version:
            raise EditConflict(current=locked)
        raise PermissionDenied
    _check_version(locked, version)
    if not approve and not comment.strip():
        raise ValidationError({"comment": "Enter a comment telling the officer what to change"})
    locked.state = StatusUpdate.State.APPROVED if approve else StatusUpdate.State.RETURNED
    locked.review_comment = comment.strip()
    locked.reviewer, locked.reviewed_at = reviewer, timezone.now()
    locked.version += 1
    locked.save()
    signals.update_reviewed.send(sender=StatusUpdate, update=locked, by=reviewer)
    return locked


@transaction.atomic
def period_set_status(*, period: ReportingPeriod, status: str, by) -> ReportingPeriod:
    """Open, close or reopen a quarter. The change is kept in the period's history.

    Closing goes through period_close: with updates outstanding it needs a reason.
    """
    if not permissions.can_manage_register(by):
        raise PermissionDenied
    if status not in ReportingPeriod.Status.values:
        raise ValidationError("Choose open or closed")
    if status == ReportingPeriod.Status.CLOSED:
        return period_close(period=period, by=by, reason="")
    opening = status == ReportingPeriod.Status.OPEN and not period.is_open
    period.status = status
    if status == ReportingPeriod.Status.OPEN:
        _window_opens_today(period)
    period._history_user = by
    period.save(update_fields=["status", "opens_on"])
    if opening:
        signals.quarter_opened.send(sender=ReportingPeriod, period=period, by=by)
    return period


@transaction.atomic
def periods_open_as_planned(*, today: datetime.date) -> list[ReportingPeriod]:
    """Open each quarter not yet open whose window opens on or before `today`, as its
    dates say (the daily job, notices.reminders). Not one whose officers' deadline has
    passed: opening that late is an admin's decision. The history records no person."""
    due = ReportingPeriod.objects.select_for_update().filter(
        Q(officer_deadline__isnull=True) | Q(officer_deadline__gte=today),
        status=ReportingPeriod.Status.UPCOMING,
        opens_on__lte=today,
    )
    opened = []
    for period in due.order_by("financial_year", "quarter"):
        period.status = ReportingPeriod.Status.OPEN
        period.save(update_fields=["status"])
        signals.quarter_opened.send(sender=ReportingPeriod, period=period, by=None)
        opened.append(period)
    return opened


def _window_opens_today(period: ReportingPeriod) -> None:
    """Opening the quarter opens its window: a window set to open later opens today
    (never after the officers' deadline)."""
    today = timezone.localdate()
    if period.opens_on is None or period.opens_on > today:
        period.opens_on = min(today, period.officer_deadline or today)


@transaction.atomic
def period_window_set(
    *,
    period: ReportingPeriod,
    by,
    meetings: dict[str, datetime.date | None],
    window: windows.Window,
    open_quarter: bool = False,
) -> ReportingPeriod:
    """Set the meetings a quarter reports to (by Meeting.Body value; None removes one)
    and its update window, each blank date counted back from the earliest meeting.

    Dates out of order are refused, naming both dates ({field: message}, the fields
    being the bodies and the window's), and nothing changes. With `open_quarter` the
    quarter (and so its window) opens too. Every change is kept in the history.
    """
    if not permissions.can_manage_register(by):
        raise PermissionDenied
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    dated = {body: (Meeting.Body(body).label, day) for body, day in meetings.items() if day}
    window = windows.with_defaults(window, [day for _, day in dated.values()])
    problems = windows.window_problems(window, meetings=dated, quarter_ends=period.end_date)
    if problems:
        raise ValidationError(problems)
    existing = {meeting.body: meeting for meeting in period.meetings.all()}
    for body, day in meetings.items():
        meeting = existing.get(body) or Meeting(period=period, body=body)
        meeting._history_user = by
        if day is None and meeting.pk:
            meeting.delete()
        elif day is not None and meeting.date != day:
            meeting.date = day
            meeting.save()
    period.opens_on, period.officer_deadline = window.opens_on, window.officer_deadline
    period.review_deadline = window.review_deadline
    opening = open_quarter and not period.is_open
    if open_quarter:
        period.status = ReportingPeriod.Status.OPEN
        _window_opens_today(period)
    period._history_user = by
    period.save()
    if opening:
        signals.quarter_opened.send(sender=ReportingPeriod, period=period, by=by)
    return period


@transaction.atomic
def period_close(*, period: ReportingPeriod, by, reason: str) -> ReportingPeriod:
    """Close an open quarter. With any of the plan's active commitments lacking an
    approved update it needs a reason, kept in ReportingPeriod.close_reason (and so in
    the history) and shown on the paper's edit page."""
    if not permissions.can_manage_register(by):
        raise PermissionDenied
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_open:
        raise ValidationError(f"{period.label} is not open, so it cannot be closed")
    outstanding = Commitment.objects.in_plan(Plan.objects.current()).active().without_approved_update_in(period)
    count = outstanding.count()
    if count and not reason.strip():
        noun = "commitment has" if count == 1 else "commitments have"
        raise ValidationError(
            {"reason": f"Enter why you are closing {period.label} while {count} {noun} no approved update"}
        )
    period.status = ReportingPeriod.Status.CLOSED
    period.close_reason = reason.strip() if count else ""
    period._history_user = by
    period.save(update_fields=["status", "close_reason"])
    return period


COMMITMENT_IMPORT_FIELDS = ["text", "smt_lead", "officer_lead", "wmp_lead", "timescale"]
UPDATE_IMPORT_FIELDS = ["rag", "narrative", "state", "author", "reviewer", "reviewed_at", "version"]
BATCH = 1000


@transaction.atomic
def commitments_import_apply(*, result: ImportPlan, by) -> int:
    """Write every change of a valid plan, or nothing. Returns how many commitments changed.

    In bulk, a history record for every row written: the time follows the changes.
    """
    if not result.is_valid:
        raise ValueError("An import with errors cannot be applied.")
    for name in result.new_policy_areas:
        PolicyArea.objects.get_or_create(name=name)
    areas = {area.name: area for area in PolicyArea.objects.all()}
    changed_refs = sorted(change.ref for change in result.changes)
    existing = {}
    for batch in batched(changed_refs, BATCH):
        existing.update((c.ref, c) for c in Commitment.objects.in_plan(result.plan).filter(ref__in=batch))
    changed, new = [], []
    for ref in changed_refs:
        wanted = result.values[ref]
        commitment = existing.get(ref) or Commitment(plan=result.plan, ref=ref)
        for name in COMMITMENT_IMPORT_FIELDS:
            setattr(commitment, name, wanted[name])
        (changed if commitment.pk else new).append(commitment)
    if changed:
        bulk_update_with_history(changed, Commitment, COMMITMENT_IMPORT_FIELDS, batch_size=BATCH, default_user=by)
    if new:
        bulk_create_with_history(new, Commitment, batch_size=BATCH, default_user=by)
    commitments = {c.ref: c for c in changed + new}
    _import_policy_areas(result, commitments, areas, by)
    _import_statuses(result, commitments, by)
    # Bulk writes send no signals: the register's cached pages are renewed here.
    register_changed()
    return len(changed_refs)


def _import_policy_areas(result: ImportPlan, commitments: dict[int, Commitment], areas, by) -> None:
    """Each commitment's areas as the file lists them, in its order."""
    ids = [c.pk for c in commitments.values()]
    current: dict[int, list[str]] = {pk: [] for pk in ids}
    for batch in batched(ids, BATCH):
        links = CommitmentPolicyArea.objects.filter(commitment__in=batch).select_related("policy_area")
        for link in links.order_by("commitment", "position"):
            current[link.commitment_id].append(link.policy_area.name)
    differ = [c for ref, c in commitments.items() if current[c.pk] != result.values[ref]["policy_areas"]]
    for batch in batched([c.pk for c in differ], BATCH):
        for link in CommitmentPolicyArea.objects.filter(commitment__in=batch):
            link._history_user = by
            link.delete()  # one at a time, each with its history: only where the areas change
    links = [
        CommitmentPolicyArea(commitment=c, policy_area=areas[name], position=position)
        for c in differ
        for position, name in enumerate(result.values[c.ref]["policy_areas"])
    ]
    bulk_create_with_history(links, CommitmentPolicyArea, batch_size=BATCH, default_user=by)


def _import_statuses(result: ImportPlan, commitments: dict[int, Commitment], by) -> None:
    """The file's approved statuses, each update's version moved on."""
    wanted = {
        (c.pk, period_pk): status
        for ref, c in commitments.items()
        for period_pk, status in result.values[ref]["statuses"].items()
    }
    if not wanted:
        return
    periods = {pk for _, pk in wanted}
    ids = sorted({pk for pk, _ in wanted})
    existing = {}
    for batch in batched(ids, BATCH):
        updates = StatusUpdate.objects.filter(commitment__in=batch, period__in=periods)
        existing.update(((u.commitment_id, u.period_id), u) for u in updates)
    now = timezone.now()
    changed, new = [], []
    for key, (rag, narrative) in wanted.items():
        update = existing.get(key) or StatusUpdate(commitment_id=key[0], period_id=key[1], version=0)
        update.rag, update.narrative = rag, narrative
        update.state = StatusUpdate.State.APPROVED
        update.author = update.author or by
        update.reviewer, update.reviewed_at = by, now
        update.version += 1
        (changed if update.pk else new).append(update)
    if changed:
        bulk_update_with_history(changed, StatusUpdate, UPDATE_IMPORT_FIELDS, batch_size=BATCH, default_user=by)
    if new:
        bulk_create_with_history(new, StatusUpdate, batch_size=BATCH, default_user=by)
