"""Opening and closing quarters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from commitments import permissions, services
from commitments.models import ReportingPeriod
from riskreg.history import history_entries, people_in


@require_GET
def periods(request):
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    all_periods = list(ReportingPeriod.objects.order_by("-financial_year", "-quarter"))
    records = list(ReportingPeriod.history.order_by("-history_date")[:100])
    history = history_entries(records, ["status"], lambda r: r.instance.label, people_in(records))
    return render(request, "commitments/periods.html", {"periods": all_periods, "history": history})


@require_POST
def period_status(request, fy, q):
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    status = request.POST.get("status", "")
    try:
        services.period_set_status(period=period, status=status, by=request.user)
    except ValidationError:
        messages.error(request, "Choose to open or close the period.")
    else:
        messages.success(request, f"{period.label} is now {period.get_status_display().lower()}.")
    return redirect("commitments:periods")
