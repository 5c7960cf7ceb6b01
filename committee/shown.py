"""The paper as one person sees it: a published version, or (staff only) the live view.

shown_paper() decides which, once; the page and the downloads then ask the object
for its body and its files, and never ask again which kind it is.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.http import Http404
from django.utils import timezone

from commitments.models import ReportingPeriod
from committee import rendering, services
from committee.document import download_name, meeting_date_text, published_status_line
from committee.models import Paper, PublishedPage, PublishedPaper, heading_of, marking_of
from committee.report import build_report


@dataclass(frozen=True)
class File:
    name: str  # as the browser saves it: joint-audit-committee-2025-12-11-red-list.csv
    content_type: str
    content: bytes


@dataclass
class Shown:
    """What both kinds share. `heading` is the content's small values (HEADING_KEYS:
    committee, meeting, title, period), all the page around the body shows."""

    period: ReportingPeriod
    paper: Paper
    versions: list[PublishedPaper]
    heading: dict

    is_live: ClassVar[bool]

    @property
    def meeting(self) -> str:
        return meeting_date_text(self.heading)

    @property
    def marking(self) -> str:
        return marking_of(self.heading)

    def _file(self, download: rendering.Download, content: bytes, what: str) -> File:
        return File(download_name(self.heading, what, download.extension), download.content_type, content)

    def pending_files(self) -> dict[str, services.Pending]:
        """The downloads not ready yet (a published version's PDF and Word file before the
        worker has rendered them), by their name in the address."""
        return {}

    def download_links(self) -> list[tuple[str, list[tuple[rendering.Download, services.Pending | None]]]]:
        """rendering.download_links(), each download with how its render stands if not ready."""
        pending = self.pending_files()
        return [
            (listed_under, [(download, pending.get(download.filename)) for download in downloads])
            for listed_under, downloads in rendering.download_links()
        ]


@dataclass
class Live(Shown):
    """The register as it is now, built into a report for this request."""

    report: dict
    is_live: ClassVar[bool] = True

    @property
    def status_line(self) -> str:
        return (
            f"Live view of {self.period.label}, built from the register on "
            f"{timezone.localtime():%-d %B %Y at %H:%M}. Not published."
        )

    def body(self) -> bytes:
        return rendering.page_body(self.report).encode()

    def download(self, download: rendering.Download) -> File:
        content = download.render(self.report, self.status_line)
        return self._file(download, content, f"{download.what}-live")


@dataclass
class Published(Shown):
    """A published version, served from the page and files stored with it: rendered once
    from its snapshot, which never changes, so every process serves the same bytes, the
    ones the committee was sent."""

    version: PublishedPaper
    page: PublishedPage
    is_live: ClassVar[bool] = False

    @property
    def status_line(self) -> str:
        return published_status_line(
            self.heading, version=self.version.version, correction_reason=self.version.correction_reason
        )

    def body(self) -> bytes:
        return services.published_page_body(self.page)

    def pending_files(self) -> dict[str, services.Pending]:
        return services.published_files_pending(self.version)

    def download(self, download: rendering.Download) -> File | services.Pending:
        """The stored file, or (a slow file the worker has not rendered yet) how its render stands."""
        content = services.published_file_or_pending(version=self.version, name=download.filename)
        if isinstance(content, services.Pending):
            return content
        return self._file(download, content, download.what)


def shown_paper(request, fy: str, q: str) -> Live | Published:
    """The latest published version, the one `?version=` names, or the live view
    (`?live=1`, or before the first is published) for staff. 404 for anything else."""
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    paper = Paper.objects.filter(period=period).first() or Paper(period=period)
    # Versions are listed by number without their (large) content: the one shown is
    # served from its stored page and files, rendered from the content once.
    versions = (
        list(paper.versions.latest_first().select_related("published_by", "page").defer("content", "page__body"))
        if paper.pk
        else []
    )
    if request.GET.get("live") == "1" or not versions:
        if not request.user.is_staff_member():
            raise Http404("This paper has not been published.")
        report = build_report(paper)
        return Live(period, paper, versions, heading_of(report), report)
    version = versions[0]
    if "version" in request.GET:
        version = next((v for v in versions if str(v.version) == request.GET["version"]), None)
        if version is None:
            raise Http404("No such version of the paper.")
    page = services.published_page(version)
    return Published(period, paper, versions, page.heading, version, page)
