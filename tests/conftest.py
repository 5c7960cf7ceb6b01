import os
import shutil

import pytest

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
