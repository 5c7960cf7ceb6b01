import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.utils import OperationalError
from django.urls import reverse

from riskreg.roles import Role
from tests.commands import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_anonymous_visitor_is_sent_to_sign_in_from_the_admin(client):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_sign_in_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b"Sign in to the risk register" in response.content


def test_sign_in_with_the_right_password_lands_on_home(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "a-test-password-for-everyone"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_with_a_blank_form_names_each_missing_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    assert response.status_code == 200
    assert b"<title>Error: Sign in" in response.content
    assert b"Enter your username" in response.content
    assert b"Enter your password" in response.content


def test_sign_out_needs_a_post_and_ends_the_session(client_as_officer):
    assert client_as_officer.get(reverse("logout")).status_code == 405

    response = client_as_officer.post(reverse("logout"))

    assert response["Location"] == "/sign-in/"
    assert client_as_officer.get("/").status_code == 302


def test_healthz_answers_ok_without_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("riskreg.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_static_files_need_no_sign_in(client):
    # WhiteNoise answers before the sign-in check, as it does in production.
    response = client.get("/static/govuk/govuk-frontend.min.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_the_four_roles_exist_with_their_permissions():
    groups = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()} for g in Group.objects.all()
    }

    assert set(groups) == set(Role.values)
    # People are managed at /people/; the Django admin's user pages are for superusers.
    assert not any("riskreg.change_user" in held for held in groups.values())


@pytest.mark.parametrize(
    ("client_fixture", "sees_users_link"),
    [
        ("client_as_officer", False),
        ("client_as_smt_lead", False),
        ("client_as_committee", False),
        ("client_as_admin", False),
    ],
)
def test_navigation_offers_the_django_admins_user_pages_to_superusers_only(request, client_fixture, sees_users_link):
    response = request.getfixturevalue(client_fixture).get("/")

    assert response.status_code == 200
    assert (b">Users<" in response.content) is sees_users_link


@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [("client_as_officer", 302), ("client_as_smt_lead", 302), ("client_as_committee", 302), ("client_as_admin", 403)],
)
def test_nobody_but_superusers_manages_users_in_the_django_admin(request, client_fixture, status):
    response = request.getfixturevalue(client_fixture).get("/admin/riskreg/user/")

    assert response.status_code == status


def test_govuk_css_asset_urls_resolve_under_static():
    css = (ROOT / "static/govuk/govuk-frontend.min.css").read_text()
    urls = set(re.findall(r"url\(([^)]+)\)", css))

    assert urls, "expected the vendored CSS to reference assets"
    for url in urls:
        assert not url.startswith("/"), url
        assert (ROOT / "static/govuk" / url).exists(), url
    assert "GDS Transport" not in css


def test_production_settings_pass_the_deploy_check(collected_static):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**PRODUCTION, "DJANGO_STATIC_ROOT": str(collected_static)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_the_links_in_emails_would_point_at_this_machine(collected_static):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            **{key: value for key, value in PRODUCTION.items() if key != "RISKREG_SITE_URL"},
            "DJANGO_STATIC_ROOT": str(collected_static),
        },
    )

    assert result.returncode != 0
    assert "notices.W001" in result.stderr + result.stdout
    assert "RISKREG_SITE_URL is http://127.0.0.1:8000" in result.stderr + result.stdout


def test_the_deploy_check_refuses_production_without_an_smtp_server(collected_static):
    without_smtp = {key: value for key, value in PRODUCTION.items() if key != "RISKREG_SMTP_HOST"}
    result = run_manage(
        "check", "--deploy", env_overrides={**without_smtp, "DJANGO_STATIC_ROOT": str(collected_static)}
    )

    assert result.returncode != 0
    assert "mail.E001" in result.stderr + result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    result = run_manage("check", env_overrides={})

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_anyone_reads_the_accessibility_statement_without_signing_in(client, settings, django_assert_num_queries):
    settings.ACCESSIBILITY_CONTACT = "access@opcc.example.org"

    with django_assert_num_queries(0):
        response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Accessibility statement for the risk register" in content
    assert '<a class="govuk-link" href="mailto:access@opcc.example.org">access@opcc.example.org</a>' in content
    assert "Equality and Human Rights Commission" in content


def test_without_a_contact_the_accessibility_statement_says_to_tell_the_register_admin(client):
    content = client.get(reverse("accessibility")).content.decode()

    assert "mailto:" not in content
    assert "tell the register admin of the Office of the West Midlands Police and Crime Commissioner" in content


def test_every_page_footer_links_to_the_accessibility_statement(client_as_officer):
    content = client_as_officer.get("/").content.decode()

    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in content
