from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from committee import rendering
from committee.document import published_status_line
from committee.models import Paper, PublishedPage, PublishedPaper, WordTemplate, heading_of
from committee.report import build_report
from riskreg import queue

# The quick files, rendered with the page as the paper is published (Download.at_publish).
RENDERED_AT_PUBLISH = [name for name, download in rendering.DOWNLOADS.items() if download.at_publish]
# The slow ones (the PDF and the Word file), rendered by the task worker (committee.tasks).
RENDERED_BY_WORKER = [name for name, download in rendering.DOWNLOADS.items() if not download.at_publish]


def can_manage_papers(user) -> bool:
    return user.is_register_admin()


@transaction.atomic
def paper_publish(*, paper: Paper, by, correction_reason: str = "", render_now: bool = False) -> PublishedPaper:
    """Freeze the paper as presented. A later version is a correction and needs a reason.

    Its page and quick files are stored at once; its PDF and Word file are queued for the
    task worker once the version is saved, so the publish returns at once whatever the
    paper's size (`render_now`: rendered here instead, for the publish_paper command)."""
    if by is not None and not can_manage_papers(by):
        raise PermissionDenied
    # Lock the paper so two admins publishing at once get versions 1 and 2, not a clash.
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    last = paper.versions.latest_first().first()
    if last and not correction_reason.strip():
        raise ValidationError({"correction_reason": "Enter the reason for the correction"})
    if not paper.meeting_date:
        raise ValidationError("Set the meeting date before publishing the paper")
    published = PublishedPaper.objects.create(
        paper=paper,
        version=last.version + 1 if last else 1,
        content=build_report(paper),
        correction_reason=correction_reason.strip(),
        published_at=timezone.now(),
        published_by=by,
    )
    published_page(published)
    for name in RENDERED_AT_PUBLISH:
        published_file(version=published, name=name)
    if render_now:
        for name in RENDERED_BY_WORKER:
            published_file(version=published, name=name)
    else:
        for name in RENDERED_BY_WORKER:
            # robust: if queueing fails, the paper is still published, and its first download queues it.
            transaction.on_commit(partial(published_file_queue, version=published, name=name), robust=True)
    return published


def published_page(version: PublishedPaper) -> PublishedPage:
    """The version's page, rendered from its snapshot and stored the first time it is
    needed (as it is published; on first view for versions published before pages were kept)."""
    try:
        return version.page
    except PublishedPage.DoesNotExist:
        pass
    content = version.content  # the whole snapshot: loaded here if the version deferred it
    page = PublishedPage(version=version, heading=heading_of(content), body=rendering.page_body(content))
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError:
        page = PublishedPage.objects.get(version=version)  # stored by a request alongside
    return page


def published_page_body(page: PublishedPage) -> bytes:
    """The page's HTML as UTF-8, read from the database once per process and then from
    the cache: at 100 times the real data it is 3 MB, which takes 10 to 20 ms a view to
    read. It never changes; the creation time in the key keeps a reused primary key
    (tests, a restored database) from serving another page's HTML."""
    key = f"committee-page-body:{page.pk}:{page.created.timestamp()}"
    body = cache.get(key)
    if body is None:
        body = page.body.encode()  # a query if the page was loaded without its body
        cache.set(key, body, timeout=None)
    return body


def _render(version: PublishedPaper, name: str) -> bytes:
    content = version.content  # the whole snapshot: loaded here if the version deferred it
    status_line = published_status_line(content, version=version.version, correction_reason=version.correction_reason)
    # The Word file's and the PDF's properties say when the paper was published.
    content = {**content, "published_at": version.published_at.isoformat()}
    return rendering.download(name, content, status_line=status_line)


def published_file(*, version: PublishedPaper, name: str, render=_render) -> bytes:
    """The version's download `name`, rendered and stored the first time it is asked
    for, and read from the database after that. `render(version, name)` makes it: the
    paper's by default; the Panel report (panel.services) keeps its versions alike."""
    stored = version.files.filter(name=name).values_list("content", flat=True).first()
    if stored is None:
        body = render(version, name)  # outside a transaction: a PDF can take a while
        try:
            with transaction.atomic():
                version.files.create(name=name, content=body)
        except IntegrityError:
            # Another request rendered it at the same time and stored it first. Serve
            # that one, so everyone gets the same bytes (a PDF records when it was made).
            stored = version.files.filter(name=name).values_list("content", flat=True).get()
        else:
            return body
    return bytes(stored)


