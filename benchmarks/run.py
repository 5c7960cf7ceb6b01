"""`make bench`: build synthetic data at each scale, time every page, check the targets.

    python -m benchmarks.run            # scales 1, 10 and 100
    python -m benchmarks.run 1 10       # other scales

For each scale it creates a fresh PostgreSQL database (riskreg_bench_<scale> on
127.0.0.1:5432, user postgres, trust auth), migrates it, fills it with
`manage.py make_synthetic --scale N`, analyses it, and runs benchmarks.measure
against it in a process of its own. Then it prints one table, checks the targets
and writes benchmarks/results.json. Set BENCH_KEEP_DATABASES=1 to keep the databases.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import commands
from benchmarks.measure import p95

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
DEFAULT_SCALES = ["1", "10", "100"]
# Timed requests per page, after 3 warm-up requests. Twice the 20: a shared
# two-core machine's speed drifts by a third between rounds, and the checks compare pages
# within a few milliseconds of each other.
REPEATS = 40
ROUNDS = 8  # HTML pages: REPEATS split over this many interleaved rounds
# The daily job, per person it writes a reminder to: a savepoint and its release, the
# notice, its queued email and the once-a-quarter reminders it records.
JOB_QUERIES_PER_PERSON = 6

# The environment of every process the bench starts: production-like settings
# (debug off, manifest-free static files), plain HTTP, and the bench URLconf.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "DJANGO_SECURE": "false",
    "DJANGO_PLAIN_STATIC": "true",
    "DJANGO_ADMIN_2FA": "false",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def database_name(scale: str) -> str:
    return "riskreg_bench_" + scale.replace(".", "_")


def env_for(database: str) -> dict:
    return {**os.environ, **BENCH_ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}


def run(command: list[str], env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=BASE_DIR, env=env, check=True, **kwargs)


def psql(database: str, sql: str) -> str:
    return run(["psql", *PG, "-qtA", "-d", database, "-c", sql], capture_output=True, text=True).stdout.strip()


def fresh_database(database: str) -> None:
    run(["dropdb", *PG, "--if-exists", database], capture_output=True)
    run(["createdb", *PG, database])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": psql("postgres", "show server_version"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def build(scale: str) -> dict:
    """A fresh database with the synthetic data of the scale."""
    database = database_name(scale)
    env = env_for(database)
    print(f"\n== scale {scale}: building {database}", flush=True)
    fresh_database(database)
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env)
    started = time.perf_counter()
    run([sys.executable, "manage.py", "make_synthetic", "--scale", scale], env=env)
    build_seconds = round(time.perf_counter() - started, 1)
    # Fresh statistics and visibility map, as autovacuum would leave a live database.
    psql(database, "VACUUM ANALYZE")
    print(f"   built in {build_seconds} s", flush=True)
    return {"database": database, "build_seconds": build_seconds}


def measure(scale: str, kinds: str, repeats: int) -> dict:
    print(f"-- scale {scale}, {kinds}: median, p95 ms, queries", flush=True)
    env = {**env_for(database_name(scale)), "BENCH_KINDS": kinds, "BENCH_REPEATS": str(repeats)}
    out = run([sys.executable, "-m", "benchmarks.measure"], env=env, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def merge(rounds: list[dict]) -> list[dict]:
    """One row per page from several rounds: all samples pooled, the first round's first request."""
    pages = []
    for first in rounds[0]["pages"]:
        same = [next(p for p in r["pages"] if p["page"] == first["page"]) for r in rounds]
        samples = [sample for page in same for sample in page["samples_ms"]]
        counts = sorted({page["queries"] for page in same})
        pages.append(
            {
                **{k: v for k, v in first.items() if k not in ("samples_ms", "median_ms", "p95_ms", "requests")},
                "median_ms": round(statistics.median(samples), 1),
                "p95_ms": round(p95(samples), 1),
                "requests": len(samples),
                # Differing counts between rounds would mean a page's queries depend on state.
                "queries": counts[0] if len(counts) == 1 else counts,
            }
        )
    return pages


