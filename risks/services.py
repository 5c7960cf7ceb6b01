"""Writes with side effects: each checks permission, validates and writes atomically."""

import datetime
from itertools import batched

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments.models import ReportingPeriod
from riskreg.history import Change
from risks import permissions
from risks.importing import LEVEL_COLUMNS, RISK_FIELDS, ImportPlan
from risks.models import Assessment, Risk, ScoringMatrix, StatusChange

ASSESSMENT_FIELDS = [
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "target_likelihood",
    "target_impact",
    "rationale",
    "controls",
]


class StaleAssessment(Exception):
    """Someone saved the assessment after the editor loaded it."""

    def __init__(self, assessment: Assessment, changes: list[Change]):
        super().__init__("The assessment was changed by someone else.")
        self.assessment = assessment
        self.changes = changes


def _shown(value) -> str:
    return "(none)" if value in (None, "") else str(value)


def changes_since(assessment: Assessment, version: int) -> list[Change]:
    """What differs between the version the editor loaded and the one saved now."""
    loaded = assessment.history.filter(version=version).order_by("-history_date").first() if version else None
    changes = []
    for name in ASSESSMENT_FIELDS:
        before = getattr(loaded, name) if loaded is not None else None
        after = getattr(assessment, name)
        if loaded is None or before != after:
            label = str(Assessment._meta.get_field(name).verbose_name).capitalize()
            changes.append(Change(label, _shown(before), _shown(after)))
    return changes


@transaction.atomic
def risk_create(*, risk: Risk, policy_areas, commitments, period: ReportingPeriod, reason: str, by) -> Risk:
    """Add a risk to the register, recording its first status (open or under consideration)."""
    if not permissions.can_create(by):
        raise PermissionDenied
    risk.full_clean()
    risk.save()
    risk.policy_areas.set(policy_areas)
    risk.commitments.set(commitments)
    StatusChange.objects.create(
        risk=risk,
        from_status="",
        to_status=risk.status,
        period=period,
        date=timezone.localdate(),
        reason=reason,
        changed_by=by,
    )
    return risk


@transaction.atomic
def risk_change_status(
    *, risk: Risk, to_status: str, period: ReportingPeriod, date: datetime.date, reason: str, by
) -> StatusChange:
    if not permissions.can_edit(by, risk):
        raise PermissionDenied
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if to_status == risk.status:
        raise ValidationError(f"The risk is already {risk.get_status_display().lower()}.")
    # Changes are a history read quarter by quarter (status_at): a change filed before
    # the latest one would rewrite the past the committee has already been told about.
    latest = (
        risk.status_changes.select_related("period")
        .order_by("-period__financial_year", "-period__quarter", "-date", "-pk")
        .first()
    )
    if latest is not None and period.key < latest.period.key:
        raise ValidationError(
            {"period": f"The last change was recorded in {latest.period.label}: choose that quarter or a later one"}
        )
    if not period.start_date <= date <= period.end_date:
        raise ValidationError(
            {"date": f"Enter a date in {period.label}, {period.start_date:%-d %B %Y} to {period.end_date:%-d %B %Y}"}
        )
    change = StatusChange(
        risk=risk,
        from_status=risk.status,
        to_status=to_status,
        period=period,
        date=date,
        reason=reason.strip(),
        changed_by=by,
    )
    change.full_clean()
    change.save()
    risk.status = to_status
    risk.save()
    return change


@transaction.atomic
def assessment_record(*, risk: Risk, period: ReportingPeriod, values: dict, version: int, by) -> Assessment:
    """Create or update the risk's assessment for the period.

    `version` is the version the editor loaded (0 when there was none); a save
    carrying an older version raises StaleAssessment with what changed since.
    """
    if not permissions.can_assess(by, risk, period):
        raise PermissionDenied
    existing = Assessment.objects.select_for_update().filter(risk=risk, period=period).first()
    if existing is not None and existing.version != version:
        raise StaleAssessment(existing, changes_since(existing, version))
    assessment = existing or Assessment(risk=risk, period=period)
    for name in ASSESSMENT_FIELDS:
        setattr(assessment, name, values.get(name, getattr(assessment, name)))
    assessment.assessed_by = by
    assessment.assessed_at = timezone.now()
    assessment.version = existing.version + 1 if existing else 1
    # The database's unique constraint decides a race for the quarter's first assessment
    # (the IntegrityError below); validating it here would report the loser as a form error.
    assessment.full_clean(exclude=["risk", "period"])
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        # Someone recorded the quarter's first assessment at the same moment.
        current = Assessment.objects.get(risk=risk, period=period)
        raise StaleAssessment(current, changes_since(current, 0)) from None
    return assessment


