import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_skip_link_is_the_first_tab_stop_on_the_sign_in_page(page, live_server):
    page.goto(f"{live_server.url}/sign-in/")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_anyone_reads_the_accessibility_statement_from_the_footer_and_it_passes_axe(page, live_server):
    page.goto(f"{live_server.url}/sign-in/")

    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    page.wait_for_url(f"{live_server.url}/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement for the risk register"
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1, heading
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in page.inner_text("main")
    assert axe_violations(page) == []


@pytest.fixture
def demo_accounts(demo):
    from riskreg.models import User

    for user in User.objects.filter(username__in=["committee", "admin"]):
        user.set_password(PASSWORD)
        user.save()


def test_the_paginated_register_passes_axe_colour_contrast_included(page, live_server, demo_accounts):
    sign_in(page, live_server, "committee")

    page.goto(f"{live_server.url}/commitments/")

    assert "Page 1 of 4" in page.get_by_role("navigation", name="Pages").inner_text()
    assert page.get_by_role("link", name="Accessibility statement").is_visible()
    assert axe_violations(page) == []
