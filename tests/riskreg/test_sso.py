"""Single sign-on against a real OpenID Connect provider: django-oidc-provider in its own
process (tests/oidc_provider_site, served by gunicorn on a free port), driven through the
real redirect, sign-in at the provider, code exchange and token validation.

Tokens that must be refused are made by the real provider too, signed with its real key:
its ID-token hook (tests/oidc_provider_site/hooks.py) gives them the wrong audience, an
expiry in the past or another sign-in's nonce. A bad signature needs a token the provider
would never sign: a small proxy in front of its token endpoint alters the signature of
the real token in transit, as a man in the middle would."""

import http.server
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from riskreg.models import SignInEvent
from riskreg.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.mail import free_port
from tests.oidc_provider_site import run, setup

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider's address, serving until the module's tests end."""
    data = str(tmp_path_factory.mktemp("oidc-provider"))
    port = free_port()
    run.set_up(port, "http://testserver", data)
    process = run.serve(port, data, stdout=run.subprocess.DEVNULL, stderr=run.subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the identity provider did not start")
            time.sleep(0.2)
    yield {"url": url, "mode_file": run.Path(data) / "mode"}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso(provider, settings):
    """The register configured as the documented set-up does: issuer, client, role map."""
    settings.RISKREG_OIDC_ISSUER = f"{provider['url']}/openid"
    settings.OIDC_RP_CLIENT_ID = setup.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = setup.CLIENT_SECRET
    settings.RISKREG_OIDC_ROLE_MAP = setup.ROLE_MAP
    settings.SSO_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "riskreg.sso.SSOBackend"]
    provider["mode_file"].write_text("")
    yield provider
    provider["mode_file"].write_text("")


def sign_in_at_provider(client, provider, username, next_url="/"):
    """Start at the register, sign in at the provider, and come back: the callback's answer."""
    start = client.get(reverse("sso_start"), {"next": next_url})
    assert start.status_code == 302 and start["Location"].startswith(provider["url"])
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False)
    login_url = provider["url"] + to_login.headers["Location"]
    browser.get(login_url)
    signed_in = browser.post(
        login_url,
        data={
            "username": username,
            "password": setup.PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
    )
    back = browser.get(provider["url"] + signed_in.headers["Location"], allow_redirects=False)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("sso_callback"), back.headers["Location"]
    return client.get(f"{callback.path}?{callback.query}"), f"{callback.path}?{callback.query}"


def refused(response) -> bool:
    page = response.content.decode()
    return (
        response.status_code == 403
        and "You could not be signed in with your work account" in page
        and 'class="govuk-template__body"' in page
    )


def test_without_configuration_there_is_no_single_sign_on(client):
    assert b"Sign in with your work account" not in client.get(reverse("login")).content
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback")).status_code == 404


def test_the_sign_in_page_offers_the_work_account_when_configured(client, sso):
    assert b"Sign in with your work account" in client.get(reverse("login")).content


def test_a_first_sign_in_creates_the_person_with_their_mapped_role_and_a_readable_username(client, sso):
    response, _ = sign_in_at_provider(client, sso, "sso.officer", next_url="/risks/")

    assert response.status_code == 302 and response["Location"] == "/risks/"
    person = User.objects.get(username="sso.officer")
    assert (person.email, person.first_name, person.last_name) == ("sso.officer@opcc.example.org", "Olu", "Adeyemi")
    assert person.role_names() == (Role.OFFICER,)
    assert person.sso_subject and not person.has_usable_password()
    assert person.signs_in_with() == "Single sign-on"
    assert client.get("/risks/").status_code == 200
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SIGNED_IN)
    assert (event.user, event.method) == (person, SignInEvent.Method.SSO)


def test_a_person_whose_groups_map_to_no_role_gets_an_account_with_no_role(client, sso):
    response, _ = sign_in_at_provider(client, sso, "sso.newcomer")

    assert response["Location"] == "/"
    assert User.objects.get(username="sso.newcomer").role_names() == ()
    assert b"You do not have a role in the risk register yet" in client.get("/").content


def test_roles_given_in_the_site_that_the_map_does_not_name_are_kept(client, sso):
    sign_in_at_provider(client, sso, "sso.smt")
    person = User.objects.get(username="sso.smt")
    person.groups.add(person.groups.model.objects.get(name=Role.COMMITTEE_MEMBER))
    client.post(reverse("logout"))

    sign_in_at_provider(Client(), sso, "sso.smt")

    assert set(User.objects.get(pk=person.pk).role_names()) == {Role.SMT_LEAD, Role.COMMITTEE_MEMBER}


