"""Telling people: a notice is recorded for its person (their Notifications page shows it)
and emailed to them by the task worker, never inside a request. A failed email is tried
again, with a growing wait, up to RISKREG_NOTICE_ATTEMPTS times, then left failed for
the admins to see (and send again) on the notices page."""

import logging
import smtplib
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.tasks import task_backends
from django.template.loader import render_to_string
from django.utils import timezone

from notices.models import Notice, Preferences

logger = logging.getLogger(__name__)

State = Notice.State


def page_address(path: str) -> str:
    """The absolute address of one of the register's pages, for an email (RISKREG_SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def preferences_of(person) -> Preferences:
    """The person's choices (select_related("notice_preferences") saves the query); the
    defaults if they never chose."""
    try:
        return person.notice_preferences
    except Preferences.DoesNotExist:
        return Preferences(person=person)


def notice_record(*, person, kind: str, subject: str, template: str, context: dict, link: str, day=None) -> Notice:
    """Record a notice for the person and queue its email. Call it inside the change's
    transaction: the notice and its queued email commit with the change, or neither does."""
    body = render_to_string(template, {**context, "person": person, "link": link}).strip() + "\n"
    notice = Notice.objects.create(person=person, kind=kind, subject=subject[:200], body=body, link=link, day=day)
    deliver_later(person_id=person.pk)
    return notice


def deliver_later(*, person_id: int, after: timedelta | None = None) -> None:
    """Queue the worker's delivery of the person's waiting notices (`after` a wait, where
    the queue can wait: the tests' run-at-once backend cannot, and leaves it to the daily job)."""
    from notices.tasks import deliver_notices  # the task module imports this one

    if after is None:
        deliver_notices.enqueue(person_id=person_id)
    elif task_backends["default"].supports_defer:
        deliver_notices.using(run_after=timezone.now() + after).enqueue(person_id=person_id)


def _message(person, notices: list[Notice]) -> EmailMessage:
    if len(notices) == 1:
        subject, body = notices[0].subject, notices[0].body
    else:
        # Several waiting at once (an officer submitted a page of updates): one email.
        subject = f"{len(notices)} notices from the risk register"
        body = "\n\n".join(f"{n.subject}\n{'-' * len(n.subject)}\n{n.body}" for n in notices)
    return EmailMessage(subject, body, to=[formataddr((str(person), person.email))])


def notices_deliver(*, person_id: int) -> int:
    """Email the person every notice of theirs waiting to be sent, in one message, and
    record how it went. Returns how many were sent. The rows stay locked while it sends,
    so two workers never send them twice."""
    with transaction.atomic():
        waiting = list(
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person")
            .filter(person_id=person_id, state=State.PENDING)
            .order_by("created_at", "pk")
        )
        if not waiting:
            return 0
        person, ids = waiting[0].person, [notice.pk for notice in waiting]
        error, retry = "", True
        if not person.email:
            error, retry = f"{person} has no email address: add one in Users", False
        else:
            try:
                _message(person, waiting).send()
            except (smtplib.SMTPException, OSError) as failure:
                error = f"{type(failure).__name__}: {failure}"
        rows = Notice.objects.filter(pk__in=ids)
        if not error:
            rows.update(state=State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
            return len(ids)
        rows.update(attempts=F("attempts") + 1, last_error=error)
        given_up = rows if not retry else rows.filter(attempts__gte=settings.NOTICE_ATTEMPTS)
        given_up.update(state=State.FAILED)
        attempts = max(notice.attempts for notice in waiting) + 1
    logger.warning("Email to %s failed (attempt %d): %s", person.get_username(), attempts, error)
    if retry and attempts < settings.NOTICE_ATTEMPTS:
        deliver_later(person_id=person_id, after=timedelta(minutes=settings.NOTICE_RETRY_MINUTES * 2 ** (attempts - 1)))
    return 0


@transaction.atomic
def notice_send_again(*, notice: Notice, by) -> bool:
    """An admin's new try at a failed notice (after fixing the address or the mail server).
    False if it had not failed."""
    if not by.is_register_admin():
        raise PermissionDenied
    again = bool(Notice.objects.filter(pk=notice.pk, state=State.FAILED).update(state=State.PENDING))
    if again:
        deliver_later(person_id=notice.person_id)
    return again


def waiting_deliver_again(*, older_than: timedelta) -> int:
    """Queue again the delivery of notices still waiting after `older_than` (their queued
    delivery was lost, or the queue could not wait for a retry): none is dropped silently.
    A delivery finding nothing waiting does nothing, so an extra one is harmless."""
    people = set(
        Notice.objects.filter(state=State.PENDING, created_at__lt=timezone.now() - older_than)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    for person_id in sorted(people):
        deliver_later(person_id=person_id)
    return len(people)
