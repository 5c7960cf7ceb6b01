"""The Panel's report in a browser: an admin publishes it, a committee member reads it;
every page passes axe and reflows at 320 px, the charts beside their tables."""

import pytest
from django.core.management import call_command

from committee.demo import DEMO_FIXTURES
from tests.browser.helpers import axe_violations, sign_in
from tests.browser.test_reflow import TOO_WIDE
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = "/panel/2025-26/q2/"


@pytest.fixture
def demo(db):
    from riskreg.models import User

    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()


def _reflows(page) -> list:
    wide = []
    for width in (320, 640):
        page.set_viewport_size({"width": width, "height": 800})
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            wide.append((width, page.evaluate(TOO_WIDE)))
    page.set_viewport_size({"width": 1024, "height": 800})
    return wide


def test_an_admin_publishes_the_report_and_a_member_reads_it_and_every_page_passes_axe_and_reflows(
    page, live_server, demo, task_queue
):
    # The real queue, as in production: the publish queues the PDF and Word file for the worker
    # and answers. Run as queued, the PDF was rendered inside the click (over 10 s in CI).
    sign_in(page, live_server, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panel reports").click()
    assert axe_violations(page) == [] and _reflows(page) == []
    page.get_by_role("link", name="2025/26 Q2").click()
    assert "Draft: built from the register" in page.inner_text("main")
    assert axe_violations(page) == [] and _reflows(page) == []
    page.get_by_role("link", name="Edit the meeting and introduction").click()
    assert page.get_by_label("Meeting date").input_value() == "2025-12-15"
    assert axe_violations(page) == [] and _reflows(page) == []
    page.goto(f"{live_server.url}{REPORT}publish/")
    assert axe_violations(page) == [] and _reflows(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the report").click()
    assert "Version 1 of the 2025/26 Q2 Panel report is published." in page.inner_text(".govuk-notification-banner")

    page.context.clear_cookies()
    sign_in(page, live_server, "committee")
    page.goto(f"{live_server.url}{REPORT}")
    main = page.inner_text("main")
    assert "As presented to the Police and Crime Panel on 15 December 2025." in main
    chart = page.get_by_role("img", name="VAWG: commitments by status in Q2")
    assert chart.is_visible()
    # On a wide screen the table is beside its chart, not under it.
    table = page.locator("#area-1-statuses")
    assert table.bounding_box()["x"] > chart.bounding_box()["x"] + chart.bounding_box()["width"] - 1
    assert axe_violations(page) == [] and _reflows(page) == []
    page.goto(f"{live_server.url}{REPORT}?draft=1")
    assert axe_violations(page) == [] and _reflows(page) == []
