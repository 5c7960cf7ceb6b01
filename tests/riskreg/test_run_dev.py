"""make run's one command (scripts/run_dev.py): the web server and a task worker
together, on a SQLite file, both stopped by one Ctrl-C."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Queues a task for the worker, and leaves one as a killed worker does: running for ever.
QUEUE_TWO = """
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.riskreg.queue_tasks import add
add.enqueue(a=2, b=3)
lost = add.enqueue(a=1, b=1)
DBTaskResult.objects.filter(pk=lost.id).update(status="RUNNING", started_at=timezone.now())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds} s")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def processes_using(database: Path) -> list[int]:
    """This test's processes: those whose environment names its database."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(database).encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def statuses(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT args_kwargs, status FROM django_tasks_database_dbtaskresult").fetchall()
    return sorted(rows)


def test_make_run_serves_the_site_and_runs_the_worker_and_ctrl_c_stops_both(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update({"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}", "RISKREG_MAIL_DIR": str(tmp_path)})
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([*manage, "shell", "-c", QUEUE_TWO], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    port = free_port()

    run = subprocess.Popen(
        [sys.executable, "scripts/run_dev.py", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        until(lambda: answers(f"http://127.0.0.1:{port}/healthz"))
        # The worker ran the waiting task; the one a killed worker left running was marked failed.
        until(lambda: [status for _, status in statuses(database)] == ["FAILED", "SUCCESSFUL"])

        run.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = run.communicate(timeout=30)
        until(lambda: not processes_using(database), seconds=15)  # the server's and worker's too
    finally:
        for pid in processes_using(database):  # only if the test failed
            os.kill(pid, signal.SIGKILL)
        run.wait(timeout=10)

    assert run.returncode == 0, output
    assert "starting the web server" in output and "starting the task worker" in output
    assert not answers(f"http://127.0.0.1:{port}/healthz")
