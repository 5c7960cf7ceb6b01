"""Sign-in with the office's identity provider (OpenID Connect; Microsoft Entra ID is the
documented example), with mozilla-django-oidc doing the code flow.

On only when configured (settings.SSO_ENABLED: a client id and the provider's issuer or
endpoints). What this module adds to mozilla-django-oidc:

- the endpoints from the issuer's discovery document when they are not given one by one;
- the ID token's audience and issuer checked (mozilla-django-oidc checks its signature,
  expiry and nonce, but not its audience);
- people found by the provider's subject, then by email; a first sign-in creates the
  person with a readable username (preferred_username or email, not a hash) and no
  password, and no role unless the provider's groups map to one;
- roles from the groups claim through RISKREG_OIDC_ROLE_MAP; roles that the map does
  not name are left as register admins gave them in the site;
- every refusal recorded (riskreg.signins) and shown on a page in the site's look, with
  nothing created;
- sign-out that ends the provider's session too where it offers an end_session_endpoint.
"""

import functools
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from riskreg import signins

logger = logging.getLogger(__name__)

ENDPOINTS = {
    "authorization_endpoint": "RISKREG_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "RISKREG_OIDC_TOKEN_ENDPOINT",
    "userinfo_endpoint": "RISKREG_OIDC_USERINFO_ENDPOINT",
    "jwks_uri": "RISKREG_OIDC_JWKS_ENDPOINT",
    "end_session_endpoint": "RISKREG_OIDC_END_SESSION_ENDPOINT",
}


def enabled() -> bool:
    return settings.SSO_ENABLED


@functools.cache
def _discovered(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def endpoints() -> dict:
    """The provider's endpoints: each as given in the environment, or else from the
    issuer's discovery document (read once per process)."""
    given = {key: getattr(settings, name, "") for key, name in ENDPOINTS.items()}
    if settings.RISKREG_OIDC_ISSUER and not all(given[key] for key in ENDPOINTS if key != "end_session_endpoint"):
        found = _discovered(settings.RISKREG_OIDC_ISSUER)
        given = {key: given[key] or found.get(key, "") for key in ENDPOINTS}
    return given


def role_map() -> dict[str, str]:
    """RISKREG_OIDC_ROLE_MAP "group-id-1=officer,group-id-2=smt_lead" as {group id: role name}."""
    from riskreg.roles import ROLE_KEYS

    mapped = {}
    for item in settings.RISKREG_OIDC_ROLE_MAP.split(","):
        group_id, _, key = item.strip().partition("=")
        if group_id and key.strip() in ROLE_KEYS:
            mapped[group_id.strip()] = ROLE_KEYS[key.strip()]
    return mapped


class Refused(SuspiciousOperation):
    """A sign-in the register will not accept, with the reason for the record."""


class SSOBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # Django asks every backend at every sign-in (and this one for each request of a
        # single sign-on session): read the endpoints only for a callback, so that a
        # provider that is down never stops a password sign-in.
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None
        found = endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise Refused("The ID token was issued for another application (wrong audience)")
        issuer = settings.RISKREG_OIDC_ISSUER
        if issuer and payload.get("iss", "").rstrip("/") != issuer.rstrip("/"):
            raise Refused("The ID token was issued by another provider (wrong issuer)")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Entra ID puts the groups in the ID token, not in its userinfo answer: read both.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims):
        return bool(claims.get("sub")) and bool(claims.get("email") or claims.get("preferred_username"))

    def filter_users_by_claims(self, claims):
        by_subject = self.UserModel.objects.filter(sso_subject=claims["sub"])
        if by_subject.exists():
            return by_subject
        email = claims.get("email") or ""
        if not email:
            return self.UserModel.objects.none()
        # Someone an admin invited, or a local account: the provider vouches for the address.
        return self.UserModel.objects.filter(email__iexact=email, sso_subject="")

    def get_username(self, claims):
        return (claims.get("preferred_username") or claims.get("email")).strip().lower()

    @transaction.atomic
    def create_user(self, claims):
        username = self.get_username(claims)
        if self.UserModel.objects.filter(username__iexact=username).exists():
            raise Refused(f"The username {username} is taken by another account: ask a register admin")
        user = self.UserModel(
            username=username,
            email=(claims.get("email") or "").lower(),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            sso_subject=claims["sub"],
        )
        user.set_unusable_password()
        user.save()
        self._set_roles(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        changed = {}
        if not user.sso_subject:
            changed["sso_subject"] = claims["sub"]
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            if claims.get(claim) and getattr(user, field) != claims[claim][:150]:
                changed[field] = claims[claim][:150]
        if changed:
            for field, value in changed.items():
                setattr(user, field, value)
            user.save(update_fields=list(changed))
        self._set_roles(user, claims)
        return user

    def _set_roles(self, user, claims) -> None:
        """The roles the map names follow the provider's groups; the others stay as given."""
        mapping = role_map()
        if not mapping:
            return
        groups = claims.get(settings.RISKREG_OIDC_GROUPS_CLAIM) or []
        groups = groups if isinstance(groups, list) else [groups]
        wanted = {mapping[g] for g in groups if g in mapping}
        governed = set(mapping.values())
        held = set(user.groups.values_list("name", flat=True))
        if (held & governed) == wanted:
            return
        user.groups.remove(*Group.objects.filter(name__in=governed - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted))
        user.__dict__.pop("_role_names", None)

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation as error:
            # mozilla-django-oidc logs these and returns None: keep the reason to record.
            self.request.sso_refusal = str(error)
            raise


def refused_page(request, reason: str):
    signins.record(request, signins.Kind.SSO_REFUSED, method=signins.Method.SSO, detail=reason)
    logger.warning("Single sign-on refused: %s", reason)
    return render(request, "riskreg/sso_refused.html", status=403)


def _only_when_enabled(view):
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not set up.")
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


class SSOStartView(OIDCAuthenticationRequestView):
    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints()["authorization_endpoint"]
        except requests.RequestException as error:
            return refused_page(request, f"The identity provider could not be reached: {type(error).__name__}")
        return super().get(request)


class SSOCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            # jwt's errors: an expired token, a malformed one, one not yet valid.
            return refused_page(request, getattr(request, "sso_refusal", "") or str(error))
        except requests.RequestException as error:
            return refused_page(request, f"The identity provider could not be reached: {type(error).__name__}")

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            reason = f"{user.get_username()} is deactivated"
        elif self.request.GET.get("error"):
            reason = f"The identity provider answered: {self.request.GET['error'][:100]}"
        else:
            reason = getattr(self.request, "sso_refusal", "") or "The sign-in could not be completed"
        return refused_page(self.request, reason)


sso_start = _only_when_enabled(SSOStartView.as_view())
sso_callback = _only_when_enabled(SSOCallbackView.as_view())


def provider_logout_url(request) -> str | None:
    """The provider's end-session address, to end its session too, if it offers one."""
    end_session = endpoints()["end_session_endpoint"] if enabled() else ""
    id_token = request.session.get("oidc_id_token")
    if not end_session or not id_token:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    return f"{end_session}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': back})}"


@require_POST
def sign_out(request):
    """End this session; for a single sign-on, the provider's too where it offers that."""
    provider_url = provider_logout_url(request) if request.user.is_authenticated else None
    logout(request)
    return redirect(provider_url or settings.LOGOUT_REDIRECT_URL)
