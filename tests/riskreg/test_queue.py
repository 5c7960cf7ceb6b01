"""The task queue: the real worker runs it, admins see it and retry what failed, and
what a killed worker left running is marked failed."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from riskreg import queue
from tests.commands import run_worker
from tests.html import text
from tests.riskreg import queue_tasks
from tests.riskreg.queue_tasks import failed_run

pytestmark = pytest.mark.django_db

Status = TaskResultStatus


def status_of(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_each_waiting_task_once_and_keeps_the_error_of_a_failed_one(task_queue):
    added = queue_tasks.add.enqueue(a=2, b=3)
    failed = queue_tasks.fail.enqueue(why="the printer is on fire")
    assert status_of(added) == status_of(failed) == Status.READY

    run_worker()
    run_worker()  # nothing left: nothing runs twice

    done = queue_tasks.add.get_result(added.id)
    assert (done.status, done.return_value) == (Status.SUCCESSFUL, 5)
    assert len(done.worker_ids) == 1
    error = queue_tasks.fail.get_result(failed.id)
    assert error.status == Status.FAILED
    assert "ValueError: the printer is on fire" in error.errors[0].traceback


@pytest.mark.django_db(transaction=True)
def test_register_admins_see_what_is_waiting_running_failed_with_its_error_and_done(client_as_admin, task_queue):
    queue_tasks.add.enqueue(a=2, b=3)
    queue_tasks.fail.enqueue(why="the printer is on fire")
    run_worker()
    queue_tasks.add.enqueue(a=40, b=2)  # waiting
    running = queue_tasks.add.enqueue(a=1, b=1)
    DBTaskResult.objects.filter(pk=running.id).update(status=Status.RUNNING, started_at=timezone.now())

    response = client_as_admin.get(reverse("task_queue"))

    page = text(response.content)
    assert response.status_code == 200
    assert "Waiting (1)" in page and "a: 40, b: 2" in page
    assert "Running (1)" in page and "a: 1, b: 1" in page
    assert "Failed (1)" in page and "ValueError: the printer is on fire" in page
    assert "Last done (1)" in page and "Add two numbers" in page and "a: 2, b: 3" in page
    failed = DBTaskResult.objects.get(status=Status.FAILED)
    assert reverse("task_retry", args=[failed.pk]).encode() in response.content


@pytest.mark.parametrize("role", ["officer", "smt_lead", "committee_member"])
def test_only_register_admins_see_the_queue_and_retry(client, request, role):
    run = failed_run()
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("task_queue")).status_code == 403
    assert client.post(reverse("task_retry", args=[run.pk])).status_code == 403
    assert DBTaskResult.objects.get(pk=run.pk).status == Status.FAILED


def test_the_queue_page_runs_the_same_queries_with_4_tasks_and_with_80(client_as_admin, django_assert_num_queries):
    def fill(each):
        for _ in range(each):
            failed_run(status=Status.FAILED)
            failed_run(status=Status.SUCCESSFUL)
            failed_run(status=Status.READY, started_at=None, finished_at=None)
            failed_run(status=Status.RUNNING, finished_at=None)

    fill(1)
    client_as_admin.get(reverse("task_queue"))  # the session and user, read once
    with django_assert_num_queries(11) as small:
        assert client_as_admin.get(reverse("task_queue")).status_code == 200
    fill(19)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client_as_admin.get(reverse("task_queue"))
    assert "Failed (20)" in text(response.content)


@pytest.mark.django_db(transaction=True)
def test_a_retried_task_is_run_again_by_the_worker_under_the_same_id(client_as_admin, task_queue):
    result = queue_tasks.fail_once.enqueue(key="retry")
    run_worker()
    assert status_of(result) == Status.FAILED

    response = client_as_admin.post(reverse("task_retry", args=[result.id]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("task_queue")
    assert "The task is queued again" in text(response.content)
    assert status_of(result) == Status.READY
    run_worker()
    done = queue_tasks.fail_once.get_result(result.id)
    assert (done.status, done.return_value) == (Status.SUCCESSFUL, "the second try works")


def test_two_retries_at_once_queue_the_task_once(register_admin):
    run = failed_run()

    assert queue.task_retry(run_id=run.pk, by=register_admin) is True
    assert queue.task_retry(run_id=run.pk, by=register_admin) is False
    assert DBTaskResult.objects.get(pk=run.pk).status == Status.READY


def test_a_retry_goes_back_to_the_page_that_asked_if_it_is_ours(client_as_admin):
    run, other = failed_run(), failed_run()

    ours = client_as_admin.post(reverse("task_retry", args=[run.pk]), {"next": "/committee/"})
    theirs = client_as_admin.post(reverse("task_retry", args=[other.pk]), {"next": "https://example.org/"})

    assert ours["Location"] == "/committee/"
    assert theirs["Location"] == reverse("task_queue")


def test_tasks_a_killed_worker_left_running_are_marked_failed_and_can_be_retried(client_as_admin, settings):
    settings.RISKREG_TASK_STALE_MINUTES = 30
    lost = failed_run(status=Status.RUNNING, started_at=timezone.now() - timedelta(hours=2), finished_at=None)
    running = failed_run(status=Status.RUNNING, started_at=timezone.now() - timedelta(minutes=5), finished_at=None)
    out = io.StringIO()

    call_command("fail_stale_tasks", stdout=out)

    assert "Marked 1 stale running task failed." in out.getvalue()
    lost.refresh_from_db()
    assert lost.status == Status.FAILED
    assert lost.exception_class_path == "riskreg.queue.WorkerLost"
    assert "still running 30 minutes after it started" in lost.traceback
    assert DBTaskResult.objects.get(pk=running.pk).status == Status.RUNNING
    page = client_as_admin.get(reverse("task_queue")).content
    assert b"its worker was stopped or lost" in page
    assert reverse("task_retry", args=[lost.pk]).encode() in page


def test_at_a_lone_workers_start_every_running_task_is_stale():
    running = failed_run(status=Status.RUNNING, started_at=timezone.now(), finished_at=None)

    call_command("fail_stale_tasks", "--minutes", "0", stdout=io.StringIO())

    running.refresh_from_db()
    assert running.status == Status.FAILED
    assert "still running when a worker started" in running.traceback


def test_the_navigation_links_to_the_queue_for_register_admins_only(client, register_admin, smt_lead):
    client.force_login(register_admin)
    assert b'href="/tasks-queue/"' in client.get("/").content
    client.force_login(smt_lead)
    assert b'href="/tasks-queue/"' not in client.get("/").content
