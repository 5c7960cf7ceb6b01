#!/usr/bin/env python3
"""Database fault check: does the site ride out a PostgreSQL outage?

Runs gunicorn (2 workers) on a scratch PostgreSQL database with the demo data, drives
a bounded load at it from 127.0.0.1, stops PostgreSQL for a few seconds, starts it
again, and reports what every request got:

    before   every page 200
    outage   every page 503 "temporarily unavailable", and /healthz 503
    after    200 again, without restarting gunicorn

Never 500, never a dropped connection. Exit status 0 when all of that holds.

Needs root (pg_ctlcluster) and a local PostgreSQL cluster "main" that trusts
postgres@127.0.0.1. Stopping PostgreSQL stops it for everyone on this machine: keep
the outage short (--outage, default 10 s). PostgreSQL is started again whatever
happens (Ctrl-C included), gunicorn stopped and the scratch database dropped.

    make faultcheck            (or: .venv/bin/python scripts/faultcheck.py --help)
"""

import argparse
import collections
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The project's packages, for the demo's fixture list (plain data: no Django set-up needed).
sys.path.insert(0, str(ROOT))
from committee.demo import DEMO_FIXTURES  # noqa: E402

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the load goes here and nowhere else
PAGES = ["/healthz", "/", "/commitments/", "/risks/", "/committee/2025-26/q2/"]
USERNAME, PASSWORD = "committee", secrets.token_urlsafe(16)
MAX_REQUESTS = 5000
RECOVERY_WATCH = 8.0  # seconds of load after PostgreSQL is back
RECOVERY_LIMIT = 3.0  # by when every page must answer 200 again
UNAVAILABLE = "temporarily unavailable"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*command, env=None, check=True, quiet=False) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    if not quiet and result.stdout.strip():
        print(result.stdout.strip())
    return result


# ---------------------------------------------------------------------------
# PostgreSQL


def postgresql_version() -> str:
    versions = [p.name for p in Path("/etc/postgresql").iterdir() if p.name.replace(".", "").isdigit()]
    if not versions:
        raise RuntimeError("No PostgreSQL cluster in /etc/postgresql.")
    return max(versions, key=lambda v: [int(part) for part in v.split(".")])


class PostgreSQL:
    def __init__(self, version: str, port: int):
        self.version, self.port = version, port

    def ready(self) -> bool:
        return run("pg_isready", "-q", "-h", HOST, "-p", str(self.port), check=False).returncode == 0

    def cluster(self, action: str) -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action)

    def stop(self) -> None:
        self.cluster("stop")

    def start(self) -> None:
        if not self.ready():
            self.cluster("start")
        for _ in range(60):
            if self.ready():
                return
            time.sleep(0.5)
        raise RuntimeError("PostgreSQL did not come back within 30 s.")

    def psql(self, sql: str) -> None:
        run("psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-q", "-c", sql)


# ---------------------------------------------------------------------------
# The site


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def site_environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE": "false",  # plain HTTP on 127.0.0.1
        "DJANGO_PLAIN_STATIC": "true",
        "DJANGO_ADMIN_2FA": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: they must survive the outage
    }


def prepare_database(env: dict) -> None:
    python = str(BIN / "python")
    run(python, "manage.py", "migrate", "--no-input", env=env, quiet=True)
    run(python, "manage.py", "loaddata", *DEMO_FIXTURES, env=env)
    run(python, "manage.py", "publish_paper", "2025-26-q2", env=env)
    # The password travels in the environment, not in the code run.
    code = (
        "import os; from riskreg.models import User; u = User.objects.get(username=os.environ['FAULTCHECK_USER']); "
        "u.set_password(os.environ['FAULTCHECK_PASSWORD']); u.save()"
    )
    secret = {"FAULTCHECK_USER": USERNAME, "FAULTCHECK_PASSWORD": PASSWORD}
    run(python, "manage.py", "shell", "-c", code, env={**env, **secret})


class Gunicorn:
    def __init__(self, env: dict, port: int, logfile: Path):
        self.port = port
        self.logfile = logfile.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "riskreg.wsgi", "--workers", "2", "--bind", f"{HOST}:{port}", "--timeout", "20"],
            cwd=ROOT,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []

    def wait_until_up(self) -> None:
        for _ in range(60):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logfile.name}")
            try:
                if Client(self.port).get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 30 s.")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.logfile.close()


