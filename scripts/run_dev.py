#!/usr/bin/env python3
"""make run's server: Django's development server and a task worker, as one command.

    scripts/run_dev.py [HOST:PORT]

Starts `manage.py runserver HOST:PORT` and `manage.py db_worker` (which runs the queue:
a published paper's PDF and Word file), each in its own process group, and watches
both. Ctrl-C or SIGTERM stops both (SIGTERM: the worker finishes its task first; after
STOP_SECONDS, what is left is killed); if either stops by itself, the other is stopped
too and the exit status is the one that stopped.

Before the worker starts, tasks left running by a killed worker are marked failed
(`fail_stale_tasks --minutes 0`): in development this is the only worker of its database.
Both run with the environment this script was given (make run sets DJANGO_DEBUG=true).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def start(name: str, command: list[str]) -> subprocess.Popen:
    print(f"run_dev: starting the {name}: {' '.join(command[1:])}", flush=True)
    # Its own process group: a stop reaches the autoreloader's child process too.
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # Left running by a kill, its task is marked failed at the next start.
            print(f"run_dev: the {name} did not stop in {STOP_SECONDS} s: killing it", flush=True)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(address: str) -> int:
    subprocess.run(manage("fail_stale_tasks", "--minutes", "0"), cwd=ROOT, check=True)
    processes = {
        "web server": start("web server", manage("runserver", address)),
        "task worker": start("task worker", manage("db_worker", "--no-startup-delay")),
    }

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    status = 0
    try:
        while True:
            stopped = [(name, p.returncode) for name, p in processes.items() if p.poll() is not None]
            if stopped:
                name, status = stopped[0]
                print(f"run_dev: the {name} stopped (exit status {status}): stopping the rest", flush=True)
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("run_dev: stopping the web server and the task worker", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the stop short
        stop(processes)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
