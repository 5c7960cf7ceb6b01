"""make_synthetic, the benchmarks' data: what it builds, and that the pages the bench
times run the same number of queries however much data there is."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.measure import clients as bench_clients
from benchmarks.measure import daily_job, pages
from benchmarks.run import JOB_QUERIES_PER_PERSON
from commitments.models import Commitment, Plan, ReportingPeriod, StatusUpdate
from committee.models import PublishedPaper
from notices.models import Notice
from panel.models import PublishedPanelReport
from riskreg.models import User
from risks.models import Assessment, Risk

pytestmark = pytest.mark.django_db


def make_synthetic(scale):
    call_command("make_synthetic", "--scale", str(scale), stdout=io.StringIO())


def test_builds_marked_synthetic_data_at_a_fraction_of_the_west_midlands():
    make_synthetic(0.05)

    plan = Plan.objects.current()
    assert plan.title == "Synthetic plan (scale 0.05)"
    commitments = Commitment.objects.filter(plan=plan)
    assert commitments.count() == 18  # 356 x 0.05
    assert all(text.startswith("Synthetic:") for text in commitments.values_list("text", flat=True))
    assert StatusUpdate.objects.filter(commitment__plan=plan).count() == 18 * 8
    assert Risk.objects.count() == 2 and Assessment.objects.count() == 2 * 8
    assert all(name.startswith("synthetic-") for name in User.objects.values_list("username", flat=True))
    quarters = [(p.label, p.status) for p in ReportingPeriod.objects.all()]
    assert quarters[0] == ("2024/25 Q1", "closed") and quarters[-1] == ("2025/26 Q4", "open")
    assert len(quarters) == 8
    assert PublishedPaper.objects.get().paper.period.label == "2025/26 Q3"
    assert PublishedPanelReport.objects.get().report.period.label == "2025/26 Q3"


def test_reuses_the_demo_quarters_and_becomes_the_current_plan():
    call_command("loaddata", "demo_users", "commitments", verbosity=0)

    make_synthetic(0.05)

    assert Plan.objects.current().title == "Synthetic plan (scale 0.05)"
    assert ReportingPeriod.objects.count() == 8
    # The demo's quarters keep their status: Q3 open, Q4 not yet open (so no updates in it).
    assert ReportingPeriod.objects.get(financial_year=2025, quarter=3).status == "open"
    assert not StatusUpdate.objects.filter(period__financial_year=2025, period__quarter=4).exists()


class _Discard(Exception):
    pass


def _queries_per_page(scale) -> dict[str, int]:
    """Build at `scale`, count each bench page's queries, then roll the data back."""
    counts = {}
    try:
        with transaction.atomic():
            make_synthetic(scale)
            period = PublishedPaper.objects.get().paper.period
            clients = bench_clients()
            for name, kind, user, url, *grid in pages(Plan.objects.current(), period):
                if name in ("paper PDF", "paper DOCX", "Panel report PDF", "Panel report DOCX"):
                    continue  # a published version's files read its snapshot; rendering them is slow
                if grid:
                    continue  # the grid pages set up their leads in a transaction of their own (measure.leading)
                clients[user].get(url)  # warm caches (content types, the published file)
                if kind in ("html", "list"):
                    cache.clear()  # as the bench times them: rendered, not served from the cache
                with CaptureQueriesContext(connection) as queries:
                    response = clients[user].get(url)
                assert response.status_code == 200, url
                counts[name] = len(queries)
            raise _Discard
    except _Discard:
        pass
    return counts


def test_every_page_the_bench_times_runs_the_same_queries_at_two_scales(settings):
    # Scales at which every list of the paper has rows: an empty list skips its prefetch
    # queries, which would be a difference in the data, not in the page.
    settings.ROOT_URLCONF = "benchmarks.urls"

    small, large = _queries_per_page(0.5), _queries_per_page(1)

    assert small == large


def _daily_job_at(scale) -> dict:
    try:
        with transaction.atomic():
            make_synthetic(scale)
            figures = daily_job(repeats=1)
            raise _Discard(figures)
    except _Discard as discarded:
        return discarded.args[0]


def test_the_daily_job_the_bench_times_reminds_people_with_a_fixed_number_of_queries_each():
    small, large = _daily_job_at(0.1), _daily_job_at(0.3)

    assert 0 < small["people"] < large["people"]
    assert small["queries_nobody_due"] == large["queries_nobody_due"]
    for figures in (small, large):
        assert figures["queries_per_person"] <= JOB_QUERIES_PER_PERSON
        assert Notice.objects.count() == 0  # each run was rolled back
