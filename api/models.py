"""A person's API tokens for the staff API: stored as a SHA-256 hash, shown once."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

TOKEN_BYTES = 32
PREFIX_LENGTH = 8


def token_hash(raw: str) -> str:
    # A token is 256 random bits, not a password: a fast hash cannot be searched back.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power BI dashboard'.")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=PREFIX_LENGTH, help_text="The token's first characters, to tell it apart.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_used"])

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
