from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from commitments.models import ReportingPeriod
from committee import rendering, services
from committee.document import download_name, meeting_date_text, published_status_line
from committee.forms import PaperForm, PublishForm
from committee.models import Paper, PublishedPaper
from committee.report import build_report
from riskreg.exports import XLSX_TYPE
from riskreg.forms import posted


@dataclass
class Shown:
    """The paper as one person sees it: a published version, or (staff only) the live view.

    `content` is the live report, or a published version's heading (its small values:
    committee, meeting, title, period): its tables are served from its stored page and files.
    """

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
        return published_status_line(
            self.content, version=self.version.version, correction_reason=self.version.correction_reason
        )


def _shown(request, fy, q) -> Shown:
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    paper = Paper.objects.filter(period=period).first() or Paper(period=period)
    # Versions are listed by number without their (large) content: the one shown is
    # served from its stored page and files, rendered from the content once.
    versions = (
        list(paper.versions.latest_first().select_related("published_by", "page").defer("content", "page__body"))
        if paper.pk
        else []
    )
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
    return Shown(period, paper, versions, version, services.published_page(version).heading)


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


# Where the paper's body goes in the page. Autoescaped text cannot contain "<", so no
# user's words can look like it.
BODY_MARK = "<!-- the paper's body -->"


@require_GET
def paper_detail(request, fy, q):
    shown = _shown(request, fy, q)
    if shown.is_live:
        body = rendering.page_body(shown.content).encode()
    else:
        # Rendered (and escaped) by the same template as the live view's, once, then
        # stored: the snapshot never changes, so neither does the HTML.
        body = services.published_page_body(services.published_page(shown.version))
    page = render_to_string(
        "committee/paper.html",
        {
            "shown": shown,
            "content": shown.content,
            "body": mark_safe(BODY_MARK),
            "meeting": meeting_date_text(shown.content),
            "query": request.GET.urlencode(),
            "can_manage": services.can_manage_papers(request.user),
        },
        request,
    )
    # The page around the body is rendered per request (navigation, sign-out form, messages);
    # the body (3 MB at 100 times the real data) goes in as bytes. Passed through the
    # template it is copied and re-encoded several times: half the page's time at that size.
    before, after = page.split(BODY_MARK)
    return HttpResponse([before.encode(), body, after.encode()])


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


@require_GET
def paper_download(request, fy, q, filename):
    if filename not in DOWNLOADS:
        raise Http404("No such download.")
    shown = _shown(request, fy, q)
    content = shown.content
    if shown.is_live:
        body = rendering.download(filename, content, status_line=shown.status_line)
    else:
        # Rendered once and stored, so every worker, after every restart, serves the
        # same file: the one the committee was sent.
        body = services.published_file(version=shown.version, name=filename)
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
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    paper = Paper.objects.filter(period=period).first() or _new_paper(period)
    form = PaperForm(posted(request), instance=paper)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The {period.label} paper was saved.")
        return redirect("committee:paper", fy=fy, q=q)
    return render(request, "committee/paper_edit.html", {"form": form, "period": period})


def _new_paper(period) -> Paper:
    """A new quarter's paper starts from the previous quarter's paragraphs and meeting details."""
    previous = Paper.objects.filter(period=period.previous()).first()
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
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
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
