"""The register's rendered table, cached until anything it shows changes.

Rendering a hundred rows and the filter form was most of the register's time, and the
register is the page everyone opens (`make loadtest`). Its body is the same for every
reader with the same filters, apart from what register admins see in addition, so it is
kept under the register's version, the reader's kind and the query string; any save or
delete of a model the register shows gives the version a new token. Writes that skip
model signals (bulk_create, queryset.update(), SQL) must call register_changed(); the
timeout bounds the damage if one forgets.
"""

import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from commitments.models import (
    Commitment,
    CommitmentPolicyArea,
    Plan,
    PolicyArea,
    RegisterVersion,
    ReportingPeriod,
    StatusUpdate,
)
from riskreg.signals import register_restored

TIMEOUT = 300


def register_changed() -> None:
    if not RegisterVersion.objects.filter(pk=1).update(token=uuid.uuid4()):
        RegisterVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def _changed(sender, update_fields=None, **kwargs):
    # A sign-in saves the user's last_login: nothing the register shows.
    if sender is get_user_model() and update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    register_changed()


def connect_signals() -> None:
    for model in (Plan, PolicyArea, ReportingPeriod, Commitment, CommitmentPolicyArea, StatusUpdate, get_user_model()):
        post_save.connect(_changed, sender=model, dispatch_uid=f"register-changed-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"register-changed-delete-{model._meta.label}")
    register_restored.connect(lambda **kwargs: register_changed(), weak=False, dispatch_uid="register-changed-restored")


def _key(request) -> str:
    version = RegisterVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    reader = "admin" if request.user.is_register_admin() else "reader"
    return f"commitments:register:{version}:{reader}:{request.GET.urlencode()}"


def cached_body(request, render_body) -> tuple[str, bool]:
    """(the register's body, whether its filters had errors); render_body() makes it on a miss.

    render_body returns (html, has_errors); a body with errors is not kept.
    """
    key = _key(request)
    body = cache.get(key)
    if body is not None:
        return body, False
    body, has_errors = render_body()
    if not has_errors:
        cache.set(key, body, TIMEOUT)
    return body, has_errors
