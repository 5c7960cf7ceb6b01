"""A quarter as published for the public: a snapshot of exactly what the public may see,
and its page rendered once from it. The performance pages, their downloads and the
open data API read only these."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from commitments.models import ReportingPeriod


class PublicReleaseQuerySet(models.QuerySet):
    def newest_first(self):
        return self.select_related("period").order_by("-period__financial_year", "-period__quarter")

    def listed(self):
        """Without the snapshot and the page: what a list of the published quarters needs."""
        return self.newest_first().defer("content", "body", "shown")

    def for_url(self, fy: str, q: str):
        period = ReportingPeriod.objects.from_url(fy, q)
        return self.filter(period=period).select_related("period").first() if period else None


class PublicRelease(models.Model):
    """What the public sees of a quarter. Publishing it again (or marking one of its items
    OFFICIAL-SENSITIVE) replaces the snapshot with a new version; the history keeps every one."""

    period = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="public_release")
    version = models.PositiveSmallIntegerField(default=1)
    content = models.JSONField(help_text="The public snapshot, as built by public.snapshot.build_snapshot.")
    body = models.TextField(help_text="The quarter's page, rendered once from the snapshot.")
    # Which register rows the snapshot shows, by kind ("commitment", "update", "kpi_value"):
    # never published, only read to find the quarters an item newly marked sensitive is on.
    shown = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True, help_text="Why this version was published.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PublicReleaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body"])

    class Meta:
        ordering = ["period"]

    def __str__(self):
        return f"{self.period.label} for the public (version {self.version})"
