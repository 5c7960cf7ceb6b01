"""The quarters of the UK financial year that updates and assessments belong to, and
the one way to name them: '2025/26 Q2' on the page, /2025-26/q2/ in an address."""

import datetime
import re

from django.db import models
from django.db.models import Q
from django.http import Http404
from simple_history.models import HistoricalRecords

_SLUG = re.compile(r"^(?P<year>\d{4})-(?P<next>\d{2})-q(?P<quarter>[1-4])$")
_LABEL = re.compile(r"^(?P<year>\d{4})/(?P<next>\d{2}) Q(?P<quarter>[1-4])$")


def parse_period(text: str, *, pattern=_SLUG) -> tuple[int, int] | None:
    """(year, quarter) from '2025-26-q2' (or, with pattern=LABEL, '2025/26 Q2'); None if malformed."""
    match = pattern.match(text.strip())
    if not match:
        return None
    year = int(match["year"])
    if int(match["next"]) != (year + 1) % 100:
        return None
    return year, int(match["quarter"])


def parse_period_label(text: str) -> tuple[int, int] | None:
    return parse_period(text, pattern=_LABEL)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


class ReportingPeriodQuerySet(models.QuerySet):
    def get_by_natural_key(self, financial_year, quarter):
        return self.get(financial_year=financial_year, quarter=quarter)

    def started(self):
        return self.exclude(status=ReportingPeriod.Status.UPCOMING)

    def previous_of(self, period):
        """The quarter before `period` (none, if the register lacks it), as a queryset: a
        subquery in another filter costs no query of its own."""
        return self.by_key(*period.previous_key)

    def open(self):
        """The quarters taking updates and assessments now."""
        return self.filter(status=ReportingPeriod.Status.OPEN)

    def by_key(self, year: int, quarter: int):
        return self.filter(financial_year=year, quarter=quarter)

    def for_register(self):
        """The quarter the register shows by default: the latest with approved updates,
        else the latest started."""
        from commitments.models import StatusUpdate  # defined after the quarter it belongs to

        approved = StatusUpdate.objects.approved().filter(period=models.OuterRef("pk"))
        reported = self.filter(models.Exists(approved)).order_by("-financial_year", "-quarter")
        return reported.first() or self.started().order_by("-financial_year", "-quarter").first()

    def from_url(self, fy: str, q: str):
        """The period of an address such as /2025-26/q2/, or None."""
        return self.from_slug(f"{fy}-{q}")

    def from_url_or_404(self, fy: str, q: str):
        """The period of an address such as /2025-26/q2/; a 404 page if there is none."""
        period = self.from_url(fy, q)
        if period is None:
            raise Http404("No such reporting period.")
        return period

    def from_slug(self, slug: str):
        """The period named by a URL slug such as '2025-26-q2', or None."""
        key = parse_period(slug)
        return self.by_key(*key).first() if key else None


class ReportingPeriod(models.Model):
    """A quarter of the UK financial year: Q1 is April to June."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Not yet open"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2025 for 2025/26.")
    quarter = models.PositiveSmallIntegerField(choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPCOMING)
    # The update window: counted back from the meetings the quarter reports to, and
    # changeable. Empty until an admin sets the meetings or the dates.
    opens_on = models.DateField("updates open", null=True, blank=True)
    officer_deadline = models.DateField("officers' deadline", null=True, blank=True)
    review_deadline = models.DateField("SMT leads' review deadline", null=True, blank=True)
    # Why the quarter was closed with updates outstanding; kept in its history.
    close_reason = models.TextField("reason for closing with updates outstanding", blank=True)

    objects = ReportingPeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "quarter"], name="one_period_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__range=(1, 4)), name="quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(officer_deadline__isnull=True)
                | Q(officer_deadline__gte=models.F("opens_on")),
                name="officer_deadline_after_window_opens",
            ),
            models.CheckConstraint(
                condition=Q(officer_deadline__isnull=True)
                | Q(review_deadline__isnull=True)
                | Q(review_deadline__gte=models.F("officer_deadline")),
                name="review_deadline_after_officer_deadline",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.financial_year, self.quarter)

    @property
    def key(self) -> tuple[int, int]:
        return (self.financial_year, self.quarter)

    @property
    def label(self) -> str:
        """'2025/26 Q2', as the OPCC writes it."""
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"

    @property
    def short_label(self) -> str:
        return f"Q{self.quarter}"

    @property
    def financial_year_slug(self) -> str:
        return f"{self.financial_year}-{(self.financial_year + 1) % 100:02d}"

    @property
    def quarter_slug(self) -> str:
        return f"q{self.quarter}"

    @property
    def slug(self) -> str:
        """'2025-26-q2', for URLs and query strings."""
        return f"{self.financial_year_slug}-q{self.quarter}"

    @property
    def start_date(self) -> datetime.date:
        month = 4 + 3 * (self.quarter - 1)
        return datetime.date(self.financial_year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end_date(self) -> datetime.date:
        year, month = self.start_date.year, self.start_date.month + 3
        if month > 12:
            year, month = year + 1, month - 12
        return datetime.date(year, month, 1) - datetime.timedelta(days=1)

    @property
    def previous_key(self) -> tuple[int, int]:
        return previous_quarter(self.financial_year, self.quarter)

    def previous(self, among=None) -> "ReportingPeriod | None":
        """The quarter before, or None if the register has none: from `among` when the
        caller has the periods loaded already (no query), else from the database."""
        if among is not None:
            return next((p for p in among if p.key == self.previous_key), None)
        return ReportingPeriod.objects.previous_of(self).first()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class MeetingQuerySet(models.QuerySet):
    def get_by_natural_key(self, financial_year, quarter, body):
        return self.get(period__financial_year=financial_year, period__quarter=quarter, body=body)


class Meeting(models.Model):
    """A meeting a quarter reports to: its update window is counted back from the earliest."""

    class Body(models.TextChoices):
        JOINT_AUDIT_COMMITTEE = "jac", "Joint Audit Committee"
        POLICE_AND_CRIME_PANEL = "pcp", "Police and Crime Panel"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="meetings")
    body = models.CharField(max_length=3, choices=Body.choices)
    date = models.DateField()

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "body"]
        constraints = [models.UniqueConstraint(fields=["period", "body"], name="one_meeting_per_body_and_quarter")]

    def __str__(self):
        return f"{self.get_body_display()}, {self.date:%-d %B %Y}"

    def natural_key(self):
        return (*self.period.natural_key(), self.body)

    natural_key.dependencies = ["commitments.reportingperiod"]