def published_file_queue(*, version: PublishedPaper, name: str) -> None:
    """Queue the task worker's render of one of the version's slow files."""
    from committee.tasks import render_published_file  # it imports this module

    render_published_file.enqueue(version_id=version.pk, name=name)


@dataclass(frozen=True)
class Pending:
    """A slow file of a published version that is not stored yet, and how its render stands."""

    name: str
    status: str  # of its latest render: "" when none is known (none queued, or its record pruned)
    run_id: str  # that render, for an admin's retry when it failed
    error: str  # its error, when it failed
    last_took: timedelta | None  # how long this file's last successful render took, of any version

    @property
    def failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    @property
    def queued(self) -> bool:
        return self.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)

    @property
    def retry_after(self) -> int:
        """Seconds to wait before asking again: about as long as the last render took."""
        seconds = self.last_took.total_seconds() if self.last_took else 30
        return max(5, min(300, round(seconds)))

    @property
    def last_took_text(self) -> str:
        return queue.about(self.last_took) if self.last_took else ""


def published_files_pending(
    version: PublishedPaper, names: list[str] = RENDERED_BY_WORKER, *, task=None
) -> dict[str, Pending]:
    """The slow files of the version that are not stored yet: one query when all are
    stored, three when some are not. `task` renders them: the paper's by default."""
    from committee.tasks import render_published_file  # it imports this module

    render_published_file = task or render_published_file
    stored = set(version.files.filter(name__in=names).values_list("name", flat=True))
    missing = [name for name in names if name not in stored]
    if not missing:
        return {}
    runs = queue.latest_runs(render_published_file, by="name", version_id=version.pk)
    took = queue.last_durations(render_published_file, by="name")
    pending = {}
    for name in missing:
        run = runs.get(name)
        # A successful render whose file is gone (deleted by hand) counts as none.
        status = run.status if run and run.status != TaskResultStatus.SUCCESSFUL else ""
        pending[name] = Pending(
            name=name,
            status=status,
            run_id=run.id if status else "",
            error=run.error_line if status == TaskResultStatus.FAILED else "",
            last_took=took.get(name),
        )
    return pending


def published_file_or_pending(
    *, version: PublishedPaper, name: str, slow: list[str] = RENDERED_BY_WORKER, render=_render, task=None
) -> bytes | Pending:
    """A download of the version: a quick file as published_file() gives it; a slow one
    if stored, otherwise how its render stands, having queued one if none was (a version
    published before the worker, or whose render's record was pruned). A failed render
    waits for an admin's retry. Never renders a slow file in the request.

    `slow`, `render` and `task`: the paper's by default; the Panel report's from panel.services."""
    from committee.tasks import render_published_file  # it imports this module

    task = task or render_published_file
    if name not in slow:
        return published_file(version=version, name=name, render=render)
    stored = version.files.filter(name=name).values_list("content", flat=True).first()
    if stored is not None:
        return bytes(stored)
    pending = published_files_pending(version, [name], task=task)[name]
    if pending.status:
        return pending
    task.enqueue(version_id=version.pk, name=name)
    # With a backend that runs each task as it is queued (the tests'), it is stored now.
    stored = version.files.filter(name=name).values_list("content", flat=True).first()
    return bytes(stored) if stored is not None else published_files_pending(version, [name], task=task)[name]


@transaction.atomic
def word_template_upload(*, filename: str, content: bytes, by) -> WordTemplate:
    """Every paper's Word file is built on this template from now on: the files of versions
    already published stay as they were sent. `content` is checked (committee.word.checked_template)."""
    if not can_manage_papers(by):
        raise PermissionDenied
    template = WordTemplate.objects.create(
        filename=filename[:200], content=content, uploaded_at=timezone.now(), uploaded_by=by
    )
    for older in WordTemplate.objects.exclude(pk=template.pk):
        older.delete()  # one by one, so each removal is in the history
    return template


@transaction.atomic
def word_template_remove(*, by) -> None:
    """Back to the built-in house style."""
    if not can_manage_papers(by):
        raise PermissionDenied
    for template in WordTemplate.objects.all():
        template.delete()
