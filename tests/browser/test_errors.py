from unittest import mock

import pytest
from django.db.utils import OperationalError

from riskreg.roles import Role
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_404_page_for_a_signed_in_person_has_no_axe_violations(page, live_server):
    UserFactory(username="someone", role=Role.OFFICER)
    sign_in(page, live_server, "someone")

    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert axe_violations(page) == []


def test_the_locked_out_sign_in_page_has_no_axe_violations(page, live_server, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="someone")

    sign_in(page, live_server, "someone", password="not the password")
    sign_in(page, live_server, "someone", password="not the password")

    assert page.title().startswith("Error: Sign in")
    assert "Too many failed sign-in attempts. Try again in 15 minutes" in page.inner_text(".govuk-error-summary")
    assert page.get_by_label("Password").count() == 0
    assert axe_violations(page) == []


def test_the_two_factor_set_up_page_has_no_axe_violations(page, live_server, settings):
    settings.ADMIN_2FA_REQUIRED = True
    UserFactory(username="someone", role=Role.REGISTER_ADMIN)

    sign_in(page, live_server, "someone")

    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Set up two-factor sign-in")
    assert "Enter the 6-digit code" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []


def test_the_page_for_a_database_outage_has_no_axe_violations(page, live_server):
    UserFactory(username="someone", role=Role.OFFICER)
    sign_in(page, live_server, "someone")

    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("connection refused")
    ):
        response = page.goto(f"{live_server.url}/")

        assert response.status == 503
        assert page.get_by_role("heading", level=1).inner_text() == "The register is temporarily unavailable"
        assert axe_violations(page) == []
