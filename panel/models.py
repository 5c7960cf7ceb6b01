"""The quarter's delivery report to the Police and Crime Panel: its meeting and
introduction, and the versions presented, each frozen with its page and files."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from commitments.models import ReportingPeriod

DEFAULT_PANEL_NAME = "Police and Crime Panel"
DEFAULT_TITLE = "Delivery of the Police and Crime Plan"


class PanelReportQuerySet(models.QuerySet):
    def get_by_natural_key(self, financial_year, quarter):
        return self.get(period__financial_year=financial_year, period__quarter=quarter)


class PanelReport(models.Model):
    """The words around the quarter's report that the admin writes. The commitments,
    statuses, counts and KPIs come from the register (panel.report) and are frozen into
    a PublishedPanelReport when the report is presented."""

    period = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="panel_report")
    panel_name = models.CharField("the Panel's name", max_length=200, default=DEFAULT_PANEL_NAME)
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200, default=DEFAULT_TITLE)
    introduction = models.TextField(
        blank=True, help_text="Before the policy areas. Separate paragraphs with a blank line."
    )

    objects = PanelReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__financial_year", "-period__quarter"]

    def __str__(self):
        return f"{self.title}, {self.period.label}"

    def natural_key(self):
        return self.period.natural_key()

    natural_key.dependencies = ["commitments.reportingperiod"]


class PublishedPanelReportQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-version")


class PublishedPanelReport(models.Model):
    """A report as presented to the Panel: its content frozen, and its page rendered
    once from it, so later edits to the register change neither it nor its files.
    A correction is a new version with a reason."""

    report = models.ForeignKey(PanelReport, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField()
    content = models.JSONField(help_text="The report as built by panel.report.build_panel_report.")
    heading = models.JSONField(help_text="The content's small values (HEADING_KEYS) the page around the body shows.")
    body = models.TextField(help_text="The report's sections as HTML, rendered once from the content.")
    correction_reason = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PublishedPanelReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body", "heading"])

    class Meta:
        ordering = ["report", "version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="one_panel_report_version_number"),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(correction_reason=""),
                name="panel_report_correction_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.report} (version {self.version})"


# The content's small values that the page around the report and the files' names show.
HEADING_KEYS = ["committee", "meeting_date", "agenda_item", "title", "period", "previous"]


def heading_of(content: dict) -> dict:
    return {key: content[key] for key in HEADING_KEYS}


class PublishedPanelFile(models.Model):
    """A download of a published version, rendered once and kept: what the Panel was sent."""

    version = models.ForeignKey(PublishedPanelReport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=40, help_text="The download's name in its address, e.g. report.pdf.")
    content = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "name"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="one_panel_file_per_name_per_version")]

    def __str__(self):
        return f"{self.name} of {self.version}"
