"""manage.py fail_stale_tasks: mark failed the tasks whose worker was killed.

A worker stopped with SIGTERM finishes its task first; one killed (SIGKILL, out of
memory, its machine lost) leaves its task running for ever, and no worker takes a
running task again. Run this before each worker starts and every few minutes (README,
"Background work"): tasks still running RISKREG_TASK_STALE_MINUTES after they started
are marked failed, and register admins see them on /tasks-queue/ with a retry button.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from riskreg.queue import stale_tasks_fail


class Command(BaseCommand):
    help = "Mark failed the tasks still running long after they started (their worker was killed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=None,
            help="Running longer than this (default RISKREG_TASK_STALE_MINUTES). 0: every running task, "
            "for when no worker is running (make run starts its one worker so).",
        )

    def handle(self, *args, minutes, **options):
        minutes = settings.RISKREG_TASK_STALE_MINUTES if minutes is None else minutes
        count = stale_tasks_fail(older_than=timedelta(minutes=minutes))
        if count or options["verbosity"] > 1:
            self.stdout.write(f"Marked {count} stale running task{'s' if count != 1 else ''} failed.")
