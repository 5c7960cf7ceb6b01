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
from contextlib import contextmanager

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
    from performance.models import PublicRelease
    from riskreg.models import User
    from risks.models import Risk

    officer = User.objects.get(username="synthetic-officer-0001")
    fy, q = period.financial_year_slug, period.quarter_slug
    # A commitment the officer leads: its page shows drafts and the full history too.
    ref = Commitment.objects.filter(plan=plan, officer_lead=officer).order_by("ref").values_list("ref", flat=True)[0]
    risk = Risk.objects.order_by("ref").values_list("ref", flat=True)[0]
    word = Commitment.objects.get(plan=plan, ref=ref).text.split()[1]
    paper = f"/committee/{fy}/{q}/"
    panel = f"/panel/{fy}/{q}/"  # make_synthetic publishes the Panel's report of the paper's quarter
    # Only an open quarter has a close page: the latest open one (make_synthetic opens the last).
    latest_open = ReportingPeriod.objects.open().order_by("financial_year", "quarter").last() or period
    open_quarter = f"{latest_open.financial_year_slug}/{latest_open.quarter_slug}"
    public = PublicRelease.objects.listed().first().period  # make_synthetic publishes the latest closed quarter
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
        # The open quarter's grid for an officer leading 40 rows, and one leading 356 (the
        # whole register at 1x), read and saved: see grid_pages.
        *grid_pages(plan, latest_open),
        ("risk register", "list", "committee", "/risks/"),
        ("risk", "html", "committee", f"/risks/{risk}/"),
        ("heat map", "html", "committee", "/risks/heatmap/"),
        ("quarter's meetings and window", "html", "admin", f"/periods/{fy}/{q}/"),
        ("task queue (admin)", "html", "admin", "/tasks-queue/"),
        ("accessibility statement", "html", "committee", "/accessibility/"),
        ("people (admin)", "list", "admin", "/people/"),
        ("sign-in record (admin)", "list", "admin", "/activity/?kind=sign-ins"),
        ("close the quarter (readiness)", "html", "admin", f"/periods/{open_quarter}/close/"),
        ("paper, published", "html", "committee", paper),
        ("paper, live view", "html", "admin", f"{paper}?live=1"),
        ("paper edit (admin)", "html", "admin", f"{paper}edit/"),
        ("paper PDF", "download", "committee", f"{paper}report.pdf"),
        ("paper DOCX", "download", "committee", f"{paper}report.docx"),
        ("paper XLSX", "download", "committee", f"{paper}report.xlsx"),
        ("paper red list CSV", "download", "committee", f"{paper}red-list.csv"),
        ("Word template (admin)", "html", "admin", "/committee/word-template/"),
        ("Panel report, published", "html", "committee", panel),
        ("Panel report, draft", "html", "admin", f"{panel}?draft=1"),
        ("Panel report PDF", "download", "committee", f"{panel}report.pdf"),
        ("Panel report DOCX", "download", "committee", f"{panel}report.docx"),
        ("Panel report XLSX", "download", "committee", f"{panel}report.xlsx"),
        ("Panel report commitments CSV", "download", "committee", f"{panel}commitments.csv"),
        # Without sign-in: the public page of the published quarter, and the open data API's list.
        (
            "public performance page",
            "html",
            "anonymous",
            f"/performance/{public.financial_year_slug}/{public.quarter_slug}/",
        ),
        ("open data API: commitments", "download", "anonymous", f"/api/v1/quarters/{public.slug}/commitments"),
        # The staff API with a token: every commitment's visible updates, 100 at a time.
        ("staff API: commitments (token)", "download", "token", "/api/v1/staff/commitments?limit=100"),
    ]


# Rows of the grid pages: a realistic lead, and the demo officer who once led every commitment.
GRID_ROWS = (40, 356)


def grid_pages(plan, period):
    """(name, kind, user, url, (period, rows, post)): each read, or saved whole, by an
    officer who leads `rows` commitments only inside a rolled-back transaction (leading)."""
    url = f"/commitments/mine/{period.financial_year_slug}/{period.quarter_slug}/grid/"
    return [
        (
            f"update grid, {rows} rows{', save all' if post else ''} (officer)",
            "html",
            "officer",
            url,
            (period, rows, post),
        )
        for rows in GRID_ROWS
        for post in (False, True)
    ]


@contextmanager
def leading(plan, period, rows: int):
    """synthetic-officer-0001 leads the first `rows` active commitments, none yet updated in
    `period` (so every scale saves the same rows), until the block ends: every other page
    sees the data as make_synthetic made it."""
    from django.db import transaction

    from commitments.models import Commitment, StatusUpdate
    from riskreg.models import User

    officer = User.objects.get(username="synthetic-officer-0001")
    with transaction.atomic():
        refs = list(Commitment.objects.in_plan(plan).active().order_by("ref").values_list("ref", flat=True)[:rows])
        led = Commitment.objects.in_plan(plan).filter(ref__in=refs)
        led.update(officer_lead=officer)
        StatusUpdate.objects.filter(commitment__in=led, period=period).delete()
        yield officer
        transaction.set_rollback(True)


def grid_post(officer, plan, period) -> dict:
    """Every row written and saved as a draft: what "Save all" posts."""
    from commitments.grid import Grid

    data = {"save": ""}
    for row in Grid.load(officer, plan, period).rows:
        data |= {
            f"{row.prefix}-version": row.version,
            f"{row.prefix}-rag": "green",
            f"{row.prefix}-narrative": f"Synthetic bench update for commitment {row.ref}.",
        }
    return data


