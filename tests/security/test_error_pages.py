import logging
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

UNAVAILABLE = "The register is temporarily unavailable"


def _site_look(content: str) -> bool:
    return 'class="govuk-template__body"' in content and "govuk-frontend.min.css" in content


@pytest.fixture
def database_down():
    """Every query fails as it does when PostgreSQL is down or unreachable."""
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused"),
    ):
        yield


@pytest.fixture
def quiet_client(client):
    # Let the test see the response Django sends, not the exception it logged.
    client.raise_request_exception = False
    return client


def test_signing_in_answers_503_in_the_sites_look_when_the_database_is_down(quiet_client, officer, database_down):
    response = quiet_client.post("/sign-in/", {"username": "officer", "password": "any"})

    assert response.status_code == 503
    content = response.content.decode()
    assert UNAVAILABLE in content
    assert _site_look(content)
    assert "Traceback" not in content and "Connection refused" not in content
    assert response["Retry-After"] == "60"


def test_a_signed_in_persons_page_answers_503_when_the_session_cannot_be_read(client_as_officer, database_down):
    # Session and user are read by middleware before any view: the outage is found there.
    client_as_officer.raise_request_exception = False

    response = client_as_officer.get("/")

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("url", ["/test/database-gone/", "/test/database-interface-gone/"])
def test_a_view_losing_the_database_answers_503_and_logs_one_line(client_as_officer, caplog, url):
    with caplog.at_level(logging.ERROR, logger="riskreg.middleware"):
        response = client_as_officer.get(url)

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "riskreg.middleware"]
    assert record.getMessage().startswith("Database unavailable: ")
    assert record.status_code == 503
    assert record.request.path == url


def test_the_503_page_carries_the_security_headers(client_as_officer, database_down):
    client_as_officer.raise_request_exception = False

    response = client_as_officer.get("/")

    assert response.status_code == 503
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_register_recovers_once_the_database_answers_again(client_as_officer):
    client_as_officer.raise_request_exception = False
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("connection refused")
    ):
        assert client_as_officer.get("/").status_code == 503

    assert client_as_officer.get("/").status_code == 200


def test_connections_are_health_checked_so_a_restarted_database_is_reconnected():
    # Django checks a kept connection at the start of each request and reconnects if
    # it is broken: no restart of the app servers after a database restart.
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_the_404_page_for_a_signed_in_person_is_in_the_sites_look(client_as_officer):
    response = client_as_officer.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "<title>Page not found – Risk register" in content
    assert "If you typed the web address, check it is correct." in content
    assert _site_look(content)
    assert "Sign out" in content  # the header of a signed-in page


def test_the_404_page_is_shown_to_visitors_who_are_not_signed_in(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Sign out" not in response.content.decode()


def test_a_forbidden_page_shows_the_403_page(client_as_committee):
    response = client_as_committee.get("/test/forbidden/")

    assert response.status_code == 403
    content = response.content.decode()
    assert "You do not have permission to see this page" in content
    assert _site_look(content)


def test_a_bad_request_shows_the_400_page(client_as_officer):
    response = client_as_officer.get("/test/bad-request/")

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


def test_an_unexpected_error_shows_the_500_page_without_details(client_as_officer):
    client_as_officer.raise_request_exception = False

    response = client_as_officer.get("/test/broken/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the register" in content
    assert _site_look(content)
    assert "SECRET-DETAIL" not in content and "Traceback" not in content


def test_a_form_sent_without_its_csrf_token_shows_the_sites_page(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post("/sign-out/")

    assert response.status_code == 403
    content = response.content.decode()
    assert "Your form could not be sent" in content
    assert _site_look(content)