class Client:
    """HTTP to 127.0.0.1 only, with a session cookie."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port, self.cookies = port, dict(cookies or {})

    def request(self, method: str, path: str, body: str | None = None, headers=None) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            headers = {**(headers or {}), "Host": HOST, "Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text, dict(response.getheaders())
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str, dict]:
        return self.request("GET", path)

    def sign_in(self) -> None:
        status, page, _ = self.get("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"The sign-in page answered {status}.")
        body = urlencode({"csrfmiddlewaretoken": token[1], "username": USERNAME, "password": PASSWORD})
        status, _, headers = self.request(
            "POST", "/sign-in/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Signing in answered {status}, not a redirect.")


# ---------------------------------------------------------------------------
# Load


class Load:
    """Two threads requesting the pages in turn, recording (phase, path, outcome)."""

    def __init__(self, port: int, cookies: dict, deadline: float):
        self.port, self.cookies, self.deadline = port, cookies, deadline
        self.phase = "before"
        self.results: list[tuple[str, float, str, str]] = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(2)]

    def _run(self, offset: int) -> None:
        client = Client(self.port, self.cookies)
        n = offset
        while self.running and time.monotonic() < self.deadline and len(self.results) < MAX_REQUESTS:
            path = PAGES[n % len(PAGES)]
            n += 1
            phase = self.phase
            try:
                status, text, _ = client.get(path)
                outcome = str(status)
                if status == 503 and path != "/healthz" and UNAVAILABLE not in text:
                    outcome = "503 without the unavailable page"
            except (OSError, http.client.HTTPException) as error:
                outcome = f"no answer ({type(error).__name__})"
            with self.lock:
                self.results.append((phase, time.monotonic(), path, outcome))
            time.sleep(0.02)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=15)

    def recent(self, seconds: float) -> list[str]:
        since = time.monotonic() - seconds
        with self.lock:
            return [outcome for _, when, _, outcome in self.results if when >= since]


def recovery_time(load: Load, up_at: float) -> float | None:
    """Seconds from PostgreSQL's return to the last answer that was not 200 (0 if none);
    None if the last answers were not all 200."""
    after = [(when, outcome) for phase, when, _, outcome in load.results if phase == "after"]
    if not after or any(outcome != "200" for _, outcome in after[-10:]):
        return None
    bad = [when for when, outcome in after if outcome != "200"]
    return max(bad) - up_at if bad else 0.0


def print_log_summary(path: Path) -> None:
    """What the application logged: records per level and logger, and how many carried a
    traceback. Reported, not judged: the log's shape is the logging set-up's business."""
    counts = collections.Counter()
    with_traceback = collections.Counter()
    for line in path.open(encoding="utf-8", errors="replace"):
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        key = (record.get("level"), record.get("logger"), re.sub(r"(: )?/\S*$", "", record.get("message", ""))[:60])
        counts[key] += 1
        with_traceback[key] += "exception" in record
    print("\nThe application's log during the run:")
    for (level, logger, message), count in counts.most_common():
        tracebacks = with_traceback[(level, logger, message)]
        note = f", {tracebacks} with a traceback" if tracebacks else ", one line each"
        print(f"  {count:>5} {level} {logger}: {message!r}{note}")


def report(load: Load, recovered_after: float | None) -> list[str]:
    table = collections.defaultdict(collections.Counter)
    for phase, _, path, outcome in load.results:
        table[(phase, path)][outcome] += 1
    print()
    print(f"{'phase':<9} {'page':<24} outcomes")
    for phase in ("before", "stopping", "outage", "starting", "after"):
        for path in PAGES:
            if (phase, path) in table:
                outcomes = ", ".join(f"{k} x{v}" for k, v in sorted(table[(phase, path)].items()))
                print(f"{phase:<9} {path:<24} {outcomes}")
    print(f"\n{len(load.results)} requests.", end=" ")
    if recovered_after == 0:
        print("Every request after PostgreSQL was back answered 200.")
    elif recovered_after is not None:
        print(f"The last non-200 answer came {recovered_after:.1f} s after PostgreSQL was back; only 200 since.")
    else:
        print("The site did not recover.")

    problems = []
    for (phase, path), outcomes in table.items():
        bad = {k: v for k, v in outcomes.items() if not k.isdigit() or k == "500" or k.startswith("503 without")}
        if bad:
            problems.append(f"{phase} {path}: {bad}")
        if phase == "before" and set(outcomes) != {"200"}:
            problems.append(f"before the outage {path} answered {dict(outcomes)}, not only 200")
        if phase == "after" and set(outcomes) - {"200", "503"}:
            problems.append(f"after the outage {path} answered {dict(outcomes)}")
        if phase == "outage" and set(outcomes) != {"503"}:
            problems.append(f"during the outage {path} answered {dict(outcomes)}, not only 503")
    for phase in ("before", "outage", "after"):
        if not any(p == phase for p, _ in table):
            problems.append(f"no requests were made in the {phase} phase")
    if recovered_after is None or recovered_after > RECOVERY_LIMIT:
        problems.append(f"the site did not answer only 200 within {RECOVERY_LIMIT} s of PostgreSQL's return")
    return problems


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=10.0, help="seconds PostgreSQL stays down (default 10)")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--database", default="riskreg_faultcheck", help="scratch database (dropped at the end)")
    args = parser.parse_args()
    if args.database == "riskreg":
        parser.error("use a scratch database, not riskreg")
    if not 2 <= args.outage <= 30:
        parser.error("keep the outage between 2 and 30 seconds: other people use this PostgreSQL")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        print("faultcheck needs root and pg_ctlcluster (Debian's postgresql-common).", file=sys.stderr)
        return 2

    # Ctrl-C or a kill still runs the clean-up below.
    def interrupted(signum, frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    postgresql = PostgreSQL(postgresql_version(), args.pg_port)
    workdir = Path(tempfile.mkdtemp(prefix="faultcheck-"))
    gunicorn = None
    load = None
    try:
        log(f"PostgreSQL {postgresql.version}; scratch database {args.database}; logs in {workdir}")
        postgresql.start()
        postgresql.psql(f'DROP DATABASE IF EXISTS "{args.database}"')
        postgresql.psql(f'CREATE DATABASE "{args.database}"')
        env = site_environment(f"postgres://postgres@{HOST}:{args.pg_port}/{args.database}")
        log("Migrating and loading the demo data...")
        prepare_database(env)

        port = free_port()
        gunicorn = Gunicorn(env, port, workdir / "gunicorn.log")
        gunicorn.wait_until_up()
        master, workers = gunicorn.process.pid, gunicorn.workers()
        log(f"gunicorn on {HOST}:{port}, master {master}, workers {workers}")
        client = Client(port)
        client.sign_in()

        load = Load(port, client.cookies, deadline=time.monotonic() + args.outage + 45)
        load.start()
        time.sleep(3)

        log("Stopping PostgreSQL...")
        load.phase = "stopping"
        postgresql.stop()
        load.phase = "outage"
        down_at = time.monotonic()
        log(f"PostgreSQL is down; load continues for {args.outage:.0f} s")
        time.sleep(max(0.0, args.outage - (time.monotonic() - down_at)))

        log("Starting PostgreSQL...")
        load.phase = "starting"
        postgresql.start()
        load.phase = "after"
        up_at = time.monotonic()
        log("PostgreSQL is back")
        time.sleep(RECOVERY_WATCH)
        load.stop()
        recovered_after = recovery_time(load, up_at)

        problems = report(load, recovered_after)
        still = gunicorn.process.pid, gunicorn.workers()
        if still == (master, workers):
            print(f"gunicorn was not restarted: master {master}, workers {workers} throughout.")
        else:
            problems.append(f"gunicorn changed: master/workers {master} {workers} -> {still[0]} {still[1]}")
        print_log_summary(workdir / "gunicorn.log")
        print()
        if problems:
            print("FAULTCHECK FAILED:")
            for problem in problems:
                print(f"  - {problem}")
            return 1
        print("FAULTCHECK PASSED: 503 during the outage, 200 after it, no 500s, no restart.")
        return 0
    finally:
        if load is not None:
            load.stop()
        if not postgresql.ready():
            log("Starting PostgreSQL again (clean-up)...")
            try:
                postgresql.start()
            except Exception as error:  # say so loudly: everyone needs it back
                print(f"COULD NOT RESTART POSTGRESQL: {error}", file=sys.stderr)
        if gunicorn is not None:
            gunicorn.stop()
        if postgresql.ready():
            postgresql.psql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        log(f"Cleaned up (gunicorn stopped, {args.database} dropped); gunicorn's log kept in {workdir}")


if __name__ == "__main__":
    sys.exit(main())
