"""Two-factor sign-in for every role, and the one-time backup codes."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.security.test_two_factor import code_for


def next_code_for(device: TOTPDevice) -> str:
    """The code the app shows in the next 30 seconds: a code once used is refused again
    (django-otp), and django-otp accepts one step ahead."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + 1):06d}"


pytestmark = pytest.mark.django_db


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def set_up_app(client, user) -> list[str]:
    """Set up an authenticator app from the account page; the backup codes shown."""
    client.get(reverse("two_factor_set_up"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor_set_up"), {"code": code_for(device)})
    page = client.get(response["Location"]).content.decode()
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def test_an_officer_can_turn_on_two_factor_and_is_then_asked_for_a_code_at_every_sign_in(client, officer):
    sign_in(client, "officer")
    assert b"Set up two-factor sign-in" in client.get(reverse("account")).content

    codes = set_up_app(client, officer)
    client.post(reverse("logout"))
    sign_in(client, "officer")

    assert len(codes) == 10
    assert client.get("/")["Location"] == "/sign-in/two-factor/?next=%2F"
    device = TOTPDevice.objects.get(user=officer)
    assert client.post(reverse("two_factor"), {"code": next_code_for(device), "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_backup_codes_are_shown_once(client, officer):
    sign_in(client, "officer")
    set_up_app(client, officer)

    again = client.get(reverse("two_factor_backup_codes"))

    assert again["Location"] == reverse("account")


def test_a_backup_code_lets_you_in_once(client, officer):
    sign_in(client, "officer")
    [code, *_] = set_up_app(client, officer)
    client.post(reverse("logout"))

    sign_in(client, "officer")
    first = client.post(reverse("two_factor"), {"code": code.upper(), "next": "/"})
    client.post(reverse("logout"))
    sign_in(client, "officer")
    second = client.post(reverse("two_factor"), {"code": code, "next": "/"})

    assert first["Location"] == "/"
    assert second.status_code == 200
    assert "that backup code was already used" in second.content.decode()
    assert client.get("/").status_code == 302
    assert b"9 backup codes left" in _account_after_code(client, officer).content


def _account_after_code(client, user):
    client.post(reverse("two_factor"), {"code": next_code_for(TOTPDevice.objects.get(user=user))})
    return client.get(reverse("account"))


def test_new_backup_codes_replace_the_old_ones(client, officer):
    sign_in(client, "officer")
    old = set_up_app(client, officer)

    response = client.post(reverse("two_factor_backup_codes"))
    new = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(response["Location"]).content.decode())

    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_new_backup_codes_need_a_session_that_entered_a_code(client, officer):
    sign_in(client, "officer")
    set_up_app(client, officer)
    before = set(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("logout"))
    sign_in(client, "officer")

    response = client.post(reverse("two_factor_backup_codes"))

    assert response["Location"].startswith("/sign-in/two-factor/")
    assert set(StaticToken.objects.values_list("token", flat=True)) == before


def test_people_without_an_app_are_not_asked_for_a_code(client, officer):
    sign_in(client, "officer")

    assert client.get("/").status_code == 200
