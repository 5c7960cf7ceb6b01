"""Time every page against one database, in-process, and print the figures as JSON.

Run by benchmarks.run once per scale, with DATABASE_URL naming a database that
make_synthetic filled and DJANGO_SETTINGS_MODULE=benchmarks.settings. Each page is
requested with Django's test client by a signed-in user: a few warm-up requests,
one inside CaptureQueriesContext to count its queries, then REPEATS timed requests.
The time of the client call is the server-side time: middleware, view, queries and
rendering, without a network or a web server.
"""

import json
import math
import os
import statistics
import sys
import time

import django

WARM_UP = 3
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
# Comma-separated filters: only pages of these kinds (html, list, cached, download, baseline),
# only pages whose names contain one of these words.
KINDS = [kind.strip() for kind in os.environ.get("BENCH_KINDS", "").split(",") if kind.strip()]
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]


def pages(plan, period):
    """(name, kind, user, url): kind is html, list (an html list page), cached (a page
    timed with its cache kept), download or baseline."""
    from commitments.models import Commitment, ReportingPeriod
    from riskreg.models import User
    from risks.models import Risk

    officer = User.objects.get(username="synthetic-officer-0001")
    fy, q = period.financial_year_slug, period.quarter_slug
    # A commitment the officer leads: its page shows drafts and the full history too.
    ref = Commitment.objects.filter(plan=plan, officer_lead=officer).order_by("ref").values_list("ref", flat=True)[0]
    risk = Risk.objects.order_by("ref").values_list("ref", flat=True)[0]
    word = Commitment.objects.get(plan=plan, ref=ref).text.split()[1]
    paper = f"/committee/{fy}/{q}/"
    # Only an open quarter has a close page: the latest open one (make_synthetic opens the last).
    latest_open = ReportingPeriod.objects.open().order_by("financial_year", "quarter").last() or period
    open_quarter = f"{latest_open.financial_year_slug}/{latest_open.quarter_slug}"
    return [
        ("minimal view (floor)", "baseline", "officer", "/bench-ok/"),
        ("admin changelist, 100 rows", "baseline", "admin", "/admin/commitments/commitment/"),
        ("home task list (officer)", "html", "officer", "/"),
        ("home task list (SMT lead)", "html", "smt", "/"),
        ("home task list (admin)", "html", "admin", "/"),
        ("home (committee member)", "html", "committee", "/"),
        ("register", "list", "officer", "/commitments/"),
        # What most readers are served: the same page, its rendered body cached.
        ("register, served from the cache", "cached", "officer", "/commitments/"),
        # Green: a full page of 100 rows at every scale, so only the filtering differs.
        ("register, filtered: green in quarter", "list", "officer", f"/commitments/?period={period.slug}&rag=green"),
        ("register, filtered: text search", "list", "officer", f"/commitments/?q={word}"),
        ("commitment", "html", "officer", f"/commitments/{ref}/"),
        ("commitment edit (admin)", "html", "admin", f"/commitments/{ref}/edit/"),
        ("my commitments (officer)", "list", "officer", "/commitments/mine/"),
        ("my commitments (SMT lead)", "list", "smt", "/commitments/mine/"),
        ("update grid (officer)", "html", "officer", f"/commitments/mine/{fy}/{q}/grid/"),
        ("risk register", "list", "committee", "/risks/"),
        ("risk", "html", "committee", f"/risks/{risk}/"),
        ("heat map", "html", "committee", "/risks/heatmap/"),
        ("quarter's meetings and window", "html", "admin", f"/periods/{fy}/{q}/"),
        ("task queue (admin)", "html", "admin", "/tasks-queue/"),
        ("people (admin)", "list", "admin", "/people/"),
        ("sign-in record (admin)", "list", "admin", "/activity/?kind=sign-ins"),
        ("close the quarter (readiness)", "html", "admin", f"/periods/{open_quarter}/close/"),
        ("paper, published", "html", "committee", paper),
        ("paper, live view", "html", "admin", f"{paper}?live=1"),
        ("paper PDF", "download", "committee", f"{paper}report.pdf"),
        ("paper DOCX", "download", "committee", f"{paper}report.docx"),
        ("paper XLSX", "download", "committee", f"{paper}report.xlsx"),
        ("paper red list CSV", "download", "committee", f"{paper}red-list.csv"),
    ]


def clients():
    from django.test import Client

    from riskreg.models import User

    made = {}
    for kind in ("officer", "smt", "committee", "admin"):
        client = Client()
        client.force_login(User.objects.get(username=f"synthetic-{kind}-0001"))
        made[kind] = client
    return made


def p95(samples: list[float]) -> float:
    """Nearest rank: the value below which 95% of the samples fall (the 19th of 20)."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(client, url: str, *, uncached: bool = False) -> dict:
    """Time one page; `uncached` empties Django's cache before every request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    forget = cache.clear if uncached else lambda: None

    first_ms = None
    for _ in range(WARM_UP):
        forget()
        start = time.perf_counter()
        response = client.get(url)
        # The first request pays for anything cached afterwards (a published paper's files).
        first_ms = first_ms or (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the next request's request_started signal empties the query log.
    query_count = len(queries.captured_queries)
    samples = []
    for _ in range(REPEATS):
        forget()
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95(samples), 1),
        "queries": query_count,
        "bytes": len(response.content),
        "requests": REPEATS,
        "samples_ms": [round(sample, 2) for sample in samples],
    }


def counts() -> dict:
    from commitments.models import Commitment, StatusUpdate
    from riskreg.models import User
    from risks.models import Assessment, Risk

    return {
        "commitments": Commitment.objects.count(),
        "status_updates": StatusUpdate.objects.count(),
        "risks": Risk.objects.count(),
        "assessments": Assessment.objects.count(),
        "users": User.objects.count(),
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    from commitments.models import Plan
    from committee.models import PublishedPaper

    plan = Plan.objects.current()
    if not plan.title.startswith("Synthetic plan"):
        raise SystemExit(f"The current plan is {plan.title!r}: run make_synthetic on this database first.")
    period = PublishedPaper.objects.select_related("paper__period").latest("published_at").paper.period
    by_user = clients()
    results = []
    for name, kind, user, url in pages(plan, period):
        if (KINDS and kind not in KINDS) or (ONLY and not any(word in name for word in ONLY)):
            continue
        started = time.perf_counter()
        # HTML pages without their cache: the cost for the first reader after a change.
        figures = measure(by_user[user], url, uncached=kind in ("html", "list"))
        results.append({"page": name, "kind": kind, "user": user, "url": url, **figures})
        print(
            f"  {name:<38} {figures['median_ms']:>9.1f} {figures['p95_ms']:>9.1f} {figures['queries']:>4}"
            f"  ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
    json.dump({"plan": plan.title, "counts": counts(), "pages": results}, sys.stdout)


if __name__ == "__main__":
    main()
