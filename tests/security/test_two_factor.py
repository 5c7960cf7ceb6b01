import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    # The general suite runs with DJANGO_ADMIN_2FA=false; production has it on.
    settings.ADMIN_2FA_REQUIRED = True


@pytest.fixture
def admin_device(register_admin):
    return TOTPDevice.objects.create(user=register_admin, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"


def sign_in(client, username="admin"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_an_admin_who_signed_in_with_a_password_cannot_reach_home_without_a_code(client, admin_device):
    sign_in(client)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/two-factor/?next=%2F"


def test_every_page_but_the_two_factor_pages_and_sign_out_waits_for_the_code(client, admin_device):
    sign_in(client)

    assert client.get("/admin/riskreg/user/")["Location"].startswith("/sign-in/two-factor/?next=")
    assert client.get(reverse("two_factor")).status_code == 200
    assert client.post(reverse("logout"))["Location"] == "/sign-in/"


def test_the_code_page_asks_for_the_code_as_its_heading(client, admin_device):
    sign_in(client)

    response = client.get(reverse("two_factor"), {"next": "/"})

    content = response.content.decode()
    assert "<title>Enter the code from your authenticator app" in content
    assert re.search(r"<h1[^>]*>\s*<label[^>]*>\s*Enter the code from your authenticator app", content)
    assert 'autocomplete="one-time-code"' in content
    assert 'inputmode="numeric"' in content


def test_a_correct_code_lets_the_admin_in_and_back_to_the_page_they_asked_for(client, admin_device):
    sign_in(client)

    response = client.post(reverse("two_factor"), {"code": code_for(admin_device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_shows_an_error_and_keeps_the_admin_out(client, admin_device):
    sign_in(client)

    response = client.post(reverse("two_factor"), {"code": wrong_code_for(admin_device), "next": "/"})

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("The code is not correct. Enter the code the app shows now") == 2  # summary and field
    assert "<title>Error: Enter the code" in content
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the 6 digits the app shows, for example 123456, or an 8-character backup code"),
        ("abcdef", "Enter the 6 digits the app shows, for example 123456, or an 8-character backup code"),
    ],
)
def test_a_missing_or_malformed_code_says_what_to_enter(client, admin_device, code, error):
    sign_in(client)

    response = client.post(reverse("two_factor"), {"code": code})

    assert error in response.content.decode()


def test_quick_repeated_wrong_codes_are_slowed_down(client, admin_device):
    sign_in(client)
    client.post(reverse("two_factor"), {"code": wrong_code_for(admin_device)})

    # Even the right code is refused straight after a wrong one (django-otp throttling).
    response = client.post(reverse("two_factor"), {"code": code_for(admin_device)})

    assert "You entered too many wrong codes. Wait" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_works_once(client, admin_device):
    sign_in(client)
    code = code_for(admin_device)
    client.post(reverse("two_factor"), {"code": code})
    client.post(reverse("logout"))
    sign_in(client)

    response = client.post(reverse("two_factor"), {"code": code})

    assert "The code is not correct" in response.content.decode()


def test_an_admin_without_an_app_is_sent_to_set_one_up_and_sees_the_secret(client, register_admin):
    sign_in(client)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/sign-in/two-factor/set-up/?next=%2F"
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=register_admin)
    assert not device.confirmed
    secret = response.context["secret"]
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    assert secret in content
    assert "otpauth://totp/Risk%20register%3Aadmin?secret=" in content
    assert 'src="data:image/svg+xml' in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_reloading_the_set_up_page_keeps_the_same_secret(client, register_admin):
    sign_in(client)

    first = client.get(reverse("two_factor_set_up")).context["secret"]
    second = client.get(reverse("two_factor_set_up")).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=register_admin).count() == 1


def test_setting_up_with_a_correct_code_confirms_the_app_and_lets_the_admin_in(client, register_admin):
    sign_in(client)
    client.get(reverse("two_factor_set_up"))
    device = TOTPDevice.objects.get(user=register_admin)

    response = client.post(reverse("two_factor_set_up"), {"code": code_for(device), "next": "/"})

    # Then the backup codes, once, with the way on to the page they asked for.
    assert response["Location"] == reverse("two_factor_backup_codes") + "?next=%2F"
    codes_page = client.get(response["Location"]).content.decode()
    assert 'href="/">Continue' in codes_page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_setting_up_with_a_wrong_code_shows_an_error(client, register_admin):
    sign_in(client)
    client.get(reverse("two_factor_set_up"))
    device = TOTPDevice.objects.get(user=register_admin)

    response = client.post(reverse("two_factor_set_up"), {"code": wrong_code_for(device)})

    assert "The code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_an_admin_with_an_app_cannot_set_up_another(client, admin_device):
    sign_in(client)

    response = client.get(reverse("two_factor_set_up"), {"next": "/"})

    assert response["Location"] == "/sign-in/two-factor/?next=%2F"


def test_the_page_to_return_to_must_be_on_this_site(client, admin_device):
    sign_in(client)

    response = client.post(reverse("two_factor"), {"code": code_for(admin_device), "next": "https://evil.example/"})

    assert response["Location"] == "/"


@pytest.mark.parametrize("client_fixture", ["client_as_officer", "client_as_smt_lead", "client_as_committee"])
def test_people_who_are_not_register_admins_are_not_asked_for_a_code(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert client.get("/").status_code == 200
    assert client.get(reverse("two_factor"))["Location"] == "/"


def test_with_the_setting_off_admins_are_not_asked_for_a_code(client_as_admin, settings):
    settings.ADMIN_2FA_REQUIRED = False

    assert client_as_admin.get("/").status_code == 200


def test_public_pages_stay_open_before_the_code(client, admin_device):
    sign_in(client)

    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/riskreg.css").status_code == 200
