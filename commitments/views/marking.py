"""Setting the protective marking of a commitment, or of one of its quarterly updates."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from commitments import permissions
from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from commitments.views.common import current_plan
from riskreg.marking import marking_edit


@require_http_methods(["GET", "POST"])
def commitment_marking(request, ref):
    commitment = get_object_or_404(Commitment, plan=current_plan(), ref=ref)
    return marking_edit(
        request,
        item=commitment,
        may_set=permissions.can_set_marking(request.user, commitment),
        what=f"Commitment {commitment.ref}",
        back_url=reverse("commitments:detail", args=[commitment.ref]),
    )


@require_http_methods(["GET", "POST"])
def update_marking(request, ref, fy, q):
    commitment = get_object_or_404(Commitment, plan=current_plan(), ref=ref)
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    update = get_object_or_404(StatusUpdate, commitment=commitment, period=period)
    return marking_edit(
        request,
        item=update,
        may_set=permissions.can_set_marking(request.user, commitment),
        what=f"The {period.label} update of commitment {commitment.ref}",
        back_url=reverse("commitments:detail", args=[commitment.ref]),
    )
