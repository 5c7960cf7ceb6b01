"""Tasks for the queue's tests, and a failed one made without a worker."""

from django.core.cache import cache
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


@task
def add(*, a: int, b: int) -> int:
    """Add two numbers"""
    return a + b


@task
def fail(*, why: str) -> None:
    """Fail on purpose"""
    raise ValueError(why)


@task
def fail_once(*, key: str) -> str:
    """Fail the first time only"""
    if cache.add(f"fail-once:{key}", True):
        raise RuntimeError("the first try fails")
    return "the second try works"


def failed_run(**fields) -> DBTaskResult:
    """A failed run of `fail` in the queue, as the worker leaves one."""
    now = timezone.now()
    values = {
        "status": TaskResultStatus.FAILED,
        "task_path": fail.module_path,
        "args_kwargs": {"args": [], "kwargs": {"why": "on purpose"}},
        "backend_name": "default",
        "run_after": get_date_max(),
        "started_at": now,
        "finished_at": now,
        "exception_class_path": "builtins.ValueError",
        "traceback": "Traceback (most recent call last):\n  ...\nValueError: on purpose\n",
        **fields,
    }
    return DBTaskResult.objects.create(**values)
