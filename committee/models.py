from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from commitments.models import ReportingPeriod
from riskreg.marking import Marking

DEFAULT_PURPOSE = (
    "To provide members of the committee with oversight of the risk register for the Police and Crime Commissioner."
)
DEFAULT_RECOMMENDATION = "The Committee note the contents of the report and appendices."


# What a new quarter's paper copies from the quarter before's: the words that rarely
# change and the contact officer. The meeting and the narrative are the quarter's own.
CARRIED_FORWARD = [
    "committee_name",
    "protective_marking",
    "title",
    "purpose",
    "methodology",
    "delivery_introduction",
    "recommendation",
    "contact_name",
    "contact_title",
    "include_churn_appendix",
]


class PaperQuerySet(models.QuerySet):
    def get_by_natural_key(self, financial_year, quarter):
        return self.get(period__financial_year=financial_year, period__quarter=quarter)


class Paper(models.Model):
    """The quarter's Risk Management Update: its meeting, and the paragraphs officers write.

    The tables are not stored here: they are computed from the register (committee.report)
    and frozen into a PublishedPaper when the paper is presented.
    """

    period = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="paper")
    committee_name = models.CharField(max_length=200, default="Joint Audit Committee")
    meeting_date = models.DateField(null=True, blank=True)
    agenda_item = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200, default="OPCC Risk Management Update")
    # The Government Security Classification the paper carries: the items' markings (riskreg.marking).
    protective_marking = models.CharField(
        max_length=20,
        choices=Marking,
        default=Marking.OFFICIAL,
        help_text="Shown at the top and bottom of every page of the paper and its files.",
    )
    purpose = models.TextField(default=DEFAULT_PURPOSE, help_text="One paragraph per blank-line-separated block.")
    methodology = models.TextField(blank=True, help_text="Section 2: risk management methodology.")
    delivery_introduction = models.TextField(
        blank=True, help_text="Section 3, before the count of Red deliverables: how the plan is tracked."
    )
    statuses_assessed_in = models.CharField(
        max_length=50, blank=True, help_text="When the RAG statuses were marked, e.g. 'November 2025'."
    )
    delivery_narrative = models.TextField(blank=True, help_text="Section 3, after the Red list: themes and context.")
    recommendation = models.TextField(default=DEFAULT_RECOMMENDATION)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_title = models.CharField(max_length=200, blank=True)
    include_churn_appendix = models.BooleanField(
        "include the appendix of movement between quarters",
        default=True,
        help_text="Appendix 1: how many deliverables moved between Red, Amber and Green since the quarter before.",
    )
    # {section key: {risk ref: the paragraph the paper prints for it}}: the admin's words
    # instead of the sentence composed from the register (committee.sections). A risk
    # without one gets the composed sentence.
    risk_sentences = models.JSONField(default=dict, blank=True)

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__financial_year", "-period__quarter"]

    def __str__(self):
        return f"{self.title}, {self.period.label}"

    def natural_key(self):
        return self.period.natural_key()

    natural_key.dependencies = ["commitments.reportingperiod"]


class PublishedPaperQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-version")


class PublishedPaper(models.Model):
    """A paper as presented: its whole content frozen, so later edits to the register
    change neither it nor its downloads. A correction is a new version with a reason."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField()
    content = models.JSONField(help_text="The report as built by committee.report.build_report.")
    correction_reason = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PublishedPaperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["paper", "version"]
        constraints = [models.UniqueConstraint(fields=["paper", "version"], name="one_paper_version_number")]

    def __str__(self):
        return f"{self.paper} (version {self.version})"


# The snapshot's small values that the page around the paper and the files' names show.
HEADING_KEYS = ["committee", "meeting_date", "agenda_item", "title", "period", "protective_marking"]


def heading_of(content: dict) -> dict:
    """The snapshot's HEADING_KEYS (those it has: older snapshots lack the newer keys)."""
    return {key: content[key] for key in HEADING_KEYS if key in content}


def marking_of(content: dict) -> str:
    """The paper's protective marking as printed, from its content or heading. Papers
    published before they carried one were OFFICIAL."""
    return content.get("protective_marking") or Marking.OFFICIAL.label


class PublishedPage(models.Model):
    """A published version's page, rendered once from its snapshot: the snapshot never
    changes, so neither does the page. Kept apart from the snapshot, which at 100 times
    the real data is megabytes of JSON to read and decode, and tables to render, on
    every view.
    """

    version = models.OneToOneField(PublishedPaper, on_delete=models.CASCADE, related_name="page")
    heading = models.JSONField(help_text="The snapshot's HEADING_KEYS.")
    body = models.TextField(help_text="The paper's sections as HTML, escaped when rendered.")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Page of {self.version}"


class PublishedFile(models.Model):
    """A download of a published version, rendered once and kept, so it is not rendered
    again by every process and after every restart (a 100x paper's PDF takes over 30 s).
    It is what the committee was sent.
    """

    version = models.ForeignKey(PublishedPaper, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=40, help_text="The download's name in its address, e.g. report.pdf.")
    content = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "name"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="one_file_per_name_per_version")]

    def __str__(self):
        return f"{self.name} of {self.version}"


class WordTemplateQuerySet(models.QuerySet):
    def in_use(self):
        """The template every paper's Word file is built on, or None for the built-in one."""
        return self.order_by("-uploaded_at", "-pk").first()


class WordTemplate(models.Model):
    """The office's own Word template (its styles, logo, header and footer), uploaded by a
    register admin: every paper's Word file is then built on it. Kept in the database, as
    the papers' files are (PublishedFile), so every app server and worker has it."""

    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = WordTemplateQuerySet.as_manager()
    # Who uploaded or removed which template, when; not the file itself.
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = "Word template"

    def __str__(self):
        return self.filename
