"""A register admin's edit of a commitment, without an import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from commitments import permissions
from commitments.forms import CommitmentForm
from commitments.models import Commitment
from commitments.views.common import current_plan
from riskreg.forms import posted


@require_http_methods(["GET", "POST"])
def commitment_edit(request, ref):
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=current_plan(), ref=ref)
    # The latest change in its history: a save that opened an older one is refused.
    last_saved = commitment.history.values_list("history_id", flat=True).first()
    form = CommitmentForm(posted(request), instance=commitment, last_saved=last_saved)
    if request.method == "POST" and form.is_valid():
        form.save(by=request.user)
        messages.success(request, f"Commitment {ref} was saved.")
        return redirect("commitments:detail", ref=ref)
    return render(request, "commitments/commitment_form.html", {"commitment": commitment, "form": form})