def test_an_invited_person_is_matched_by_email_and_keeps_their_account(client, sso):
    invited = UserFactory(username="olu", email="SSO.Officer@opcc.example.org", password="!unusable")

    sign_in_at_provider(client, sso, "sso.officer")

    invited.refresh_from_db()
    assert invited.sso_subject
    assert User.objects.filter(email__iexact="sso.officer@opcc.example.org").count() == 1


def test_a_deactivated_person_is_refused(client, sso):
    sign_in_at_provider(Client(), sso, "sso.officer")
    User.objects.filter(username="sso.officer").update(is_active=False)

    response, _ = sign_in_at_provider(client, sso, "sso.officer")

    assert refused(response)
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_REFUSED, detail__contains="deactivated").exists()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong-audience", "wrong audience"),
        ("expired", "Signature has expired"),
        ("wrong-nonce", "Nonce verification failed"),
    ],
)
def test_a_token_the_register_must_not_accept_is_refused_and_nothing_is_created(client, sso, mode, reason):
    sso["mode_file"].write_text(mode)
    people = User.objects.count()

    response, _ = sign_in_at_provider(client, sso, "sso.officer")

    assert refused(response)
    assert User.objects.count() == people
    assert "_auth_user_id" not in client.session
    [event] = SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_REFUSED)
    assert reason in event.detail


class SignatureBreakingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards the token request to the provider and alters the ID token's signature."""

    target = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = requests.post(
            self.target, data=body, headers={"Content-Type": self.headers["Content-Type"]}, timeout=10
        ).json()
        header, payload, signature = answer["id_token"].split(".")
        answer["id_token"] = ".".join(
            [header, payload, signature[:-6] + ("AAAAAA" if signature[-6:] != "AAAAAA" else "BBBBBB")]
        )
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_token_with_a_bad_signature_is_refused_and_nothing_is_created(client, sso, settings):
    SignatureBreakingProxy.target = f"{sso['url']}/openid/token"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SignatureBreakingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.RISKREG_OIDC_TOKEN_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    people = User.objects.count()
    try:
        response, _ = sign_in_at_provider(client, sso, "sso.officer")
    finally:
        server.shutdown()

    assert refused(response)
    assert User.objects.count() == people
    assert "verification failed" in SignInEvent.objects.get(kind=SignInEvent.Kind.SSO_REFUSED).detail


def test_a_replayed_callback_is_refused_in_the_same_browser_and_in_another(client, sso):
    first, callback = sign_in_at_provider(client, sso, "sso.officer")
    assert first.status_code == 302
    client.post(reverse("logout"))

    again = client.get(callback)
    elsewhere = Client()
    stolen = elsewhere.get(callback)

    assert refused(again) and refused(stolen)
    assert "_auth_user_id" not in client.session and "_auth_user_id" not in elsewhere.session
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_REFUSED).count() == 2


def test_a_callback_with_a_forged_state_is_refused(client, sso):
    client.get(reverse("sso_start"))  # this browser holds a state of its own
    people = User.objects.count()

    response = client.get(reverse("sso_callback"), {"code": "a-guessed-code", "state": "a-forged-state"})

    assert refused(response)
    assert User.objects.count() == people


def test_an_error_from_the_provider_is_refused_with_the_page(client, sso):
    response = client.get(reverse("sso_callback"), {"error": "access_denied", "state": "x"})

    assert refused(response)
    assert "access_denied" in SignInEvent.objects.get(kind=SignInEvent.Kind.SSO_REFUSED).detail


def test_signing_out_ends_the_providers_session_too(client, sso):
    sign_in_at_provider(client, sso, "sso.officer")

    response = client.post(reverse("logout"))

    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso['url']}/openid/end-session"
    assert parse_qs(location.query)["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert "id_token_hint" in parse_qs(location.query)
    assert "_auth_user_id" not in client.session


def test_local_accounts_keep_working_beside_single_sign_on(client, sso, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})

    assert response["Location"] == "/"
    assert client.post(reverse("logout"))["Location"] == "/sign-in/"


def test_a_password_sign_in_works_while_the_provider_is_unreachable(client, settings, officer):
    settings.RISKREG_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/openid"  # nothing listens there
    settings.OIDC_RP_CLIENT_ID = setup.CLIENT_ID
    settings.SSO_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "riskreg.sso.SSOBackend"]

    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    # The work-account button answers a page saying what went wrong, not an error.
    assert refused(client.get(reverse("sso_start")))
