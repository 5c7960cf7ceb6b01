from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import caching, importing, permissions, services
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


def _visible_updates(user, commitment):
    updates = commitment.status_updates.select_related("period", "author", "reviewer").order_by(
        "-period__financial_year", "-period__quarter"
    )
    if not permissions.can_see_unapproved(user, commitment):
        updates = updates.approved()
    return list(updates)


@require_GET
def detail(request, ref):
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=_current_plan(), ref=ref)
    can_see_unapproved = permissions.can_see_unapproved(request.user, commitment)
    updates = _visible_updates(request.user, commitment)
    open_periods = list(ReportingPeriod.objects.open())
    by_period = {u.period_id: u for u in updates}
    actions = []
    for period in open_periods:
        update = by_period.get(period.pk)
        if permissions.can_edit_update(request.user, commitment, period, update):
            actions.append(("edit", period, update))
        elif update and permissions.can_review(request.user, update):
            actions.append(("review", period, update))
    commitment_records = list(commitment.history.all())
    update_records = (
        list(StatusUpdate.history.filter(commitment_id=commitment.pk).select_related("period"))
        if can_see_unapproved
        else []
    )
    people = people_in(commitment_records + update_records, user_fields=["smt_lead", "officer_lead"])
    history = history_entries(
        commitment_records,
        ["text", "smt_lead", "officer_lead", "wmp_lead", "timescale", "active"],
        lambda r: "Commitment",
        people,
    ) + history_entries(
        update_records, ["rag", "narrative", "state", "review_comment"], lambda r: f"{r.period.label} update", people
    )
    history.sort(key=lambda e: e.when, reverse=True)
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "updates": updates,
            "actions": actions,
            "history": history,
            "can_see_unapproved": can_see_unapproved,
        },
    )


@require_GET
def mine(request):
    """An officer's updates to write; an SMT lead's updates to review, and their commitments."""
    user = request.user
    if not user.is_staff_member():
        raise PermissionDenied
    open_periods = list(ReportingPeriod.objects.open())
    plan = _current_plan()
    all_periods = list(ReportingPeriod.objects.all())
    previous_periods = [p.previous(among=all_periods) for p in open_periods]
    previous_periods = [p for p in previous_periods if p]
    # The review table names each update's author: load them with the updates, or each
    # submitted update costs a query (Commitment.update_in reads `updates_shown`).
    updates = StatusUpdate.objects.filter(period__in=open_periods + previous_periods).select_related("period", "author")
    led = (
        Commitment.objects.in_plan(plan)
        .active()
        .led_by(user)
        .with_people()
        .prefetch_related(Prefetch("status_updates", queryset=updates, to_attr="updates_shown"))
        .order_by("ref")
    )
    to_write, to_review, smt_rows = [], [], []
    for commitment in led:
        for period in open_periods:
            update = commitment.update_in(period)
            previous = commitment.update_in(period.previous(among=all_periods))
            if commitment.officer_lead_id == user.pk:
                to_write.append((commitment, period, update))
            if commitment.smt_lead_id == user.pk:
                smt_rows.append((commitment, period, update, previous))
                if update and update.state == StatusUpdate.State.SUBMITTED:
                    to_review.append((commitment, period, update, update.repeats(previous)))
    counts = {
        "to_write": sum(1 for _, _, u in to_write if u is None or u.state == StatusUpdate.State.DRAFT),
        "returned": sum(1 for _, _, u in to_write if u and u.state == StatusUpdate.State.RETURNED),
        "awaiting_review": sum(1 for _, _, u in to_write if u and u.state == StatusUpdate.State.SUBMITTED),
        "to_review": len(to_review),
    }
    return render(
        request,
        "commitments/mine.html",
        {
            "open_periods": open_periods,
            "to_write": to_write,
            "to_review": to_review,
            "smt_rows": smt_rows,
            "counts": counts,
        },
    )


def _update_page(request, ref, fy, q):
    commitment = get_object_or_404(Commitment.objects.with_people(), plan=_current_plan(), ref=ref)
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    update = (
        StatusUpdate.objects.select_related("author", "reviewer", "period")
        .filter(commitment=commitment, period=period)
        .first()
    )
    previous = (
        StatusUpdate.objects.filter(commitment=commitment, period__in=ReportingPeriod.objects.previous_of(period))
        .select_related("period")
        .first()
    )
    return commitment, period, update, previous