DAILY_JOB = "daily job (reminders, every kind due)"
# The daily job's runs timed per scale: at 100x it writes a reminder for each of about a
# thousand people, a second or more each run.
JOB_REPEATS = int(os.environ.get("BENCH_JOB_REPEATS", "5"))


class _RolledBack(Exception):
    pass


def daily_job(repeats: int = JOB_REPEATS) -> dict:
    """Time the daily job (notices.reminders, what `manage.py send_reminders` runs) on a day
    when every kind of reminder is due in the latest open quarter: past the officers'
    deadline by more than the escalation's working days and past the review deadline.

    Each run is rolled back, so each one finds the same people due. Its emails are queued
    for the worker (the queue of the database, as in production), not sent: the job's own
    cost. Also counted: the job's queries on a day nobody is due, so that what the people
    reminded add is (queries - base) / people."""
    import datetime

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    from commitments.models import ReportingPeriod
    from commitments.windows import working_days_before
    from notices.models import Notice
    from notices.reminders import reminders_send

    period = ReportingPeriod.objects.open().order_by("financial_year", "quarter").last()
    today = period.end_date + datetime.timedelta(days=60)
    review = working_days_before(today, 2)
    deadline = working_days_before(review, 5)

    def run(day) -> tuple[float, int, int]:
        try:
            with transaction.atomic():
                ReportingPeriod.objects.filter(pk=period.pk).update(
                    opens_on=deadline - datetime.timedelta(days=30), officer_deadline=deadline, review_deadline=review
                )
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    reminders_send(today=day)
                    took = (time.perf_counter() - start) * 1000
                people = Notice.objects.filter(day=day).count()
                raise _RolledBack((took, len(queries.captured_queries), people))
        except _RolledBack as done:
            return done.args[0]

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        _, base, _ = run(deadline - datetime.timedelta(days=60))  # before any reminder is due
        first_ms, queries, people = run(today)
        samples = [run(today)[0] for _ in range(repeats)]
    return {
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95(samples), 1),
        "queries": queries,
        "queries_nobody_due": base,
        "people": people,
        "queries_per_person": round((queries - base) / people, 2) if people else None,
        "requests": repeats,
        "samples_ms": [round(sample, 2) for sample in samples],
    }


def clients():
    from django.test import Client

    from api.services import token_create
    from riskreg.models import User

    made = {}
    for kind in ("officer", "smt", "committee", "admin"):
        client = Client()
        client.force_login(User.objects.get(username=f"synthetic-{kind}-0001"))
        made[kind] = client
    made["anonymous"] = Client()
    raw = token_create(name="bench", by=User.objects.get(username="synthetic-officer-0001"))[1]
    made["token"] = Client(headers={"Authorization": f"Bearer {raw}"})
    return made


def p95(samples: list[float]) -> float:
    """Nearest rank: the value below which 95% of the samples fall (the 19th of 20)."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(client, url: str, *, uncached: bool = False, data: dict | None = None) -> dict:
    """Time one page; `uncached` empties Django's cache before every request. With `data`,
    time a POST of it instead, each rolled back so that every POST saves the same rows."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    forget = cache.clear if uncached else lambda: None

    def request():
        if data is None:
            return client.get(url)
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        return response

    # A saved grid redirects to itself; the page again would mean a row was refused.
    expected = 200 if data is None else 302
    first_ms = None
    for _ in range(WARM_UP):
        forget()
        start = time.perf_counter()
        response = request()
        # The first request pays for anything cached afterwards (a published paper's files).
        first_ms = first_ms or (time.perf_counter() - start) * 1000
        if response.status_code != expected:
            raise SystemExit(f"{url} answered {response.status_code}")
    forget()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    # Read now: the next request's request_started signal empties the query log.
    query_count = len(queries.captured_queries)
    samples = []
    for _ in range(REPEATS):
        forget()
        start = time.perf_counter()
        request()
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
    for name, kind, user, url, *grid in pages(plan, period):
        if (KINDS and kind not in KINDS) or (ONLY and not any(word in name for word in ONLY)):
            continue
        started = time.perf_counter()
        # HTML pages without their cache: the cost for the first reader after a change.
        uncached = kind in ("html", "list")
        if grid:
            grid_period, rows, post = grid[0]
            with leading(plan, grid_period, rows) as officer:
                data = grid_post(officer, plan, grid_period) if post else None
                figures = measure(by_user[user], url, uncached=uncached, data=data)
        else:
            figures = measure(by_user[user], url, uncached=uncached)
        results.append({"page": name, "kind": kind, "user": user, "url": url, **figures})
        print(
            f"  {name:<38} {figures['median_ms']:>9.1f} {figures['p95_ms']:>9.1f} {figures['queries']:>4}"
            f"  ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
    if (not KINDS or "command" in KINDS) and (not ONLY or any(word in DAILY_JOB for word in ONLY)):
        figures = daily_job()
        results.append({"page": DAILY_JOB, "kind": "command", "user": "", "url": "manage.py send_reminders", **figures})
        print(
            f"  {DAILY_JOB:<38} {figures['median_ms']:>9.1f} {figures['p95_ms']:>9.1f} {figures['queries']:>4}",
            file=sys.stderr,
        )
    json.dump({"plan": plan.title, "counts": counts(), "pages": results}, sys.stdout)


if __name__ == "__main__":
    main()
