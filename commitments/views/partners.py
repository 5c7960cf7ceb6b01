"""The partner contributor's pages: their commitments, and a quarter's contribution."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from commitments import pages, partners
from commitments.models import Commitment, Contribution, ReportingPeriod
from commitments.views.common import current_plan
from riskreg.forms import posted
from riskreg.roles import Role


def _own_commitment(request, ref) -> Commitment:
    """Their commitment, or 404: a partner may not learn what else exists."""
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=current_plan(), ref=ref)
    if not partners.is_wmp_lead_of(request.user, commitment):
        raise Http404("No such commitment.")
    return commitment


@require_GET
def contributions(request):
    """A partner's home: the commitments they are WMP lead for, and this quarter's contributions."""
    if not request.user.has_role(Role.PARTNER):
        raise PermissionDenied
    commitments = list(partners.commitments_of(request.user))
    open_periods = list(ReportingPeriod.objects.open())
    written = {
        (c.commitment_id, c.period_id)
        for c in Contribution.objects.filter(commitment__in=commitments, period__in=open_periods).only(
            "commitment_id", "period_id"
        )
    }
    rows = [(c, [(p, (c.pk, p.pk) in written) for p in open_periods]) for c in commitments]
    return render(request, "commitments/partner_home.html", {"rows": rows, "open_periods": open_periods})


def partner_detail(request, commitment: Commitment):
    """What a partner sees of their commitment: approved statuses and their contributions."""
    context = {
        "commitment": commitment,
        "updates": pages.visible_updates(request.user, commitment),
        "contributions": list(commitment.contributions.select_related("period", "author")),
        "open_periods": list(ReportingPeriod.objects.open()),
    }
    return render(request, "commitments/partner_commitment.html", context)


@require_http_methods(["GET", "POST"])
def contribute(request, ref, fy, q):
    commitment = _own_commitment(request, ref)
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    if not period.is_open:
        return render(
            request, "commitments/period_not_open.html", {"commitment": commitment, "period": period}, status=403
        )
    existing = Contribution.objects.filter(commitment=commitment, period=period).first()
    form = partners.ContributionForm(posted(request), instance=existing)
    if request.method == "POST" and form.is_valid():
        partners.contribution_save(
            request=request,
            commitment=commitment,
            period=period,
            by=request.user,
            text=form.cleaned_data["text"],
            rag=form.cleaned_data["suggested_rag"],
        )
        messages.success(
            request, f"Your {period.label} contribution to commitment {ref} was saved and sent to the officer lead."
        )
        return redirect("commitments:detail", ref=ref)
    return render(request, "commitments/contribute.html", {"commitment": commitment, "period": period, "form": form})
