"""The KPI register, a KPI's page with its values over time, and a value's marking."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from kpis import pages, permissions
from kpis.models import ILLUSTRATIVE_NOTE, Kpi, KpiValue
from riskreg.marking import marking_edit


def _require_reader(request) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


@require_GET
def register(request):
    _require_reader(request)
    context = {
        "kpis": pages.register_rows(),
        "can_import": permissions.can_import(request.user),
        "illustrative_note": ILLUSTRATIVE_NOTE,
    }
    return render(request, "kpis/register.html", context)


@require_GET
def detail(request, ref):
    _require_reader(request)
    kpi = get_object_or_404(Kpi.objects.with_values(), ref=ref)
    context = {
        **pages.kpi_page(kpi),
        "can_set_marking": permissions.can_set_marking(request.user),
        "illustrative_note": ILLUSTRATIVE_NOTE,
    }
    return render(request, "kpis/detail.html", context)


@require_http_methods(["GET", "POST"])
def value_marking(request, ref, fy, q):
    _require_reader(request)
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    value = get_object_or_404(KpiValue.objects.select_related("kpi"), kpi__ref=ref, period=period)
    return marking_edit(
        request,
        item=value,
        may_set=permissions.can_set_marking(request.user),
        what=f"The {period.label} value of {value.kpi.ref} {value.kpi.name}",
        back_url=value.kpi.get_absolute_url(),
    )
