"""A commitment's page, My commitments, and writing and reviewing a quarter's update."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import pages, partners, permissions, reviews, services
from commitments.forms import ReviewForm, StatusUpdateForm
from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from commitments.views import partners as partner_views
from commitments.views.common import current_plan
from riskreg.forms import posted


@require_GET
def detail(request, ref):
    if request.user.is_partner_only():
        return partner_views.partner_detail(request, partner_views._own_commitment(request, ref))
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=current_plan(), ref=ref)
    can_see_unapproved = permissions.can_see_unapproved(request.user, commitment)
    updates = pages.visible_updates(request.user, commitment)
    context = {
        "commitment": commitment,
        "updates": updates,
        "actions": pages.open_actions(request.user, commitment, updates),
        "history": pages.commitment_history(commitment, with_updates=can_see_unapproved),
        "can_see_unapproved": can_see_unapproved,
        "can_edit_commitment": permissions.can_manage_register(request.user),
        "can_set_marking": permissions.can_set_marking(request.user, commitment),
    }
    return render(request, "commitments/detail.html", context)


@require_GET
def mine(request):
    """An officer's updates to write; an SMT lead's updates to review, and their commitments."""
    if not request.user.is_staff_member():
        raise PermissionDenied
    page = pages.my_commitments(request.user, current_plan(), request.GET)
    return render(request, "commitments/mine.html", {"page": page, "counts": page.counts, "form": page.form})


@require_POST
def approve_selected(request):
    """Approve the updates ticked in the review queue, each on its own (commitments.reviews)."""
    if not request.user.is_staff_member():
        raise PermissionDenied
    result = reviews.approve_selected(request.POST.getlist("approve"), by=request.user)
    for level, message in result.messages:
        messages.add_message(request, level, message)
    return redirect(reverse("commitments:mine") + "#to-review")


def _update_page(ref, fy, q) -> pages.UpdatePage:
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=current_plan(), ref=ref)
    return pages.UpdatePage.load(commitment, ReportingPeriod.objects.from_url_or_404(fy, q))


@require_http_methods(["GET", "POST"])
def update_edit(request, ref, fy, q):
    page = _update_page(ref, fy, q)
    commitment, period, update = page.commitment, page.period, page.update
    if not permissions.can_edit_update(request.user, commitment, period, update):
        if request.method == "POST" and permissions.writes_updates_of(request.user, commitment):
            # Submitted, reviewed or closed while they were typing: refuse the save, but
            # keep their words on screen so nothing they wrote is lost.
            context = {**page.context, "typed": request.POST}
            return render(request, "commitments/update_locked.html", context, status=409)
        if not period.is_open and permissions.writes_updates_of(request.user, commitment):
            # Their role is not the problem: say what is.
            return render(request, "commitments/period_not_open.html", page.context, status=403)
        raise PermissionDenied
    contribution = partners.contribution_in(commitment, period)
    form, conflict = StatusUpdateForm.for_update(update, data=posted(request)), None
    if contribution and request.method == "GET" and request.GET.get("use") == "contribution":
        # "Use the WMP lead's text": the form starts from it; nothing is saved until they save.
        form = StatusUpdateForm(
            initial={
                **form.initial,
                "narrative": contribution.text,
                "rag": contribution.suggested_rag or form.initial.get("rag", ""),
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save_update(commitment=commitment, period=period, by=request.user)
        except services.EditConflict as error:
            conflict = error.current
            form = StatusUpdateForm.keeping_typed(request.POST, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _update_saved(request, saved)
    context = {**page.context, "form": form, "conflict": conflict, "contribution": contribution}
    return render(request, "commitments/update_form.html", context)


def _update_saved(request, update):
    label, ref = update.period.label, update.commitment.ref
    if update.state == StatusUpdate.State.SUBMITTED:
        messages.success(request, f"Your {label} update for commitment {ref} was submitted for review.")
        return redirect("commitments:mine")
    messages.success(request, f"Your {label} draft for commitment {ref} was saved.")
    period = update.period
    return redirect("commitments:update_edit", ref=ref, fy=period.financial_year_slug, q=period.quarter_slug)


@require_http_methods(["GET", "POST"])
def update_review(request, ref, fy, q):
    page = _update_page(ref, fy, q)
    update = page.update
    if update is None or not permissions.is_reviewer_of(request.user, page.commitment):
        raise PermissionDenied
    # Someone reviewed (or the officer withdrew) it while this reviewer had it open.
    conflict = None if permissions.can_review(request.user, update) else update
    if conflict and request.method == "GET":
        state = update.get_state_display().lower()
        messages.info(request, f"The {page.period.label} update is {state}: there is nothing to review.")
        return redirect("commitments:detail", ref=ref)
    form = ReviewForm(posted(request), initial={"version": update.version})
    if request.method == "POST" and conflict is None and form.is_valid():
        try:
            reviewed = form.review(update, reviewer=request.user)
        except services.EditConflict as error:
            conflict = error.current
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verb = "approved" if reviewed.is_approved else "returned to the officer"
            messages.success(request, f"The {page.period.label} update for commitment {ref} was {verb}.")
            return redirect("commitments:mine")
    context = {
        **page.context,
        **reviews.review_context(update, page.previous),
        "repeats_previous": update.repeats(page.previous),
        "contribution": partners.contribution_in(page.commitment, page.period),
        "form": form,
        "conflict": conflict,
    }
    return render(request, "commitments/review.html", context)
