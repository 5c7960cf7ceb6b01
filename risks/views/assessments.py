"""A quarter's assessment of a risk, at /risks/<ref>/assessments/<fy>/<q>/."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from commitments.models import ReportingPeriod
from risks import permissions, services
from risks.forms import AssessmentForm
from risks.models import Assessment, ScoringMatrix
from risks.views.common import risk_or_404


@require_http_methods(["GET", "POST"])
def assessment_edit(request, ref, fy, q):
    risk = risk_or_404(ref)
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    if not permissions.can_assess(request.user, risk, period):
        raise PermissionDenied
    matrix = ScoringMatrix.objects.active()
    if matrix is None:
        raise Http404("No scoring matrix is in use.")
    assessment = Assessment.objects.filter(risk=risk, period=period).first()
    previous = (
        Assessment.objects.filter(risk=risk)
        .in_period(ReportingPeriod.objects.previous_of(period))
        .select_related("period")
        .first()
    )
    conflict = None
    if request.method == "POST":
        form, conflict = _record(request, risk, period, matrix)
        if form is None:
            messages.success(request, f"The {period.label} assessment of {risk.ref} was saved.")
            return redirect(risk)
    else:
        form = AssessmentForm(initial=AssessmentForm.initial_from(assessment, previous), matrix=matrix)
    context = {"form": form, "risk": risk, "period": period, "assessment": assessment, "previous": previous}
    return render(request, "risks/assessment_form.html", {**context, "conflict": conflict, "matrix": matrix})


def _record(request, risk, period, matrix) -> tuple[AssessmentForm | None, services.StaleAssessment | None]:
    """Save the posted assessment: (None, None) once saved, else the form to show again and
    any newer save it would have overwritten."""
    form = AssessmentForm(request.POST, matrix=matrix)
    if not form.is_valid():
        return form, None
    values = {name: form.cleaned_data[name] for name in services.ASSESSMENT_FIELDS}
    try:
        services.assessment_record(
            risk=risk, period=period, values=values, version=form.cleaned_data["version"], by=request.user
        )
    except services.StaleAssessment as stale:
        # Keep what they typed; the new version lets them save over it knowingly.
        return AssessmentForm({**request.POST.dict(), "version": stale.assessment.version}, matrix=matrix), stale
    except ValidationError as error:
        form.add_error(None, error)
        return form, None
    return None, None


@require_http_methods(["GET", "POST"])
def assessment_moved(request, ref, period):
    """The old address, /risks/<ref>/assessments/2025-26-q2/: moved for good to
    .../2025-26/q2/. A POST is sent on as a POST (308), so nothing typed is lost."""
    fy, _, q = period.rpartition("-")
    if not fy:
        raise Http404("No such reporting period.")
    return redirect(
        reverse("risks:assess", args=[ref, fy, q]), permanent=True, preserve_request=request.method == "POST"
    )
