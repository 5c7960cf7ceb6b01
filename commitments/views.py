from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import caching, importing, pages, permissions, services
from commitments.forms import RegisterFilterForm, ReviewForm, StatusUpdateForm
from commitments.models import Commitment, Plan, ReportingPeriod, StatusUpdate
from riskreg.exports import csv_response, xlsx_response
from riskreg.forms import posted
from riskreg.history import history_entries, people_in

REGISTER_PAGE_SIZE = 100


def _current_plan():
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan has been imported yet.")
    return plan


def _register(request):
    """The filtered register: (form, commitments, period shown, the period before it)."""
    periods = list(ReportingPeriod.objects.started())
    default = ReportingPeriod.objects.for_register()
    form = RegisterFilterForm(
        request.GET or None,
        periods=periods,
        # Update states say who is behind with their drafts: for admins, not for all staff.
        show_state=request.user.is_register_admin(),
        initial={"period": default.slug if default else None},
    )
    commitments = Commitment.objects.in_plan(_current_plan()).active()
    if form.is_bound and not form.is_valid():
        return form, commitments.none(), None, None
    by_slug = {p.slug: p for p in periods}
    period = by_slug.get(form.cleaned_data.get("period")) if form.is_bound else None
    period = period or default
    previous = period.previous(among=periods) if period else None
    if form.is_bound:
        commitments = form.filter(commitments, period)
    shown = [p for p in (previous, period) if p]
    # No distinct(): every filter is a subquery or a join that matches a commitment at
    # most once (a policy area is linked once), so rows never repeat. DISTINCT over every
    # column made PostgreSQL sort the whole plan just to count it for the pages.
    return form, commitments.with_people().with_updates_in(shown).order_by("ref"), period, previous


@require_GET
def register(request):
    body, has_errors = caching.cached_body(request, lambda: _register_body(request))
    return render(request, "commitments/register.html", {"body": body, "has_errors": has_errors})


def _register_body(request) -> tuple[str, bool]:
    form, commitments, period, previous = _register(request)
    page = Paginator(commitments, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(c, c.update_in(previous), c.update_in(period)) for c in page.object_list],
        "period": period,
        "previous": previous,
        "query": query.urlencode(),
    }
    return render_to_string("commitments/register_body.html", context, request), bool(form.errors)


def _export_rows(commitments, periods):
    for c in commitments:
        row = [
            c.ref,
            c.policy_area_names,
            c.text,
            c.smt_lead.username if c.smt_lead else "",
            c.officer_lead.username if c.officer_lead else "",
            c.wmp_lead,
            c.timescale,
        ]
        for period in periods:
            update = c.update_in(period)
            row += [update.get_rag_display() if update and update.rag else "", update.narrative if update else ""]
        yield row


@require_GET
def register_download(request, extension):
    if extension not in ("csv", "xlsx"):
        raise Http404("Downloads are .csv or .xlsx.")
    form, commitments, period, previous = _register(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "The filters are not valid: correct them, then download again.")
        return redirect(f"{reverse('commitments:register')}?{request.GET.urlencode()}")
    periods = [p for p in (previous, period) if p]
    header = [*importing.BASE_COLUMNS]
    for p in periods:
        header += [p.label, f"{p.label} Update"]
    filename = f"commitments-register-{period.slug if period else 'all'}.{extension}"
    rows = _export_rows(commitments, periods)
    if extension == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, [("Commitments", header, rows)])


@require_GET
def detail(request, ref):
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=_current_plan(), ref=ref)
    can_see_unapproved = permissions.can_see_unapproved(request.user, commitment)
    updates = pages.visible_updates(request.user, commitment)
    context = {
        "commitment": commitment,
        "updates": updates,
        "actions": pages.open_actions(request.user, commitment, updates),
        "history": pages.commitment_history(commitment, with_updates=can_see_unapproved),
        "can_see_unapproved": can_see_unapproved,
    }
    return render(request, "commitments/detail.html", context)


@require_GET
def mine(request):
    """An officer's updates to write; an SMT lead's updates to review, and their commitments."""
    if not request.user.is_staff_member():
        raise PermissionDenied
    page = pages.my_commitments(request.user, _current_plan())
    return render(request, "commitments/mine.html", {"page": page, "counts": page.counts})


def _update_page(ref, fy, q) -> pages.UpdatePage:
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=_current_plan(), ref=ref)
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
        raise PermissionDenied
    form, conflict = StatusUpdateForm.for_update(update, data=posted(request)), None
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
    return render(request, "commitments/update_form.html", {**page.context, "form": form, "conflict": conflict})


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
    context = {**page.context, "repeats_previous": update.repeats(page.previous), "form": form, "conflict": conflict}
    return render(request, "commitments/review.html", context)


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
