"""Writes with side effects: each checks permission, validates and writes atomically."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commitments.models import ReportingPeriod
from riskreg.history import Change
from risks import permissions
from risks.importing import ImportPlan
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
    line) is recorded as the assessor."""
    plan = result
    if by is not None and not by.is_register_admin():
        raise PermissionDenied
    if not plan.is_valid:
        raise ValidationError(plan.errors)
    now, today = timezone.now(), timezone.localdate()
    reason = f"Imported from {plan.filename}"
    for risk_plan in plan.risks:
        if not risk_plan.has_changes:
            continue
        risk = Risk.objects.select_for_update().filter(ref=risk_plan.ref).first() or Risk(ref=risk_plan.ref)
        if risk_plan.changes:
            old_status = risk.status if risk.pk else ""
            for name, value in risk_plan.values.items():
                setattr(risk, name, value)
            risk._history_user = by
            risk.full_clean()
            risk.save()
            if risk_plan.status_from is not None:
                StatusChange.objects.create(
                    risk=risk,
                    from_status=old_status,
                    to_status=risk.status,
                    period=risk_plan.status_period,
                    date=today,
                    reason=reason,
                    changed_by=by,
                )
        for assessment_plan in risk_plan.assessments:
            if not (assessment_plan.is_new or assessment_plan.changes):
                continue
            assessment = Assessment.objects.select_for_update().filter(
                risk=risk, period=assessment_plan.period
            ).first() or Assessment(risk=risk, period=assessment_plan.period, version=0)
            for name, value in assessment_plan.values.items():
                setattr(assessment, name, value)
            assessment.assessed_by, assessment.assessed_at = by, now
            assessment.version += 1
            assessment._history_user = by
            assessment.full_clean()
            assessment.save()
    return plan
