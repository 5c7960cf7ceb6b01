"""The public performance pages (no sign-in), served from the stored snapshots only, and
the admins' "Publish for the public"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from performance import pages, services
from performance.models import PublicRelease
from riskreg.exports import csv_response
from riskreg.throttling import over_rate_limit, too_many_requests


def _page(request, release, others):
    # The stored body was rendered with autoescaping from the snapshot (services.render_body).
    body = mark_safe(release.body) if release else ""
    return render(request, "public/index.html", {"release": release, "body": body, "others": others})


@login_not_required
@require_GET
def index(request):
    """The latest quarter published for the public, and links to the others."""
    listed = list(PublicRelease.objects.listed())
    latest = (
        PublicRelease.objects.select_related("period").defer("content", "shown").get(pk=listed[0].pk)
        if listed
        else None
    )
    return _page(request, latest, listed[1:])


@login_not_required
@require_GET
def quarter(request, fy, q):
    release = (
        PublicRelease.objects.select_related("period").defer("content", "shown").filter(**_period_lookup(fy, q)).first()
    )
    if release is None:
        raise Http404("This quarter has not been published for the public.")
    others = [r for r in PublicRelease.objects.listed() if r.pk != release.pk]
    return _page(request, release, others)


def _period_lookup(fy: str, q: str) -> dict:
    """The release of the quarter in the address, in the release's own query."""
    from commitments.periods import parse_period

    key = parse_period(f"{fy}-{q}")
    if key is None:
        raise Http404("No such quarter.")
    return {"period__financial_year": key[0], "period__quarter": key[1]}


@login_not_required
@require_GET
def download(request, fy, q, filename):
    if filename not in pages.DOWNLOADS:
        raise Http404("No such download.")
    if over_rate_limit(request, "open-data"):
        return too_many_requests(request)
    release = PublicRelease.objects.only("content").filter(**_period_lookup(fy, q)).first()
    if release is None:
        raise Http404("This quarter has not been published for the public.")
    header, rows = pages.csv_table(release.content, filename)
    return csv_response(f"{release.content['period']['slug']}-{filename}", header, rows)


@require_GET
def publish_list(request):
    """Each started quarter: whether it is published for the public, and the button."""
    if not services.can_publish(request.user):
        raise PermissionDenied
    releases = {r.period_id: r for r in PublicRelease.objects.listed().select_related("published_by")}
    rows = [
        (period, releases.get(period.pk), services.publish_problem(period))
        for period in ReportingPeriod.objects.started().order_by("-financial_year", "-quarter")
    ]
    return render(request, "public/publish_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def publish(request, fy, q):
    if not services.can_publish(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    if request.method == "POST":
        try:
            release = services.release_publish(period=period, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{period.label} is published for the public (version {release.version}).")
            return redirect("public:quarter", fy=period.financial_year_slug, q=period.quarter_slug)
        return redirect("public:publish_list")
    return redirect("public:publish_list")
