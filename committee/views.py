from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from committee import rendering, services
from committee.document import blocks, download_name, meeting_date_text
from committee.forms import PaperForm, PublishForm
from committee.models import Paper, PublishedPaper
from committee.report import build_report
from riskreg.exports import XLSX_TYPE
from riskreg.forms import posted


@dataclass
class Shown:
    """The paper as one person sees it: a published version, or (staff only) the live view."""

    period: ReportingPeriod
    paper: Paper
    versions: list[PublishedPaper]
    version: PublishedPaper | None
    content: dict

    @property
    def is_live(self) -> bool:
        return self.version is None

    @property
    def status_line(self) -> str:
        if self.is_live:
            return (
                f"Live view of {self.period.label}, built from the register on "
                f"{timezone.localtime():%-d %B %Y at %H:%M}. Not published."
            )
        line = f"As presented to the {self.content['committee']} on {meeting_date_text(self.content)}"
        if self.version.version > 1:
            line += f" (version {self.version.version}, corrected: {self.version.correction_reason})"
        return line + "."


def _period(fy: str, q: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.from_url(fy, q)
    if period is None:
        raise Http404("No such quarter.")
    return period


def _shown(request, fy, q) -> Shown:
    period = _period(fy, q)
    paper = Paper.objects.filter(period=period).first() or Paper(period=period)
    # Versions are listed by number; only the one shown loads its (large) content.
    versions = list(paper.versions.latest_first().select_related("published_by").defer("content")) if paper.pk else []
    wants_live = request.GET.get("live") == "1"
    if wants_live or not versions:
        if not request.user.is_staff_member():
            raise Http404("This paper has not been published.")
        return Shown(period, paper, versions, None, build_report(paper))
    version = versions[0]
    if "version" in request.GET:
        version = next((v for v in versions if str(v.version) == request.GET["version"]), None)
        if version is None:
            raise Http404("No such version of the paper.")
    return Shown(period, paper, versions, version, version.content)


@require_GET
def paper_list(request):
    periods = list(ReportingPeriod.objects.started().order_by("-financial_year", "-quarter"))
    papers = {
        paper.period_id: paper
        for paper in Paper.objects.filter(period__in=periods).prefetch_related(
            Prefetch("versions", queryset=PublishedPaper.objects.defer("content"))
        )
    }
    rows = []
    for period in periods:
        paper = papers.get(period.pk)
        versions = sorted(paper.versions.all(), key=lambda v: v.version) if paper else []
        if versions or request.user.is_staff_member():
            rows.append((period, paper, versions))
    return render(request, "committee/paper_list.html", {"rows": rows})


@require_GET
def paper_detail(request, fy, q):
    shown = _shown(request, fy, q)
    return render(
        request,
        "committee/paper.html",
        {
            "shown": shown,
            "content": shown.content,
            "blocks": blocks(shown.content),
            "meeting": meeting_date_text(shown.content),
            "query": request.GET.urlencode(),
            "can_manage": services.can_manage_papers(request.user),
        },
    )


DOWNLOADS = {
    "report.pdf": ("risk-management-update", "application/pdf"),
    "report.docx": (
        "risk-management-update",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "report.xlsx": ("risk-management-update", XLSX_TYPE),
    "red-list.csv": ("red-list", "text/csv; charset=utf-8"),
    "improving-list.csv": ("improving-list", "text/csv; charset=utf-8"),
    "risk-movements.csv": ("risk-movements", "text/csv; charset=utf-8"),
}


def _render(filename: str, shown: Shown) -> bytes:
    content = shown.content
    match filename:
        case "report.pdf":
            return rendering.pdf(content, status_line=shown.status_line)
        case "report.docx":
            return rendering.docx(content, status_line=shown.status_line)
        case "report.xlsx":
            return rendering.xlsx(content)
        case "red-list.csv":
            return rendering.list_csv(content, "red_list")
        case "improving-list.csv":
            return rendering.list_csv(content, "improving")
        case _:
            return rendering.risk_movements_csv(content)


@require_GET
def paper_download(request, fy, q, filename):
    if filename not in DOWNLOADS:
        raise Http404("No such download.")
    shown = _shown(request, fy, q)
    content = shown.content
    if shown.is_live:
        body = _render(filename, shown)
    else:
        # A published version never changes, so neither do its files: render each once
        # per process and serve it from the cache after (at 100 times the West Midlands
        # data its PDF takes about a minute to render). The publication time in the key
        # keeps a reused primary key (tests, a restored database) from serving old bytes.
        key = f"committee-download:{shown.version.pk}:{shown.version.published_at.timestamp()}:{filename}"
        body = cache.get_or_set(key, lambda: _render(filename, shown), timeout=None)
    what, content_type = DOWNLOADS[filename]
    if shown.is_live:
        what += "-live"
    response = HttpResponse(body, content_type=content_type)
    extension = filename.rsplit(".", 1)[1]
    response["Content-Disposition"] = f'attachment; filename="{download_name(content, what, extension)}"'
    return response


@require_http_methods(["GET", "POST"])
def paper_edit(request, fy, q):
    if not services.can_manage_papers(request.user):
        raise PermissionDenied
    period = _period(fy, q)
    paper = Paper.objects.filter(period=period).first() or _new_paper(period)
    form = PaperForm(posted(request), instance=paper)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The {period.label} paper was saved.")
        return redirect("committee:paper", fy=fy, q=q)
    return render(request, "committee/paper_edit.html", {"form": form, "period": period})


def _new_paper(period) -> Paper:
    """A new quarter's paper starts from the previous quarter's paragraphs and meeting details."""
    previous = Paper.objects.filter(
        period__financial_year=period.previous_key[0], period__quarter=period.previous_key[1]
    ).first()
    paper = Paper(period=period)
    if previous:
        for name in [
            "committee_name",
            "title",
            "purpose",
            "methodology",
            "delivery_introduction",
            "recommendation",
            "contact_name",
            "contact_title",
        ]:
            setattr(paper, name, getattr(previous, name))
    return paper


@require_http_methods(["GET", "POST"])
def paper_publish(request, fy, q):
    if not services.can_manage_papers(request.user):
        raise PermissionDenied
    period = _period(fy, q)
    paper = Paper.objects.filter(period=period).first()
    if paper is None:
        messages.error(request, "Write the paper's meeting details before publishing it.")
        return redirect("committee:paper_edit", fy=fy, q=q)
    correcting = paper.versions.exists()
    form = PublishForm(posted(request), correcting=correcting)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.paper_publish(
                paper=paper, user=request.user, correction_reason=form.cleaned_data.get("correction_reason", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {published.version} of the {period.label} paper is published.")
            return redirect("committee:paper", fy=fy, q=q)
    return render(
        request,
        "committee/paper_publish.html",
        {"form": form, "period": period, "paper": paper, "correcting": correcting},
    )
