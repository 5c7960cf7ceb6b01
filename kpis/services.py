"""Writes with side effects on the KPIs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kpis import permissions
from kpis.importing import ImportPlan
from kpis.models import Kpi, KpiValue


@transaction.atomic
def kpis_import_apply(*, result: ImportPlan, by) -> ImportPlan:
    """Write a valid import, all or nothing. A new value is OFFICIAL; a changed one keeps
    its marking. `by` is an admin, or None from the command line."""
    if by is not None and not permissions.can_import(by):
        raise PermissionDenied
    if not result.is_valid:
        raise ValidationError(result.errors)
    for kpi_plan in result.kpis:
        if not kpi_plan.has_changes:
            continue
        kpi = Kpi.objects.select_for_update().filter(ref=kpi_plan.ref).first() or Kpi(ref=kpi_plan.ref)
        if kpi_plan.is_new or kpi_plan.changes:
            for name, value in kpi_plan.values.items():
                setattr(kpi, name, value)
            kpi._history_user = by
            kpi.full_clean()
            kpi.save()
        for value_plan in kpi_plan.quarters:
            if not (value_plan.is_new or value_plan.changes):
                continue
            value = KpiValue.objects.select_for_update().filter(kpi=kpi, period=value_plan.period).first() or KpiValue(
                kpi=kpi, period=value_plan.period
            )
            value.value, value.note = value_plan.value, value_plan.note
            value._history_user = by
            value.full_clean()
            value.save()
    return result
