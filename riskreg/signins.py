"""The sign-in record: every sign-in, failure, lockout, single sign-on refusal and
password step, for register admins on the activity page (riskreg.activity)."""

import datetime

from django.utils import timezone

from riskreg.models import SignInEvent
from riskreg.throttling import client_ip

Kind, Method = SignInEvent.Kind, SignInEvent.Method


def record(request, kind: str, *, username: str = "", user=None, method: str = Method.PASSWORD, detail: str = ""):
    return SignInEvent.objects.create(
        kind=kind,
        method=method,
        username=(username or (user.get_username() if user else ""))[:254],
        user=user if user is not None and user.pk else None,
        ip_address=client_ip(request) if request is not None else None,
        detail=detail[:300],
    )


def count_since(kind: str, since: datetime.timedelta, **match) -> int:
    return SignInEvent.objects.filter(kind=kind, when__gte=timezone.now() - since, **match).count()


def _method_of(user) -> str:
    # mozilla-django-oidc signs in through riskreg.sso's backend.
    return Method.SSO if "sso" in getattr(user, "backend", "") else Method.PASSWORD


def on_signed_in(sender, request, user, **kwargs):
    record(request, Kind.SIGNED_IN, user=user, method=_method_of(user))


def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, Kind.SIGNED_OUT, user=user)


def on_failed(sender, credentials, request=None, **kwargs):
    if "username" not in credentials:
        return  # a single sign-on that failed: riskreg.sso records it with its reason
    record(request, Kind.FAILED, username=str(credentials.get("username", "")), detail="Wrong username or password")


def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(request, Kind.LOCKED_OUT, username=str(username or ""), detail="Too many failed sign-in attempts")
