"""The new sign-in and people pages in Chromium: axe-clean, and reflowing at 320 px."""

import pytest

from commitments.models import Contribution
from riskreg.roles import Role
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_320px(page) -> list:
    """What sticks out of a 320 px wide window (nothing, when the page reflows)."""
    page.set_viewport_size({"width": 320, "height": 900})
    page.reload()
    wide = page.evaluate(
        "document.documentElement.scrollWidth <= 320 ? [] : [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 320).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    return wide


def check(page, url):
    page.goto(url)
    assert axe_violations(page) == [], url
    assert fits_320px(page) == [], url


def test_the_admins_people_pages(page, live_server, register_admin, officer):
    UserFactory(username="invited", password="!unusable")
    sign_in(page, live_server, "admin")

    for path in ["/people/", f"/people/{officer.pk}/", "/people/invite/", "/account/"]:
        check(page, f"{live_server.url}{path}")
    # The activity table's reflow is the tables' own work (another change); axe only here.
    page.goto(f"{live_server.url}/activity/?kind=sign-ins")
    assert axe_violations(page) == []


def test_an_invitation_with_errors_shows_the_error_summary(page, live_server, register_admin):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/people/invite/")

    page.get_by_role("button", name="Send the invitation").click()

    assert page.title().startswith("Error: ")
    assert "Enter their email address" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []


def test_the_password_reset_pages(page, live_server):
    for path in ["/sign-in/forgotten/", "/sign-in/forgotten/sent/", "/sign-in/reset/MQ/not-a-token/"]:
        check(page, f"{live_server.url}{path}")


def test_the_no_role_page(page, live_server, register_admin):
    UserFactory(username="newcomer")
    sign_in(page, live_server, "newcomer")

    assert "You do not have a role in the risk register yet" in page.inner_text("main")
    check(page, f"{live_server.url}/")


def test_the_partners_pages(page, live_server, commitment):
    partner = UserFactory(username="wmp", role=Role.PARTNER)
    commitment.wmp_lead_user = partner
    commitment.save()
    sign_in(page, live_server, "wmp")

    for path in ["/contributions/", "/commitments/96/", "/commitments/96/2025-26/q3/contribute/"]:
        check(page, f"{live_server.url}{path}")
    page.get_by_label("Your contribution to this quarter's update").fill("Forty speed operations.")
    page.get_by_role("button", name="Save and send to the officer lead").click()
    page.wait_for_url(f"{live_server.url}/commitments/96/")
    assert Contribution.objects.get().text == "Forty speed operations."
