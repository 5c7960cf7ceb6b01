from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from riskreg.throttling import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT = (
    "Too many failed sign-in attempts. Try again in 15 minutes, or ask a register admin to unlock your account."
)


def _sign_in(client, username="officer", password="not-the-password", address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_each_wrong_password_before_the_limit_shows_the_usual_error(client, officer):
    for _ in range(4):
        response = _sign_in(client)

        assert response.status_code == 200
        assert b"Enter a correct username and password" in response.content


def test_the_fifth_wrong_password_locks_the_sign_in_with_a_clear_page(client, officer):
    for _ in range(4):
        _sign_in(client)

    response = _sign_in(client)

    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED_OUT in content
    assert "<title>Error: Sign in" in content
    assert 'class="govuk-error-summary"' in content
    # The page is the site's, not axes' bare text, and it offers no form to keep trying.
    assert 'class="govuk-template__body"' in content
    assert 'name="password"' not in content


def test_a_locked_out_person_cannot_sign_in_even_with_the_right_password(client, officer):
    for _ in range(5):
        _sign_in(client)

    response = _sign_in(client, password=PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_lockout_is_for_one_username_from_one_address(client, officer, smt_lead):
    for _ in range(5):
        _sign_in(client)

    # A colleague behind the same office address signs in as usual...
    assert _sign_in(client, username="smt", password=PASSWORD)["Location"] == "/"
    client.post(reverse("logout"))
    # ...and so does the locked person from another address.
    assert _sign_in(client, password=PASSWORD, address="198.51.100.7")["Location"] == "/"


def test_after_the_cool_off_time_the_person_can_sign_in_again(client, officer):
    for _ in range(5):
        _sign_in(client)

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

    assert _sign_in(client, password=PASSWORD)["Location"] == "/"


def test_a_right_password_clears_the_earlier_failures(client, officer):
    for _ in range(4):
        _sign_in(client)
    _sign_in(client, password=PASSWORD)
    client.post(reverse("logout"))

    for _ in range(4):
        assert _sign_in(client).status_code == 200


def test_the_limit_and_cool_off_come_from_the_settings(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_MINUTES = 30

    _sign_in(client)
    response = _sign_in(client)

    assert response.status_code == 429
    assert "Try again in 30 minutes" in response.content.decode()


def test_without_a_cool_off_time_the_page_says_to_ask_an_admin(client, officer, settings):
    settings.AXES_COOLOFF_MINUTES = 0
    settings.AXES_COOLOFF_TIME = None

    for _ in range(4):
        _sign_in(client)
    response = _sign_in(client)

    assert "Too many failed sign-in attempts. Ask a register admin to unlock your account." in response.content.decode()


def test_behind_a_load_balancer_the_address_it_appended_is_the_clients(settings):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.44")

    # The left entry is whatever the client claimed; the right one the balancer saw.
    assert client_ip(request) == "192.0.2.44"


def test_without_a_load_balancer_forwarded_headers_are_ignored(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "192.0.2.44"


def test_the_test_clients_force_login_still_works(client_as_admin):
    assert client_as_admin.get("/").status_code == 200
