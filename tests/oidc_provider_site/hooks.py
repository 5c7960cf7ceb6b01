"""The provider's claims, and (for the tests) ID tokens that are wrong on purpose:
the test writes a mode to OIDC_TEST_MODE_FILE before the flow, and the real provider
signs what this hook returns with its real key."""

import time

from django.conf import settings


def userinfo(claims, user):
    claims["email"] = user.email
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["preferred_username"] = user.username
    return claims


def id_token(id_token, user, **kwargs):
    id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
    path = settings.OIDC_TEST_MODE_FILE
    mode = path.read_text().strip() if path.exists() else ""
    if mode == "wrong-audience":
        id_token["aud"] = "another-application"
    elif mode == "expired":
        id_token["iat"] = int(time.time()) - 7200
        id_token["exp"] = int(time.time()) - 3600
    elif mode == "wrong-nonce":
        id_token["nonce"] = "a-nonce-from-another-sign-in"
    return id_token