@require_http_methods(["GET", "POST"])
def update_edit(request, ref, fy, q):
    commitment, period, update, previous = _update_page(request, ref, fy, q)
    if not permissions.can_edit_update(request.user, commitment, period, update):
        if request.method == "POST" and permissions.writes_updates_of(request.user, commitment):
            # Submitted, reviewed or closed while they were typing: refuse the save, but
            # keep their words on screen so nothing they wrote is lost.
            context = {"commitment": commitment, "period": period, "update": update, "previous": previous}
            return render(request, "commitments/update_locked.html", {**context, "typed": request.POST}, status=409)
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = StatusUpdateForm(request.POST)
        if form.is_valid():
            try:
                saved = services.status_update_save(
                    commitment=commitment,
                    period=period,
                    by=request.user,
                    rag=form.cleaned_data["rag"],
                    narrative=form.cleaned_data["narrative"],
                    version=form.cleaned_data["version"],
                    submit=form.wants_submit,
                )
            except services.EditConflict as error:
                conflict = error.current
                # Keep what they typed; the new version lets them save over it knowingly.
                form = StatusUpdateForm({**request.POST.dict(), "version": conflict.version if conflict else 0})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if saved.state == StatusUpdate.State.SUBMITTED:
                    messages.success(
                        request, f"Your {period.label} update for commitment {ref} was submitted for review."
                    )
                    return redirect("commitments:mine")
                messages.success(request, f"Your {period.label} draft for commitment {ref} was saved.")
                return redirect("commitments:update_edit", ref=ref, fy=fy, q=q)
    else:
        form = StatusUpdateForm(
            initial={
                "rag": update.rag if update else "",
                "narrative": update.narrative if update else "",
                "version": update.version if update else 0,
            }
        )
    return render(
        request,
        "commitments/update_form.html",
        {
            "commitment": commitment,
            "period": period,
            "update": update,
            "previous": previous,
            "form": form,
            "conflict": conflict,
        },
    )


@require_http_methods(["GET", "POST"])
def update_review(request, ref, fy, q):
    commitment, period, update, previous = _update_page(request, ref, fy, q)
    if update is None or not permissions.is_reviewer_of(request.user, commitment):
        raise PermissionDenied
    if not permissions.can_review(request.user, update):
        if request.method == "GET":
            state = update.get_state_display().lower()
            messages.info(request, f"The {period.label} update is {state}: there is nothing to review.")
            return redirect("commitments:detail", ref=ref)
        # Someone reviewed (or the officer withdrew) it while this reviewer had it open.
        conflict = update
    else:
        conflict = None
    form = ReviewForm(posted(request), initial={"version": update.version})
    if request.method == "POST" and conflict is None and form.is_valid():
        try:
            reviewed = services.status_update_review(
                update=update,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except services.EditConflict as error:
            conflict = error.current
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verb = "approved" if reviewed.is_approved else "returned to the officer"
            messages.success(request, f"The {period.label} update for commitment {ref} was {verb}.")
            return redirect("commitments:mine")
    return render(
        request,
        "commitments/review.html",
        {
            "commitment": commitment,
            "period": period,
            "update": update,
            "previous": previous,
            "repeats_previous": update.repeats(previous),
            "form": form,
            "conflict": conflict,
        },
    )


@require_GET
def periods(request):
    if not permissions.can_manage_register(request.user):
        raise PermissionDenied
    all_periods = list(ReportingPeriod.objects.order_by("-financial_year", "-quarter"))
    records = list(ReportingPeriod.history.order_by("-history_date")[:100])
    history = history_entries(records, ["status"], lambda r: r.instance.label, people_in(records))
    return render(request, "commitments/periods.html", {"periods": all_periods, "history": history})


@require_POST
def period_status(request, slug):
    period = ReportingPeriod.objects.from_slug(slug)
    if period is None:
        raise Http404("No such reporting period.")
    status = request.POST.get("status", "")
    try:
        services.period_set_status(period=period, status=status, by=request.user)
    except ValidationError:
        messages.error(request, "Choose to open or close the period.")
    else:
        messages.success(request, f"{period.label} is now {period.get_status_display().lower()}.")
    return redirect("commitments:periods")
