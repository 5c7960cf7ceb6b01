from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from committee.forms import PublishForm
from committee.views import file_response
from panel import rendering, services
from panel.forms import PanelReportForm
from panel.models import PanelReport, PublishedPanelReport
from panel.shown import shown_report
from riskreg.forms import posted


def _check_reader(request) -> None:
    if not services.can_read(request.user):
        raise PermissionDenied


@require_GET
def report_list(request):
    _check_reader(request)
    periods = list(ReportingPeriod.objects.started().order_by("-financial_year", "-quarter"))
    reports = {
        report.period_id: report
        for report in PanelReport.objects.filter(period__in=periods).prefetch_related(
            Prefetch("versions", queryset=PublishedPanelReport.objects.defer("content", "body", "heading"))
        )
    }
    rows = []
    for period in periods:
        report = reports.get(period.pk)
        versions = sorted(report.versions.all(), key=lambda v: v.version) if report else []
        rows.append((period, report, versions))
    return render(request, "panel/report_list.html", {"rows": rows, "can_manage": services.can_manage(request.user)})


@require_GET
def report_detail(request, fy, q):
    _check_reader(request)
    shown = shown_report(request, fy, q)
    context = {
        "shown": shown,
        "heading": shown.heading,
        # Escaped when it was rendered from the content (panel.rendering.page_body).
        "body": mark_safe(shown.body()),
        "downloads": shown.download_links(),
        "query": request.GET.urlencode(),
        "can_manage": services.can_manage(request.user),
    }
    return render(request, "panel/report.html", context)


@require_GET
def report_download(request, fy, q, filename):
    _check_reader(request)
    download = rendering.DOWNLOADS.get(filename)
    if download is None:
        raise Http404("No such download.")
    shown = shown_report(request, fy, q)
    return file_response(
        request,
        shown,
        download,
        list_url=reverse("panel:reports"),
        list_title="Police and Crime Panel reports",
        page_url=reverse("panel:report", args=[fy, q]),
        what="report",
    )


@require_http_methods(["GET", "POST"])
def report_edit(request, fy, q):
    if not services.can_manage(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    report = PanelReport.objects.filter(period=period).first() or _new_report(period)
    form = PanelReportForm(posted(request), instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The {period.label} Panel report was saved.")
        return redirect("panel:report", fy=fy, q=q)
    return render(request, "panel/report_edit.html", {"form": form, "period": period})


def _new_report(period) -> PanelReport:
    """A new quarter's report starts from the quarter before's Panel name and title; the
    meeting date is the Panel's meeting of the quarter, when the update window has it."""
    previous = PanelReport.objects.filter(period=period.previous()).first()
    report = PanelReport(period=period)
    if previous:
        report.panel_name, report.title = previous.panel_name, previous.title
    meeting = period.meetings.filter(body="pcp").first()
    if meeting:
        report.meeting_date = meeting.date
    return report


@require_http_methods(["GET", "POST"])
def report_publish(request, fy, q):
    if not services.can_manage(request.user):
        raise PermissionDenied
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    report = PanelReport.objects.filter(period=period).first()
    if report is None:
        messages.error(request, "Write the Panel report's meeting details before publishing it.")
        return redirect("panel:report_edit", fy=fy, q=q)
    correcting = report.versions.exists()
    form = PublishForm(posted(request), correcting=correcting, what="report")
    if request.method == "POST" and form.is_valid():
        try:
            published = services.panel_report_publish(
                report=report, by=request.user, correction_reason=form.cleaned_data.get("correction_reason", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {published.version} of the {period.label} Panel report is published.")
            return redirect("panel:report", fy=fy, q=q)
    context = {"form": form, "period": period, "report": report, "correcting": correcting}
    return render(request, "panel/report_publish.html", context)
