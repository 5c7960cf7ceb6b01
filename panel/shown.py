"""The Panel's report as one reader sees it: a published version, or the draft built
from the register now (marked as a draft). shown_report() decides which, once."""

from dataclasses import dataclass
from typing import ClassVar

from django.http import Http404
from django.utils import timezone

from commitments.models import ReportingPeriod
from committee.document import download_name, meeting_date_text
from committee.shown import File
from panel import rendering, services
from panel.models import PanelReport, PublishedPanelReport, heading_of
from panel.report import build_panel_report


@dataclass
class Shown:
    period: ReportingPeriod
    report: PanelReport
    versions: list[PublishedPanelReport]
    heading: dict

    is_draft: ClassVar[bool]

    @property
    def meeting(self) -> str:
        return meeting_date_text(self.heading)

    def _file(self, download, content: bytes, what: str) -> File:
        return File(download_name(self.heading, what, download.extension), download.content_type, content)

    def pending_files(self) -> dict[str, services.Pending]:
        return {}

    def download_links(self) -> list[tuple[rendering.Download, services.Pending | None]]:
        pending = self.pending_files()
        return [(download, pending.get(download.filename)) for download in rendering.DOWNLOADS.values()]


@dataclass
class Draft(Shown):
    """The register as it is now, built into the report for this request."""

    content: dict
    is_draft: ClassVar[bool] = True

    @property
    def status_line(self) -> str:
        return (
            f"Draft: built from the register on {timezone.localtime():%-d %B %Y at %H:%M}. "
            "Not yet presented to the Panel."
        )

    def body(self) -> str:
        return rendering.page_body(self.content)

    def download(self, download: rendering.Download) -> File:
        content = download.render(self.content, self.status_line)
        return self._file(download, content, f"{download.what}-draft")


@dataclass
class Published(Shown):
    """A published version, served from the page and files stored with it."""

    version: PublishedPanelReport
    is_draft: ClassVar[bool] = False

    @property
    def status_line(self) -> str:
        return services.status_line(self.version)

    def body(self) -> str:
        return self.version.body

    def pending_files(self) -> dict[str, services.Pending]:
        return services.published_files_pending(self.version)

    def download(self, download: rendering.Download) -> File | services.Pending:
        content = services.published_file_or_pending(version=self.version, name=download.filename)
        if isinstance(content, services.Pending):
            return content
        return self._file(download, content, download.what)


def shown_report(request, fy: str, q: str) -> Draft | Published:
    """The latest published version, the one `?version=` names, or the draft (`?draft=1`,
    or before the first is published). 404 for a quarter or version that is not there."""
    period = ReportingPeriod.objects.from_url_or_404(fy, q)
    report = PanelReport.objects.filter(period=period).first() or PanelReport(period=period)
    # Listed without their content: the one shown is served from its stored page and files.
    versions = (
        list(report.versions.latest_first().select_related("published_by").defer("content", "body"))
        if report.pk
        else []
    )
    if request.GET.get("draft") == "1" or not versions:
        content = build_panel_report(report)
        return Draft(period, report, versions, heading_of(content), content)
    version = versions[0]
    if "version" in request.GET:
        version = next((v for v in versions if str(v.version) == request.GET["version"]), None)
        if version is None:
            raise Http404("No such version of the report.")
    return Published(period, report, versions, version.heading, version)
