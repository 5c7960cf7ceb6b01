"""Publishing the Panel's report: frozen as presented, corrections as versions, its
files stored once (the slow ones by the task worker), as the committee paper's are
(committee.services, whose file keeping this uses)."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from committee import services as paper_services
from committee.document import published_status_line
from panel import rendering
from panel.models import PanelReport, PublishedPanelReport, heading_of
from panel.report import build_panel_report

Pending = paper_services.Pending


def can_manage(user) -> bool:
    """Register admins edit and publish the Panel's report."""
    return user.is_authenticated and user.is_register_admin()


def can_read(user) -> bool:
    """OPCC staff and committee members read it, the draft included; partners never."""
    return user.is_authenticated and (user.is_staff_member() or user.is_committee_member())


@transaction.atomic
def panel_report_publish(
    *, report: PanelReport, by, correction_reason: str = "", render_now: bool = False
) -> PublishedPanelReport:
    """Freeze the report as presented to the Panel. A later version is a correction and
    needs a reason. Its page and quick files are stored at once; its PDF and Word file are
    queued for the task worker (`render_now`: rendered here, for the publish command)."""
    if by is not None and not can_manage(by):
        raise PermissionDenied
    # Locked, so two admins publishing at once get versions 1 and 2, not a clash.
    report = PanelReport.objects.select_for_update().get(pk=report.pk)
    last = report.versions.latest_first().defer("content", "body").first()
    if last and not correction_reason.strip():
        raise ValidationError({"correction_reason": "Enter the reason for the correction"})
    if not report.meeting_date:
        raise ValidationError("Set the Panel's meeting date before publishing the report")
    content = build_panel_report(report)
    published = PublishedPanelReport.objects.create(
        report=report,
        version=last.version + 1 if last else 1,
        content=content,
        heading=heading_of(content),
        body=rendering.page_body(content),
        correction_reason=correction_reason.strip(),
        published_at=timezone.now(),
        published_by=by,
    )
    for name in rendering.RENDERED_AT_PUBLISH:
        published_file(version=published, name=name)
    if render_now:
        for name in rendering.RENDERED_BY_WORKER:
            published_file(version=published, name=name)
    else:
        for name in rendering.RENDERED_BY_WORKER:
            # robust: if queueing fails, the report is still published, and its first download queues it.
            transaction.on_commit(partial(_queue, version=published, name=name), robust=True)
    return published


def status_line(version: PublishedPanelReport) -> str:
    """ "As presented to the Police and Crime Panel on 4 February 2026." (and the correction)."""
    return published_status_line(version.heading, version=version.version, correction_reason=version.correction_reason)


def _render(version: PublishedPanelReport, name: str) -> bytes:
    content = version.content  # the whole content: loaded here if the version deferred it
    # The files' properties say when the report was published.
    content = {**content, "published_at": version.published_at.isoformat()}
    return rendering.download(name, content, status_line=status_line(version))


def _task():
    from panel.tasks import render_published_panel_file  # it imports this module

    return render_published_panel_file


def _queue(*, version: PublishedPanelReport, name: str) -> None:
    _task().enqueue(version_id=version.pk, name=name)


def published_file(*, version: PublishedPanelReport, name: str) -> bytes:
    """The version's download `name`, rendered and stored the first time, read after."""
    return paper_services.published_file(version=version, name=name, render=_render)


def published_files_pending(version: PublishedPanelReport) -> dict[str, Pending]:
    return paper_services.published_files_pending(version, rendering.RENDERED_BY_WORKER, task=_task())


def published_file_or_pending(*, version: PublishedPanelReport, name: str) -> bytes | Pending:
    """A stored file, or how the worker's render of a slow one stands (never rendered here)."""
    return paper_services.published_file_or_pending(
        version=version, name=name, slow=rendering.RENDERED_BY_WORKER, render=_render, task=_task()
    )
