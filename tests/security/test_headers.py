"""What a person's browser receives: security headers and cookies on a signed-in page,
and the production settings that Django's deploy check looks at."""

import re

import pytest
from django.conf import settings

from tests.commands import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_a_signed_in_page_has_a_content_security_policy_without_unsafe_inline(client_as_officer):
    response = client_as_officer.get("/")

    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert "'self'" in csp["script-src"]
    assert not any("unsafe" in value for value in csp["script-src"] + csp["style-src"])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_the_one_inline_script_carries_the_nonce_of_the_policy(client_as_officer):
    response = client_as_officer.get("/")

    (nonce,) = [v for v in _directives(response["Content-Security-Policy"])["script-src"] if v.startswith("'nonce-")]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert inline_scripts == [f' nonce="{nonce[7:-1]}"']


def test_a_signed_in_page_cannot_be_framed_sniffed_or_leak_its_address(client_as_officer):
    response = client_as_officer.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_out_of_reach_of_scripts_and_other_sites(client, officer):
    from tests.factories import PASSWORD

    response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_sign_in_is_protected_against_cross_site_requests(officer):
    from django.test import Client

    from tests.factories import PASSWORD

    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "officer", "password": PASSWORD})

    assert response.status_code == 403


def test_passwords_are_checked_against_the_usual_rules():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]

    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def test_production_settings_with_two_factor_sign_in_pass_the_deploy_check(collected_static):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**PRODUCTION, "DJANGO_ADMIN_2FA": "true", "DJANGO_STATIC_ROOT": str(collected_static)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_asks_admins_for_a_code_and_throttles_sign_in_by_default():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.ADMIN_2FA_REQUIRED, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        env_overrides=PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "5", "0:15:00", "True", "True", "31536000"]
