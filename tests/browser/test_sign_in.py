import pytest

from riskreg.roles import Role
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_the_home_page_has_no_axe_violations(page, live_server, role):
    user = UserFactory(username="someone", first_name="Pat", last_name="Example", role=role)

    sign_in(page, live_server, user.username)

    # A partner contributor's home is the list of their commitments.
    heading = "Your commitments" if role == Role.PARTNER else "Risk register"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert f"Signed in as Pat Example ({role})" in page.inner_text(".govuk-phase-banner")
    assert axe_violations(page) == []


def test_sign_in_page_shows_an_error_summary_for_a_wrong_password(page, live_server):
    UserFactory(username="someone")

    sign_in(page, live_server, "someone", password="not the password")

    assert page.title().startswith("Error: ")
    assert "Enter a correct username and password" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []


def test_sign_out_returns_to_sign_in_with_the_keyboard(page, live_server):
    UserFactory(username="someone", role=Role.OFFICER)
    sign_in(page, live_server, "someone")

    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/sign-in/")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/?next=/")
