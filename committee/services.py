from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from committee import rendering
from committee.document import published_status_line
from committee.models import HEADING_KEYS, Paper, PublishedFile, PublishedPage, PublishedPaper
from committee.report import build_report

# The quick files, rendered with the page as the paper is published (Download.at_publish).
RENDERED_AT_PUBLISH = [name for name, download in rendering.DOWNLOADS.items() if download.at_publish]


def can_manage_papers(user) -> bool:
    return user.is_register_admin()


@transaction.atomic
def paper_publish(*, paper: Paper, by, correction_reason: str = "") -> PublishedPaper:
    """Freeze the paper as presented. A later version is a correction and needs a reason."""
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
    return published


def published_page(version: PublishedPaper) -> PublishedPage:
    """The version's page, rendered from its snapshot and stored the first time it is
    needed (as it is published; on first view for versions published before pages were kept)."""
    try:
        return version.page
    except PublishedPage.DoesNotExist:
        pass
    content = version.content  # the whole snapshot: loaded here if the version deferred it
    page = PublishedPage(
        version=version, heading={key: content[key] for key in HEADING_KEYS}, body=rendering.page_body(content)
    )
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
    return rendering.download(name, content, status_line=status_line)


def published_file(*, version: PublishedPaper, name: str) -> bytes:
    """The version's download `name`, rendered and stored the first time it is asked
    for, and read from the database after that."""
    stored = version.files.filter(name=name).values_list("content", flat=True).first()
    if stored is None:
        body = _render(version, name)  # outside a transaction: a PDF can take a while
        try:
            with transaction.atomic():
                PublishedFile.objects.create(version=version, name=name, content=body)
        except IntegrityError:
            # Another request rendered it at the same time and stored it first. Serve
            # that one, so everyone gets the same bytes (a PDF records when it was made).
            stored = version.files.filter(name=name).values_list("content", flat=True).get()
        else:
            return body
    return bytes(stored)