@transaction.atomic
def matrix_activate(*, matrix: ScoringMatrix, by) -> ScoringMatrix:
    """Score the register with this matrix from now on."""
    if not by.is_register_admin():
        raise PermissionDenied
    matrix = ScoringMatrix.objects.with_scales().get(pk=matrix.pk)
    problems = matrix.problems()
    if problems:
        raise ValidationError(problems)
    ScoringMatrix.objects.exclude(pk=matrix.pk).filter(is_active=True).update(is_active=False)
    matrix.is_active = True
    matrix.save()
    return matrix


@transaction.atomic
def risks_import_apply(*, result: ImportPlan, by) -> ImportPlan:
    """Write a valid import, all or nothing. `by` (an admin, or None from the command
    line) is recorded as the assessor.

    In bulk, a history record for every row written: the time follows the changes. The
    plan has checked every value by the models' own fields; the database's constraints
    hold the rest.
    """
    plan = result
    if by is not None and not by.is_register_admin():
        raise PermissionDenied
    if not plan.is_valid:
        raise ValidationError(plan.errors)
    to_write = [risk_plan for risk_plan in plan.risks if risk_plan.has_changes]
    risks = _import_risks(plan, to_write, by)
    _import_assessments(to_write, risks, by)
    return plan


IMPORT_BATCH = 1000  # rows read or written at a time


def _import_risks(plan: ImportPlan, to_write: list, by) -> dict[str, Risk]:
    """The risks the file changes or adds, by ref, with a status change for each new status."""
    existing = {}
    for batch in batched([risk_plan.ref for risk_plan in to_write], IMPORT_BATCH):
        existing.update((r.ref, r) for r in Risk.objects.select_for_update().filter(ref__in=batch))
    risks, changed, new, moves = {}, [], [], []
    for risk_plan in to_write:
        risk = risks[risk_plan.ref] = existing.get(risk_plan.ref) or Risk(ref=risk_plan.ref)
        if not risk_plan.changes:
            continue
        old_status = risk.status if risk.pk else ""
        for name, value in risk_plan.values.items():
            setattr(risk, name, value)
        (changed if risk.pk else new).append(risk)
        if risk_plan.status_from is not None:
            moves.append((risk, old_status, risk_plan.status_period))
    if changed:
        bulk_update_with_history(changed, Risk, list(RISK_FIELDS.values()), batch_size=IMPORT_BATCH, default_user=by)
    if new:
        bulk_create_with_history(new, Risk, batch_size=IMPORT_BATCH, default_user=by)
    today, reason = timezone.localdate(), f"Imported from {plan.filename}"
    status_changes = [
        StatusChange(
            risk=risk,
            from_status=old_status,
            to_status=risk.status,
            period=period,
            date=today,
            reason=reason,
            changed_by=by,
        )
        for risk, old_status, period in moves
    ]
    bulk_create_with_history(status_changes, StatusChange, batch_size=IMPORT_BATCH, default_user=by)
    return risks


def _import_assessments(to_write: list, risks: dict[str, Risk], by) -> None:
    """The file's assessments, each one's version moved on."""
    wanted = {
        (risks[risk_plan.ref].pk, a.period.pk): a
        for risk_plan in to_write
        for a in risk_plan.assessments
        if a.is_new or a.changes
    }
    periods = {period for _, period in wanted}
    existing = {}
    for batch in batched(sorted({risk for risk, _ in wanted}), IMPORT_BATCH):
        found = Assessment.objects.select_for_update().filter(risk__in=batch, period__in=periods)
        existing.update(((a.risk_id, a.period_id), a) for a in found)
    now = timezone.now()
    changed, new = [], []
    for key, assessment_plan in wanted.items():
        assessment = existing.get(key) or Assessment(risk_id=key[0], period_id=key[1], version=0)
        for name, value in assessment_plan.values.items():
            setattr(assessment, name, value)
        assessment.assessed_by, assessment.assessed_at = by, now
        assessment.version += 1
        (changed if assessment.pk else new).append(assessment)
    fields = [*LEVEL_COLUMNS.values(), "assessed_by", "assessed_at", "version"]
    if changed:
        bulk_update_with_history(changed, Assessment, fields, batch_size=IMPORT_BATCH, default_user=by)
    if new:
        bulk_create_with_history(new, Assessment, batch_size=IMPORT_BATCH, default_user=by)
