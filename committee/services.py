from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from committee.models import Paper, PublishedPaper
from committee.report import build_report


def can_manage_papers(user) -> bool:
    return user.is_register_admin()


@transaction.atomic
def paper_publish(*, paper: Paper, user, correction_reason: str = "") -> PublishedPaper:
    """Freeze the paper as presented. A later version is a correction and needs a reason."""
    if user is not None and not can_manage_papers(user):
        raise PermissionDenied
    # Lock the paper so two admins publishing at once get versions 1 and 2, not a clash.
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    last = paper.versions.latest_first().first()
    if last and not correction_reason.strip():
        raise ValidationError({"correction_reason": "Enter the reason for the correction"})
    if not paper.meeting_date:
        raise ValidationError("Set the meeting date before publishing the paper")
    return PublishedPaper.objects.create(
        paper=paper,
        version=last.version + 1 if last else 1,
        content=build_report(paper),
        correction_reason=correction_reason.strip(),
        published_at=timezone.now(),
        published_by=user,
    )