def bench(scales: list[str]) -> dict:
    """Build every scale, then time the pages in interleaved rounds (1x, 10x, 100x, 1x, ...)
    so that other load on the machine falls on every scale alike. Downloads, which have no
    time target and whose first request can take a minute, are timed once per scale."""
    results = {scale: build(scale) for scale in scales}
    load_before = os.getloadavg()[0]
    rounds = {scale: [] for scale in scales}
    for number in range(1, ROUNDS + 1):
        print(f"\n== round {number} of {ROUNDS}", flush=True)
        for scale in scales:
            rounds[scale].append(measure(scale, "baseline,list,html,cached", REPEATS // ROUNDS))
    print("\n== downloads and the daily job", flush=True)
    for scale in scales:
        downloads = measure(scale, "download,command", REPEATS)
        results[scale].update(
            plan=downloads["plan"],
            counts=downloads["counts"],
            pages=merge(rounds[scale]) + merge([downloads]),
        )
    print("\n== imports and backups: seconds, peak memory", flush=True)
    only = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
    for scale in scales:
        print(f"-- scale {scale}", flush=True)
        database = results[scale]["database"]
        results[scale]["commands"] = commands.measure_all(env_for(database), database, only)
    for scale in scales:
        results[scale]["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        if os.environ.get("BENCH_KEEP_DATABASES") != "1":
            run(["dropdb", *PG, "--if-exists", results[scale]["database"]], capture_output=True)
    return results


def page_table(results: dict) -> list[str]:
    scales = list(results)
    head = "| page | " + " | ".join(f"{s}x median / p95 ms | {s}x queries" for s in scales) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(scales)]
    names = [page["page"] for page in results[scales[0]]["pages"]]
    for name in names:
        cells = []
        for scale in scales:
            page = next(p for p in results[scale]["pages"] if p["page"] == name)
            timing = f"{page['median_ms']:.1f} / {page['p95_ms']:.1f}"
            if page["kind"] == "download":
                # A published paper's files are rendered by the first request, then cached.
                timing += f" (first {page['first_ms']:.0f})"
            if page["kind"] == "command":
                timing += f" ({page['people']} people)"
            cells += [timing, str(page["queries"])]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def command_table(results: dict) -> list[str]:
    scales = list(results)
    lines = ["| job | " + " | ".join(f"{s}x seconds / peak MB" for s in scales) + " |", "|---|" + "---:|" * len(scales)]
    names = [job["job"] for job in results[scales[0]].get("commands", [])]
    for name in names:
        cells = []
        for scale in scales:
            job = next((j for j in results[scale].get("commands", []) if j["job"] == name), None)
            cells.append(f"{job['seconds']:.1f} / {job['peak_mb']}" if job else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def check_targets(results: dict) -> list[dict]:
    """Each target, page by page: met or missed, with the figures that decide it."""
    scales = list(results)
    smallest, largest = scales[0], scales[-1]
    by_page = {scale: {page["page"]: page for page in results[scale]["pages"]} for scale in scales}
    checks = []
    for name, first in by_page[smallest].items():
        if first["kind"] == "command":
            # The daily job writes to each person due: its queries grow with them, by a
            # fixed number each, and not with the commitments they are reminded of.
            each = [by_page[s][name]["queries_per_person"] for s in scales]
            checks.append(
                {
                    "target": f"at most {JOB_QUERIES_PER_PERSON} queries per person reminded at every scale",
                    "page": name,
                    "met": all(q is not None and q <= JOB_QUERIES_PER_PERSON for q in each),
                    "figures": " / ".join(
                        f"{s}x: {by_page[s][name]['queries']} for {by_page[s][name]['people']} people" for s in scales
                    ),
                }
            )
            continue
        counts = [str(by_page[s][name]["queries"]) for s in scales]
        checks.append(
            {
                "target": "same query count at every scale",
                "page": name,
                "met": len(set(counts)) == 1 and "[" not in counts[0],
                "figures": " / ".join(f"{s}x: {c}" for s, c in zip(scales, counts, strict=True)),
            }
        )
        if first["kind"] in ("html", "list") and largest != smallest:
            small, large = first["median_ms"], by_page[largest][name]["median_ms"]
            checks.append(
                {
                    "target": f"{largest}x at most 2x the time at {smallest}x",
                    "page": name,
                    "met": large <= 2 * small,
                    "figures": f"{small:.1f} -> {large:.1f} ms ({large / small:.2f}x)",
                }
            )
        if first["kind"] == "list":
            for scale in scales:
                page, admin = (
                    by_page[scale][name]["median_ms"],
                    by_page[scale]["admin changelist, 100 rows"]["median_ms"],
                )
                checks.append(
                    {
                        "target": f"no slower than the admin changelist at {scale}x",
                        "page": name,
                        "met": page <= admin,
                        "figures": f"{page:.1f} vs {admin:.1f} ms",
                    }
                )
    return checks


def main(argv: list[str]) -> None:
    scales = argv or DEFAULT_SCALES
    started = time.perf_counter()
    info = machine()
    results = bench(scales)
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    checks = check_targets(results)
    print("\n" + "\n".join(page_table(results)))
    print(
        f"\nMachine: {info['nproc']} CPUs, {info['cpu']}, {info['memory_gib']} GiB; Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}; load average {info['load_average_at_start']} -> "
        f"{info['load_average_at_end']}"
    )
    print("\n" + "\n".join(command_table(results)))
    print("\nTargets:")
    for check in checks:
        print(f"  {'met   ' if check['met'] else 'MISSED'} {check['target']}: {check['page']} ({check['figures']})")
    missed = sum(not c["met"] for c in checks)
    print(f"\n{len(checks) - missed} of {len(checks)} checks met; bench took {time.perf_counter() - started:.0f} s.")
    RESULTS.write_text(
        json.dumps(
            {
                "machine": info,
                "method": {
                    "client": "django.test.Client in-process, signed in; time of the client call",
                    "warm_up_requests": 3,
                    "timed_requests": REPEATS,
                    "rounds": f"HTML pages in {ROUNDS} interleaved rounds of {REPEATS // ROUNDS}; downloads in one",
                    "p95": "nearest rank",
                    "settings": BENCH_ENV,
                },
                "scales": results,
                "targets": checks,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"Wrote {RESULTS.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main(sys.argv[1:])
