"""The public performance pages and the API's docs in a real browser: axe-clean, reflowing
at 320 px, printable; and the admin's publish and the KPI page."""

import pytest
from django.core.management import call_command

from commitments.models import ReportingPeriod
from committee.demo import DEMO_FIXTURES
from performance.services import release_publish
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 320"
    " && !e.closest('.riskreg-table-scroll'))"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
)


@pytest.fixture
def published(db):
    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)


def _reflows_and_is_axe_clean(page):
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.evaluate(WIDE)
    assert axe_violations(page) == []


def test_the_public_page_reads_without_sign_in_is_axe_clean_and_reflows(page, live_server, published):
    page.goto(f"{live_server.url}/performance/")

    assert page.get_by_role("heading", level=1).inner_text() == "Delivery of the plan: 2025/26 Q2"
    assert page.get_by_role("img", name="Victims satisfied with the service they received").count() == 1
    _reflows_and_is_axe_clean(page)
    page.emulate_media(media="print")
    assert page.locator("#downloads").is_hidden()


def test_the_api_docs_are_axe_clean_and_reflow(page, live_server, published):
    page.goto(f"{live_server.url}/api/v1/docs")

    assert "GET /api/v1/quarters/{period}/kpis" in page.inner_text("main")
    _reflows_and_is_axe_clean(page)


def test_an_admin_publishes_a_quarter_and_a_kpi_page_is_axe_clean(page, live_server, db):
    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    UserFactory(username="boss", role="Register admin", is_staff=True)
    sign_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/performance/publish/")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Publish for the public 2025/26 Q2").click()

    assert "2025/26 Q2 is published for the public (version 1)." in page.inner_text("main")
    page.goto(f"{live_server.url}/kpis/KPI01/")
    assert page.get_by_role("img", name="Victims satisfied with the service they received").count() == 1
    _reflows_and_is_axe_clean(page)
