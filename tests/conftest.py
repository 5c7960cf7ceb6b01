import os
import shutil

import pytest
from django.core.management import call_command

from committee.demo import DEMO_FIXTURES
from riskreg.roles import Role
from tests.factories import UserFactory

CHROMIUM = os.environ.get("RISKREG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def tasks_run_as_queued(settings):
    """Each task runs as it is queued (Django's ImmediateBackend), so a test that publishes
    a paper and downloads its PDF gets it. Tests of the worker itself ask for `task_queue`."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_queue(settings):
    """The real queue (the database's, as in production): tasks wait for a worker, run
    here with tests.commands.run_worker(). Its tests that run the worker need django_db(transaction=True)
    on PostgreSQL, where the worker's locks need committed rows."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: cached pages are keyed on database state
    that every test's rolled-back transaction brings back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled by the real collectstatic with production settings, as a
    deployment has it (riskreg.checks refuses production without one)."""
    from tests.commands import PRODUCTION, run_manage

    root = tmp_path_factory.mktemp("staticfiles")
    result = run_manage("collectstatic", "--no-input", env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(root)})
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def inbox(settings):
    """A real SMTP server that the site's email goes to (tests/mail.py)."""
    from tests.mail import smtp_inbox

    controller, inbox = smtp_inbox(settings)
    yield inbox
    controller.stop()


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", role=Role.OFFICER)


@pytest.fixture
def smt_lead(db):
    return UserFactory(username="smt", role=Role.SMT_LEAD)


@pytest.fixture
def committee_member(db):
    return UserFactory(username="committee", role=Role.COMMITTEE_MEMBER)


@pytest.fixture
def register_admin(db):
    return UserFactory(username="admin", role=Role.REGISTER_ADMIN, is_staff=True)


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def client_as_officer(client, officer):
    return _client_for(client, officer)


@pytest.fixture
def client_as_smt_lead(client, smt_lead):
    return _client_for(client, smt_lead)


@pytest.fixture
def client_as_committee(client, committee_member):
    return _client_for(client, committee_member)


@pytest.fixture
def client_as_admin(client, register_admin):
    return _client_for(client, register_admin)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session.

    Never skips under CI=true: a browser test that cannot find Chromium fails there.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def periods(db):
    """2025/26: Q1 and Q2 closed, Q3 open, Q4 not yet open (as in the demo data)."""
    from commitments.models import ReportingPeriod
    from tests.factories import ReportingPeriodFactory

    Status = ReportingPeriod.Status
    return {
        quarter: ReportingPeriodFactory(financial_year=2025, quarter=quarter, status=status)
        for quarter, status in [(1, Status.CLOSED), (2, Status.CLOSED), (3, Status.OPEN), (4, Status.UPCOMING)]
    }


@pytest.fixture
def commitment(officer, smt_lead, periods):
    """Commitment 96, led by the `officer` and `smt` users."""
    from tests.factories import CommitmentFactory

    return CommitmentFactory(
        ref=96,
        text="Increase enforcement against speeding including mobile speed enforcement",
        officer_lead=officer,
        smt_lead=smt_lead,
        areas=["Improving Road and Travel Safety"],
    )


@pytest.fixture
def demo(db):
    """The committee paper's data, as load_demo loads it, with the Q2 paper published as
    the web publishes it: its PDF and Word files are queued for the worker once the
    publish commits, which in a test's transaction is never; so their first download
    queues them, and the tests' backend renders them then (the publish_paper command
    renders them at once, and takes a few seconds longer)."""
    from committee.models import Paper
    from tests.committee.factories import PublishedPaperFactory

    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    PublishedPaperFactory(paper=Paper.objects.get(period__financial_year=2025, period__quarter=2))
