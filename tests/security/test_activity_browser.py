"""The activity page in a browser: reached from the navigation, filtered, accessible."""

import pytest

from commitments.models import StatusUpdate
from riskreg.roles import Role
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import StatusUpdateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_filters_the_activity_and_the_page_has_no_axe_violations(page, live_server, commitment, periods):
    UserFactory(username="boss", role=Role.REGISTER_ADMIN)
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], narrative="First words")
    update._history_user = commitment.officer_lead
    update.narrative = "Second words"
    update.state = StatusUpdate.State.SUBMITTED
    update.save()
    sign_in(page, live_server, "boss")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Activity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Activity"
    page.get_by_label("What").select_option(label="Status update")
    page.get_by_role("button", name="Apply filters").click()

    rows = page.get_by_role("row")
    assert rows.count() == 3  # the header, the change, the creation
    change = " ".join(rows.nth(1).inner_text().split())
    assert "Update: was First words → , now Second words" in change
    page.screenshot(path="/tmp/sec/activity.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_label("From").fill("2030-01-02")
    page.get_by_label("To").fill("2030-01-01")
    page.get_by_role("button", name="Apply filters").click()
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
