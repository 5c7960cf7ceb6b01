"""A notice's email: tried again when the mail server refuses it, recorded as failed (for
the admins to see and send again) when it cannot be sent; never dropped silently."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notices.models import Notice
from notices.send import notice_record
from tests.commands import run_worker
from tests.html import text

pytestmark = pytest.mark.django_db


def a_notice(person, subject="Commitment 96 (2025/26 Q3) is waiting for your review") -> Notice:
    return notice_record(
        person=person,
        kind=Notice.Kind.SUBMITTED,
        subject=subject,
        template="notices/email/reminder.txt",
        context={"sections": []},
        link="http://127.0.0.1:8000/commitments/96/",
    )


def the_retry_waits() -> datetime.timedelta:
    [waiting] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return waiting.run_after - timezone.now()


def time_passes() -> None:
    """The wait before the retry is over (the worker takes a task once its run_after passes)."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_a_server_refusing_the_first_try_gets_a_second_and_the_email_is_delivered(smt_lead, mail_server, task_queue):
    mail_server.refuse.append("451 4.3.0 Try again later")
    notice = a_notice(smt_lead)

    run_worker()

    notice.refresh_from_db()
    assert (notice.state, notice.attempts, mail_server.messages) == ("pending", 1, [])
    assert "451" in notice.last_error
    assert datetime.timedelta(minutes=4) < the_retry_waits() <= datetime.timedelta(minutes=5)

    time_passes()
    run_worker()

    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == ("sent", 2, "")
    [message] = mail_server.to("smt@example.org")
    assert message["Subject"] == notice.subject


@pytest.mark.django_db(transaction=True)
def test_a_server_that_is_down_is_tried_with_growing_waits_then_the_failure_is_shown_to_admins(
    smt_lead, mail_server_down, task_queue, client_as_admin, settings
):
    settings.NOTICE_ATTEMPTS = 3
    notice = a_notice(smt_lead)

    run_worker()
    first_wait = the_retry_waits()
    time_passes()
    run_worker()
    second_wait = the_retry_waits()
    time_passes()
    run_worker()

    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in notice.last_error
    assert first_wait < datetime.timedelta(minutes=5) < second_wait <= datetime.timedelta(minutes=10)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()  # no more tries
    page = text(client_as_admin.get(reverse("notices:sent") + "?state=failed").content)
    assert "Failed after 3 tries" in page and "ConnectionRefusedError" in page and notice.subject in page


def test_an_admin_sends_a_failed_notice_again_once_the_server_is_back(smt_lead, client_as_admin, mail_server, settings):
    settings.NOTICE_ATTEMPTS = 1
    mail_server.refuse.append("554 5.7.1 Not today")
    notice = a_notice(smt_lead)
    notice.refresh_from_db()
    assert notice.state == "failed"

    response = client_as_admin.post(reverse("notices:send_again", args=[notice.pk]), follow=True)

    assert "queued to be sent again" in text(response.content)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == ("sent", 2)
    assert len(mail_server.to("smt@example.org")) == 1
    again = client_as_admin.post(reverse("notices:send_again", args=[notice.pk]), follow=True)
    assert "had not failed" in text(again.content)
    assert len(mail_server.to("smt@example.org")) == 1


def test_a_person_without_an_email_address_is_recorded_as_failed_at_once(smt_lead, mail_server):
    smt_lead.email = ""
    smt_lead.save()

    notice = a_notice(smt_lead)

    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == ("failed", 1)
    assert "has no email address" in notice.last_error


@pytest.mark.django_db(transaction=True)
def test_notices_waiting_together_go_in_one_email(smt_lead, mail_server, task_queue):
    a_notice(smt_lead, "Commitment 96 (2025/26 Q3) is waiting for your review")
    a_notice(smt_lead, "Commitment 97 (2025/26 Q3) is waiting for your review")

    run_worker()

    [message] = mail_server.messages
    assert message["Subject"] == "2 notices from the risk register"
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}


def test_a_notice_whose_delivery_was_lost_is_queued_again_by_the_daily_job(smt_lead, mail_server):
    notice = Notice.objects.create(
        person=smt_lead,
        kind=Notice.Kind.SUBMITTED,
        subject="Lost",
        body="Lost\n",
        link="http://127.0.0.1:8000/",
        created_at=timezone.now() - datetime.timedelta(hours=2),
    )

    call_command("send_reminders", "--date", "2026-01-05", stdout=io.StringIO())

    notice.refresh_from_db()
    assert notice.state == "sent"
    assert [m["Subject"] for m in mail_server.messages] == ["Lost"]
