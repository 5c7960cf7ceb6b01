"""Publishing a quarter for the public, and taking newly sensitive items off it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from kpis.models import KpiValue
from performance.models import PublicRelease
from performance.pages import body_context
from performance.snapshot import build_snapshot
from riskreg.marking import Marking, marking_changed

# The kinds of row a snapshot shows (PublicRelease.shown), by the model that marks them.
SHOWN_KIND = {Commitment: "commitment", StatusUpdate: "update", KpiValue: "kpi_value"}


def can_publish(user) -> bool:
    return user.is_authenticated and user.is_register_admin()


def publish_problem(period: ReportingPeriod) -> str:
    """Why the quarter cannot be published for the public yet, or ""."""
    if period.status != ReportingPeriod.Status.CLOSED:
        return f"{period.label} is {period.get_status_display().lower()}: close it before publishing it for the public"
    return ""


def render_body(content: dict) -> str:
    return render_to_string("public/release_body.html", body_context(content))


@transaction.atomic
def release_publish(*, period: ReportingPeriod, by, reason: str = "Published for the public") -> PublicRelease:
    """Store what the public may see of the quarter now, replacing what they saw before."""
    if by is not None and not can_publish(by):
        raise PermissionDenied
    if problem := publish_problem(period):
        raise ValidationError(problem)
    return _store(period, by=by, reason=reason)


def _store(period: ReportingPeriod, *, by, reason: str) -> PublicRelease:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)  # two publishes in turn
    content, shown = build_snapshot(period)
    release = PublicRelease.objects.filter(period=period).first() or PublicRelease(period=period, version=0)
    release.version += 1
    release.content, release.shown, release.body = content, shown, render_body(content)
    release.reason, release.published_at, release.published_by = reason, timezone.now(), by
    release._history_user = by
    release.save()
    return release


def releases_showing(item) -> list[PublicRelease]:
    kind = SHOWN_KIND.get(type(item))
    if kind is None:
        return []  # risks are never public
    # Few releases (one a quarter): read in Python, which every database can do alike.
    return [r for r in PublicRelease.objects.select_related("period") if item.pk in r.shown.get(kind, [])]


def _take_off_public_pages(sender, item, marking, **kwargs):
    """An item marked OFFICIAL-SENSITIVE leaves every quarter published with it, at once."""
    if marking != Marking.OFFICIAL_SENSITIVE:
        return
    for release in releases_showing(item):
        # Whatever the quarter's state now: the item must leave the public pages.
        _store(release.period, by=None, reason="Published again: an item was marked OFFICIAL-SENSITIVE")


def connect_signals() -> None:
    marking_changed.connect(_take_off_public_pages, dispatch_uid="public-take-off-sensitive")
