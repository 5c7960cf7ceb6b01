"""Adding and editing a risk, changing its status, and its actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from commitments.models import ReportingPeriod
from riskreg.forms import posted
from riskreg.marking import marking_edit
from risks import permissions, services
from risks.forms import ActionForm, RiskForm, StatusChangeForm
from risks.models import Action, Risk
from risks.views.common import risk_or_404


def _started_periods() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.started().order_by("financial_year", "quarter"))


def _latest_open_slug(periods) -> str:
    open_ = [p for p in periods if p.is_open]
    return open_[-1].slug if open_ else ""


@require_http_methods(["GET", "POST"])
def risk_create(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied
    periods = _started_periods()
    initial = {"period": _latest_open_slug(periods), "status": Risk.Status.OPEN, "owner": request.user.pk}
    form = RiskForm(posted(request), periods=periods, initial=initial)
    if request.method == "POST" and form.is_valid():
        risk = services.risk_create(
            risk=form.save(commit=False),
            policy_areas=form.cleaned_data["policy_areas"],
            commitments=form.cleaned_data["commitment_refs"],
            period=form.cleaned_data["period"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(request, f"Risk {risk.ref} was added to the register.")
        return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None})


@require_http_methods(["GET", "POST"])
def risk_edit(request, ref):
    risk = risk_or_404(ref, Risk.objects.select_related("owner").prefetch_related("commitments"))
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    form = RiskForm(posted(request), instance=risk)
    if request.method == "POST" and form.is_valid():
        form.save_changes()
        messages.success(request, f"Risk {risk.ref} was saved.")
        return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk})


@require_http_methods(["GET", "POST"])
def status_change(request, ref):
    risk = risk_or_404(ref)
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    periods = _started_periods()
    default = next((p for p in periods if p.slug == _latest_open_slug(periods)), None)
    # A change's date must fall in its quarter: start from today, or the quarter's nearest day.
    today = timezone.localdate()
    date = min(max(today, default.start_date), default.end_date) if default else today
    form = StatusChangeForm(
        posted(request), risk=risk, periods=periods, initial={"period": default.slug if default else "", "date": date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.risk_change_status(
                risk=risk,
                to_status=form.cleaned_data["to_status"],
                period=form.cleaned_data["period"],
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Risk {risk.ref} is now {change.get_to_status_display().lower()}.")
            return redirect(risk)
    return render(request, "risks/status_form.html", {"form": form, "risk": risk})


@require_http_methods(["GET", "POST"])
def action_edit(request, ref, pk=None):
    risk = risk_or_404(ref)
    if not permissions.can_edit(request.user, risk):
        raise PermissionDenied
    action = get_object_or_404(Action, pk=pk, risk=risk) if pk else Action(risk=risk)
    form = ActionForm(posted(request), instance=action)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The action on {risk.ref} was saved.")
        return redirect(f"{risk.get_absolute_url()}#actions")
    return render(request, "risks/action_form.html", {"form": form, "risk": risk, "action": action})


@require_http_methods(["GET", "POST"])
def risk_marking(request, ref):
    risk = risk_or_404(ref)
    return marking_edit(
        request,
        item=risk,
        may_set=permissions.can_set_marking(request.user, risk),
        what=f"Risk {risk.ref}",
        back_url=risk.get_absolute_url(),
    )
