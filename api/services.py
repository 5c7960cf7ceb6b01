"""Creating and revoking a person's API tokens, and finding the person a token names."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from api.models import PREFIX_LENGTH, ApiToken, new_raw_token, token_hash

# last_used is written at most this often: not a write on every API request.
LAST_USED_EVERY = timedelta(minutes=5)


def may_have_tokens(user) -> bool:
    """Everyone who reads the registers: the staff API gives them what their pages do."""
    return user.is_authenticated and (
        user.is_register_admin() or user.is_smt_lead() or user.is_officer() or user.is_committee_member()
    )


@transaction.atomic
def token_create(*, name: str, by) -> tuple[ApiToken, str]:
    """A new token for `by`, and its text, which is shown once and never stored."""
    if not may_have_tokens(by):
        raise PermissionDenied
    raw = new_raw_token()
    token = ApiToken(user=by, name=name.strip(), key_hash=token_hash(raw), prefix=raw[:PREFIX_LENGTH])
    token._history_user = by
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk and not by.is_register_admin():
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = by
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str):
    """The active person an active token belongs to, or None."""
    token = ApiToken.objects.active().select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
