"""Opening and closing quarters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import permissions, services
from commitments.forms import CloseForm, QuarterWindowForm
from commitments.models import Plan, ReportingPeriod
from commitments.quarters import period_history, quarter_readiness
from riskreg.forms import posted


@require_GET
def periods(request):
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    all_periods = list(ReportingPeriod.objects.prefetch_related("meetings").order_by("-financial_year", "-quarter"))
    return render(request, "commitments/periods.html", {"periods": all_periods, "history": period_history(all_periods)})


@require_POST
def period_status(request, fy, q):
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    status = request.POST.get("status", "")
    try:
        services.period_set_status(period=period, status=status, by=request.user)
    except ValidationError as error:
        if status == ReportingPeriod.Status.CLOSED:
            # Closing with updates outstanding needs a reason: the close page asks for it.
            messages.error(request, error.messages[0])
            return redirect("commitments:period_close", fy=fy, q=q)
        messages.error(request, "Choose to open or close the period.")
    else:
        messages.success(request, f"{period.label} is now {period.get_status_display().lower()}.")
    return redirect("commitments:periods")


@require_http_methods(["GET", "POST"])
def period_window(request, fy, q):
    """A quarter's meetings and update window."""
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    meetings = {meeting.body: meeting for meeting in period.meetings.all()}
    form = QuarterWindowForm(posted(request), period=period, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_window_set(
                period=period,
                by=request.user,
                meetings=form.meetings(),
                window=form.window(),
                open_quarter="open" in request.POST,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            opened = f" {period.label} is open." if "open" in request.POST else ""
            messages.success(request, f"The {period.label} dates are saved.{opened}")
            return redirect("commitments:period_window", fy=fy, q=q)
    context = {"form": form, "period": period, "meetings": list(meetings.values())}
    return render(request, "commitments/period_window.html", context)


@require_http_methods(["GET", "POST"])
def period_close(request, fy, q):
    """Close a quarter after seeing what is outstanding; with updates outstanding, say why."""
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    if not period.is_open:
        messages.error(request, f"{period.label} is not open, so there is nothing to close.")
        return redirect("commitments:periods")
    readiness = quarter_readiness(period, Plan.objects.current(), request.GET.get("page"))
    form = CloseForm(posted(request), period=period, outstanding=readiness.outstanding_count)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_close(period=period, by=request.user, reason=form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            form.add_error("reason" if "reason" in form.fields else None, error.messages)
        else:
            messages.success(request, f"{period.label} is now closed.")
            return redirect("commitments:periods")
    return render(request, "commitments/period_close.html", {"form": form, "period": period, "readiness": readiness})
