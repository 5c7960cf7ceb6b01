"""The task queue: the work the register does in the background (Django's tasks framework,
its queue a table of the database kept by django-tasks-db, run by `manage.py db_worker`).

What the rest of the register asks of the queue is here, so no other module reads the
queue's table: the admins' page of waiting, running, failed and done work
(`queue_summary`), another try at a failed task (`task_retry`), the clean-up of tasks
whose worker was killed (`stale_tasks_fail`), and an app's question "how stands this
task for these arguments" (`runs_of`).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

Status = TaskResultStatus

# How many of each kind the page lists, newest first (the counts are of all of them).
LISTED = 50
LISTED_DONE = 20


class WorkerLost(Exception):
    """Recorded as a stale task's error: it was still running long after it started, so
    its worker was killed or its machine stopped (stale_tasks_fail)."""


@dataclass(frozen=True)
class Run:
    """One task in the queue, as the admins' page shows it."""

    id: str
    task: str  # what it does: the first line of the task's docstring
    arguments: str
    status: str
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error_class: str  # the failure's exception, e.g. "builtins.MemoryError"
    error: str  # its traceback

    @property
    def took(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def took_text(self) -> str:
        return about(self.took) if self.took is not None else ""

    @property
    def error_line(self) -> str:
        """The traceback's last line: the exception and its message."""
        lines = [line for line in self.error.splitlines() if line.strip()]
        return lines[-1] if lines else self.error_class

    @property
    def was_retried(self) -> bool:
        """Waiting again after a failure: its last error is kept until it succeeds."""
        return self.status == Status.READY and bool(self.error_class)

    @classmethod
    def of(cls, row: DBTaskResult) -> "Run":
        kwargs = row.args_kwargs.get("kwargs", {})
        arguments = [repr(value) for value in row.args_kwargs.get("args", [])]
        arguments += [f"{key}: {value}" for key, value in kwargs.items()]
        return cls(
            id=str(row.id),
            task=describe(row.task_path),
            arguments=", ".join(arguments),
            status=row.status,
            enqueued_at=row.enqueued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            error_class=row.exception_class_path,
            error=row.traceback,
        )


def about(duration: timedelta) -> str:
    """A duration as people say it: "under a second", "about 40 seconds", "about 3 minutes"."""
    seconds = duration.total_seconds()
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"about {round(seconds)} second{'s' if round(seconds) != 1 else ''}"
    return f"about {round(seconds / 60)} minutes"


@lru_cache
def describe(task_path: str) -> str:
    """A task's first docstring line, or its name if it has none (or no longer exists)."""
    try:
        task = import_string(task_path)
    except ImportError:
        return task_path.rsplit(".", 1)[-1]
    doc = (getattr(task, "func", task).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else task_path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Queue:
    waiting: list[Run]
    waiting_count: int
    running: list[Run]
    failed: list[Run]
    failed_count: int
    done: list[Run]
    done_count: int


def queue_summary() -> Queue:
    """The queue for the admins' page, in five queries whatever its size: the counts, then
    the oldest waiting, every running, and the latest failed and done."""
    rows = DBTaskResult.objects.all()
    counts = rows.aggregate(
        waiting=Count("pk", filter=Q(status=Status.READY)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        done=Count("pk", filter=Q(status=Status.SUCCESSFUL)),
    )
    return Queue(
        waiting=_runs(rows.filter(status=Status.READY).order_by("enqueued_at")[:LISTED]),
        waiting_count=counts["waiting"],
        running=_runs(rows.filter(status=Status.RUNNING).order_by("started_at")),
        failed=_runs(rows.filter(status=Status.FAILED).order_by("-finished_at")[:LISTED]),
        failed_count=counts["failed"],
        done=_runs(rows.filter(status=Status.SUCCESSFUL).order_by("-finished_at")[:LISTED_DONE]),
        done_count=counts["done"],
    )


def _runs(rows: QuerySet) -> list[Run]:
    return [Run.of(row) for row in rows]


def runs_of(task: Task, **kwargs) -> QuerySet:
    """The queue's runs of `task` called with (at least) these keyword arguments."""
    filters = {f"args_kwargs__kwargs__{key}": value for key, value in kwargs.items()}
    return DBTaskResult.objects.filter(task_path=task.module_path, **filters)


def latest_runs(task: Task, *, by: str, **kwargs) -> dict[object, Run]:
    """The latest run of `task` for each value of its argument `by`, among those called with
    these arguments: one query."""
    latest = {}
    for row in runs_of(task, **kwargs).order_by("enqueued_at"):
        latest[row.args_kwargs["kwargs"].get(by)] = Run.of(row)
    return latest


def last_durations(task: Task, *, by: str, recent: int = 20) -> dict[object, timedelta]:
    """How long the last successful run of `task` took, for each value of its argument `by`
    among its `recent` latest successes: one query."""
    durations = {}
    rows = runs_of(task).filter(status=Status.SUCCESSFUL).order_by("-finished_at")[:recent]
    for row in rows.only("args_kwargs", "started_at", "finished_at"):
        durations.setdefault(row.args_kwargs["kwargs"].get(by), row.finished_at - row.started_at)
    return durations


def task_retry(*, run_id: str, by) -> bool:
    """Queue a failed task again, as it was (the same task, arguments and id), for the
    next free worker. False if it was not failed (done meanwhile, or retried already: two
    admins pressing at once queue it once). Its error is kept until it succeeds."""
    if not by.is_register_admin():
        raise PermissionDenied
    retried = bool(
        DBTaskResult.objects.filter(pk=run_id, status=Status.FAILED).update(
            status=Status.READY, started_at=None, finished_at=None
        )
    )
    if retried:
        logger.info("Task %s queued again by %s", run_id, by.get_username())
    return retried


def stale_tasks_fail(*, older_than: timedelta) -> int:
    """Mark failed the tasks still running `older_than` after they started: their worker
    was killed (SIGKILL, out of memory) or its machine stopped, and no worker takes a
    running task again. Failed, not queued again: a task that killed its worker would kill
    the next one too; an admin sees the error and retries. Returns how many."""
    now = timezone.now()
    stale = DBTaskResult.objects.filter(status=Status.RUNNING, started_at__lt=now - older_than)
    minutes = int(older_than.total_seconds() // 60)
    found = f"still running {minutes} minutes after it started" if minutes else "still running when a worker started"
    error_class = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
    count = stale.update(
        status=Status.FAILED,
        finished_at=now,
        exception_class_path=error_class,
        traceback=f"{error_class}: {found}: its worker was stopped or lost. Retry it once the cause is fixed.",
    )
    if count:
        logger.warning("Marked %d stale running task(s) failed", count)
    return count
