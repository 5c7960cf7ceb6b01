"""`make loadtest`: gunicorn (2 workers) on PostgreSQL under locust, headless, bounded in time.

Builds a fresh database riskreg_bench_load at scale 1 (make_synthetic), serves it with
gunicorn on 127.0.0.1 (a free port) with the bench settings (the product's URLs plus the
minimal view), then runs six locust phases of LOADTEST_SECONDS (60) with 20 users each:

1. journeys: officers, SMT leads and committee members sign in and walk their pages;
2. register: every user requests only the register;
3. admin changelist: only the Django admin's list of the same 100 rows (Django's yardstick);
4. public performance page: anonymous readers of the quarter published for the public;
5. open data API: anonymous clients of the API's public endpoints;
6. minimal: every user requests only the minimal view (the framework's floor).

It prints requests per second, p50, p95 and failures per phase (and per page for the
journeys and the API), the register's and the public phases' shares of the minimal view's
throughput, and writes benchmarks/loadtest-results.json. Traffic goes only to 127.0.0.1,
so every anonymous request comes from one address: benchmarks.settings raises the open
data's per-address limit past what the test can send (the count itself still runs).
"""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.run import BASE_DIR, PG, env_for, fresh_database, machine, psql, run

DATABASE = "riskreg_bench_load"
RESULTS = Path(__file__).resolve().parent / "loadtest-results.json"
USERS = 20
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
PHASES = [
    ("journeys", ["Officer", "SmtLead", "CommitteeMember"]),
    ("register", ["RegisterOnly"]),
    ("admin changelist", ["AdminChangelistOnly"]),
    ("public performance page", ["PublicPageOnly"]),
    ("open data API", ["OpenDataApi"]),
    ("minimal", ["MinimalOnly"]),
]
# Issue 17: the public page and the API serve anonymous readers at no less than this share
# of the minimal view's requests per second; the register at no less than REGISTER_SHARE.
PUBLIC_SHARE = 0.5
REGISTER_SHARE = 0.25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def locust_phase(name: str, classes: list[str], host: str, env: dict, folder: Path) -> dict:
    prefix = folder / name
    print(f"\n== {name}: {USERS} users, {SECONDS} s ({', '.join(classes)})", flush=True)
    run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            "benchmarks/locustfile.py",
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        env=env,
    )
    rows = list(csv.DictReader((prefix.with_name(f"{name}_stats.csv")).open()))

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
        }

    return {
        "total": figures(next(r for r in rows if r["Name"] == "Aggregated")),
        "pages": {r["Name"]: figures(r) for r in rows if r["Name"] != "Aggregated"},
    }


def main() -> None:
    env = {
        **env_for(DATABASE),
        # Twenty sign-ins at once from one address: make sure django-axes locks nobody.
        "DJANGO_AXES_FAILURE_LIMIT": "1000",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    print(f"Building {DATABASE} at scale 1...", flush=True)
    fresh_database(DATABASE)
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    run([sys.executable, "manage.py", "make_synthetic", "--scale", "1"], env=env)
    psql(DATABASE, "VACUUM ANALYZE")
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "riskreg.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    results = {}
    try:
        wait_until_up(f"{host}/healthz")
        with tempfile.TemporaryDirectory() as folder:
            for name, classes in PHASES:
                results[name] = locust_phase(name, classes, host, env, Path(folder))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if os.environ.get("BENCH_KEEP_DATABASES") != "1":
            run(["dropdb", *PG, "--if-exists", DATABASE], capture_output=True)

    print("\n| phase / page | requests | req/s | p50 ms | p95 ms | failures |\n|---|---:|---:|---:|---:|---:|")
    for name, result in results.items():
        rows = [(name, result["total"])]
        if name in ("journeys", "open data API"):
            rows += [(f"  {page}", figures) for page, figures in sorted(result["pages"].items())]
        for label, f in rows:
            p50, p95 = f"{f['p50_ms']:.0f}", f"{f['p95_ms']:.0f}"
            print(f"| {label} | {f['requests']} | {f['rps']} | {p50} | {p95} | {f['failures']} |")
    register = results["register"]["pages"]["register"]["rps"]
    minimal = results["minimal"]["pages"]["minimal view"]["rps"]
    admin = results["admin changelist"]["pages"]["admin changelist"]["rps"]
    ratio = register / minimal if minimal else 0.0
    failures = sum(r["total"]["failures"] for r in results.values())
    print(
        f"\nRegister {register} req/s vs minimal view {minimal} req/s: {ratio:.2f} "
        f"({'met' if ratio >= REGISTER_SHARE else 'MISSED'}: at least {REGISTER_SHARE}). Failures: {failures} "
        f"({'met' if failures == 0 else 'MISSED'}: none). Admin changelist of the same rows: {admin} req/s "
        f"({admin / minimal if minimal else 0:.2f} of the minimal view)."
    )
    # The anonymous phases make no sign-in requests: a phase's total is its pages'.
    shares = {}
    for name in ("public performance page", "open data API"):
        total = results[name]["total"]
        shares[name] = total["rps"] / minimal if minimal else 0.0
        met = shares[name] >= PUBLIC_SHARE and total["failures"] == 0
        print(
            f"{name[0].upper()}{name[1:]} (anonymous): {total['rps']} req/s, {shares[name]:.2f} of the minimal view, "
            f"{total['failures']} failures ({'met' if met else 'MISSED'}: at least {PUBLIC_SHARE}, none)."
        )
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {**machine(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
                "setup": {
                    "server": "gunicorn riskreg.wsgi --workers 2 (sync), same machine as locust",
                    "database": f"{DATABASE}, make_synthetic --scale 1",
                    "users": USERS,
                    "seconds_per_phase": SECONDS,
                    "think_time": 0,
                },
                "phases": results,
                "register_to_minimal_ratio": round(ratio, 3),
                "admin_changelist_to_minimal_ratio": round(admin / minimal if minimal else 0.0, 3),
                "public_page_to_minimal_ratio": round(shares["public performance page"], 3),
                "open_data_api_to_minimal_ratio": round(shares["open data API"], 3),
                "failures": failures,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"Wrote {RESULTS.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
