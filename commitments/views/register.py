"""The register of commitments, and its downloads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from commitments import caching, importing
from commitments.forms import RegisterFilterForm
from commitments.models import Commitment, ReportingPeriod
from commitments.views.common import current_plan
from riskreg.exports import csv_response, xlsx_response

REGISTER_PAGE_SIZE = 100


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
    commitments = Commitment.objects.in_plan(current_plan()).active()
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
