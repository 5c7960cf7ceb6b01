"""The corporate risk register: risks, their quarterly assessments, status changes and
actions. The scoring matrix (as data) is in risks.matrix, the assessments in
risks.assessments and the direction of travel in risks.direction; all are importable
from here.

Scores are likelihood x impact, computed from the stored levels and never typed;
bands come from the matrix's data. The rules the committee paper reads ("new",
"increased", "closed during the quarter") are RiskQuerySet methods, one place each.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commitments.models import Commitment, PolicyArea, Rag, ReportingPeriod
from riskreg.marking import marking_constraint, marking_field, marking_reason_field
from riskreg.roles import Role
from risks.assessments import CURRENT_SCORE, Assessment, AssessmentQuerySet, in_period_q
from risks.direction import ARROWS, Direction, direction_of_travel
from risks.matrix import DB_MAX_LEVEL, Band, HeatCell, Level, ScoringMatrix

__all__ = [
    "ARROWS",
    "DB_MAX_LEVEL",
    "ILLUSTRATIVE_NOTE",
    "REF_VALIDATOR",
    "Action",
    "Assessment",
    "AssessmentQuerySet",
    "Band",
    "Direction",
    "HeatCell",
    "Level",
    "Risk",
    "RiskQuerySet",
    "ScoringMatrix",
    "StatusChange",
    "direction_of_travel",
    "owner_candidates",
    "status_at",
]

ILLUSTRATIVE_NOTE = "Scores are illustrative: the source paper gives none."


# ---------------------------------------------------------------------------
# Risks and the rules the committee paper reads


def _up_to(period: ReportingPeriod) -> Q:
    year, quarter = period.key
    return Q(period__financial_year__lt=year) | Q(period__financial_year=year, period__quarter__lte=quarter)


def _assessment_in(period) -> models.QuerySet:
    # At most one row (one assessment per risk per quarter), so no ordering: the
    # model's default would join the risk and the period again for every row.
    return Assessment.objects.filter(in_period_q(period), risk=OuterRef("pk")).order_by()


def _score_in(period) -> Subquery:
    return Subquery(
        _assessment_in(period).annotate(score=CURRENT_SCORE).values("score")[:1], output_field=models.IntegerField()
    )


def _band_label(score_name: str) -> Subquery:
    return Subquery(
        Band.objects.filter(
            matrix__is_active=True, min_score__lte=OuterRef(score_name), max_score__gte=OuterRef(score_name)
        ).values("label")[:1]
    )


def status_at(period) -> Coalesce:
    """The risk's status at the end of the period, read from its status changes.

    The latest change up to the period gives it; before the first change a risk had
    that change's 'from' status ('' when it was not on the register); a risk with no
    changes recorded has always had its present status.
    """
    changes = StatusChange.objects.filter(risk=OuterRef("pk"))
    latest = changes.filter(_up_to(period)).order_by("-period__financial_year", "-period__quarter", "-date", "-pk")
    earliest = changes.order_by("period__financial_year", "period__quarter", "date", "pk")
    return Coalesce(
        Subquery(latest.values("to_status")[:1]),
        Subquery(earliest.values("from_status")[:1]),
        F("status"),
        output_field=models.CharField(),
    )


class RiskQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)

    def owned_by(self, user):
        return self.filter(owner=user)

    def with_scores(self, period, previous=None):
        """`current_score` in the period and `previous_score` in the quarter before
        (or `previous`); None where the risk was not assessed."""
        if period is None:
            nothing = Value(None, models.IntegerField())
            return self.annotate(current_score=nothing, previous_score=nothing)
        return self.annotate(
            current_score=_score_in(period),
            previous_score=_score_in(previous if previous is not None else ReportingPeriod.objects.previous_of(period)),
        )

    def assessed_in(self, period, **lookups):
        """Risks whose assessment in the period matches `lookups`, on its fields or on
        `score` (current likelihood x impact), e.g. `score__range=(16, 25)`.

        An EXISTS, which the database answers as one semi-join: counting a filtered
        register then reads the quarter's assessments once instead of scoring each risk.
        """
        if period is None:
            return self.none()
        matching = Assessment.objects.filter(in_period_q(period), risk=OuterRef("pk")).annotate(score=CURRENT_SCORE)
        return self.filter(Exists(matching.filter(**lookups)))

    def with_status_at(self, period, name: str = "status_then"):
        return self.annotate(**{name: status_at(period)})

    def on_register_in(self, period):
        """The register as presented for the period (the committee paper's Appendix 2):
        the risks open or under consideration at its end, each with that as `status_then`."""
        return self.with_status_at(period).filter(status_then__in=[Risk.Status.OPEN, Risk.Status.UNDER_CONSIDERATION])

    # The committee paper's sections. Each returns risks with `owner` selected and
    # `previous_score`, `current_score`, `previous_band`, `current_band` (labels of
    # the matrix in use) and `reason`.

    def _for_paper(self, current, previous=None):
        return (
            self.select_related("owner")
            .with_scores(current, previous)
            .annotate(previous_band=_band_label("previous_score"), current_band=_band_label("current_score"))
            .order_by("ref")
        )

    def _rationale_in(self, period):
        return self.annotate(
            reason=Coalesce(
                Subquery(_assessment_in(period).values("rationale")[:1]), Value(""), output_field=models.TextField()
            )
        )

    def became_open_during(self, period):
        """New risks: a change to Open recorded in the period."""
        opened = StatusChange.objects.filter(risk=OuterRef("pk"), period=period, to_status=Risk.Status.OPEN)
        return (
            self._for_paper(period)
            .filter(Exists(opened))
            .annotate(reason=Subquery(opened.order_by("-date", "-pk").values("reason")[:1]))
        )

    def under_consideration(self, period=None):
        """Proposed risks not yet on the register: now, or at the end of the period."""
        if period is None:
            return self.filter(status=Risk.Status.UNDER_CONSIDERATION).select_related("owner").order_by("ref")
        return (
            self._for_paper(period)
            .alias(status_then=status_at(period))
            .filter(status_then=Risk.Status.UNDER_CONSIDERATION)
            ._rationale_in(period)
        )

    def _open_in_both(self, previous, current):
        return (
            self._for_paper(current, previous)
            .alias(status_previous=status_at(previous), status_current=status_at(current))
            .filter(status_previous=Risk.Status.OPEN, status_current=Risk.Status.OPEN, previous_score__isnull=False)
        )

    def increased_between(self, previous, current):
        """Open in both quarters, current score in `current` above that in `previous`."""
        rows = self._open_in_both(previous, current).filter(current_score__gt=F("previous_score"))
        return rows._rationale_in(current)

    def reduced_between(self, previous, current):
        """Open in both quarters, current score in `current` below that in `previous`."""
        rows = self._open_in_both(previous, current).filter(current_score__lt=F("previous_score"))
        return rows._rationale_in(current)

    def closed_or_deescalated_during(self, period):
        """A change to Closed or De-escalated recorded in the period; `closed_as` says which."""
        ended = StatusChange.objects.filter(
            risk=OuterRef("pk"), period=period, to_status__in=[Risk.Status.CLOSED, Risk.Status.DEESCALATED]
        ).order_by("-date", "-pk")
        return (
            self._for_paper(period)
            .filter(Exists(ended))
            .annotate(reason=Subquery(ended.values("reason")[:1]), closed_as=Subquery(ended.values("to_status")[:1]))
        )


REF_VALIDATOR = RegexValidator(
    r"^[A-Z]{1,6}[0-9]{1,4}$", "Enter a reference of capital letters then digits, such as CR01"
)


class Risk(models.Model):
    class Kind(models.TextChoices):
        CORPORATE = "corporate", "Corporate"
        TOPICAL = "topical", "Topical"

    class Status(models.TextChoices):
        UNDER_CONSIDERATION = "under_consideration", "Under consideration"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DEESCALATED = "deescalated", "De-escalated"

    KIND_HELP = {
        Kind.CORPORATE: "A risk to the PCC's own functions.",
        Kind.TOPICAL: "A risk to the delivery of the Police and Crime Plan.",
    }

    ref = models.CharField(max_length=12, unique=True, validators=[REF_VALIDATOR], help_text="For example CR01.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    causes = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_risks")
    policy_areas = models.ManyToManyField(PolicyArea, blank=True, related_name="risks", verbose_name="policy areas")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="risks", verbose_name="commitments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    scores_illustrative = models.BooleanField(
        "scores are illustrative",
        default=False,
        help_text="The scores were made up for a demonstration: the source gives none.",
    )
    protective_marking = marking_field()
    marking_reason = marking_reason_field()

    objects = RiskQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[policy_areas, commitments])

    class Meta:
        ordering = ["ref"]
        # Refs by id without reading the risks' texts: the heat map sorts a quarter's
        # risks by ref to list the first in each cell.
        indexes = [models.Index(fields=["id", "ref"], name="risk_ref_by_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["under_consideration", "open", "closed", "deescalated"]),
                name="risk_status_known",
            ),
            models.CheckConstraint(condition=Q(kind__in=["corporate", "topical"]), name="risk_kind_known"),
            marking_constraint("risk"),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("risks:detail", args=[self.ref])

    def natural_key(self):
        return (self.ref,)

    def is_editable_by(self, user) -> bool:
        """Admins edit every risk; SMT leads the risks they own."""
        if not user.is_authenticated:
            return False
        return user.is_register_admin() or (user.is_smt_lead() and user.pk == self.owner_id)


def owner_candidates():
    """The people who may own a risk: active SMT leads and register admins."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.SMT_LEAD, Role.REGISTER_ADMIN]) | Q(is_superuser=True))
        .distinct()
    )


# ---------------------------------------------------------------------------
# Status changes and actions


class StatusChange(models.Model):
    """A move through the lifecycle, with the reason the committee reads."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        "from", max_length=20, choices=Risk.Status.choices, blank=True, help_text="Empty: added to the register."
    )
    to_status = models.CharField("to", max_length=20, choices=Risk.Status.choices)
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="risk_status_changes")
    date = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "period", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="status_change_changes_status"),
            models.CheckConstraint(condition=~Q(reason=""), name="status_change_has_reason"),
        ]

    def __str__(self):
        return f"{self.risk_id}: {self.from_status or 'new'} -> {self.to_status}"

    @property
    def from_label(self) -> str:
        return self.get_from_status_display() if self.from_status else "Not on the register"


class ActionQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref, description):
        return self.get(risk__ref=ref, description=description)


class Action(models.Model):
    """Something being done about a risk, with its owner, target and RAG status."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(
        "owner's name", max_length=200, blank=True, help_text="For an owner who does not use the register."
    )
    target_date = models.DateField(null=True, blank=True)
    target_text = models.CharField(
        "target", max_length=100, blank=True, help_text="Words instead of a date, such as 'Ongoing'."
    )
    rag = models.CharField("RAG status", max_length=5, choices=Rag.choices, blank=True)
    notes = models.TextField(blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "description"], name="action_described_once_per_risk"),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(owner_name=""), name="action_owner_user_or_name_not_both"
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_text=""), name="action_target_date_or_words_not_both"
            ),
            models.CheckConstraint(condition=Q(rag__in=["", *Rag.values]), name="action_rag_known"),
        ]

    def __str__(self):
        return self.description[:80]

    def natural_key(self):
        return (*self.risk.natural_key(), self.description)

    natural_key.dependencies = ["risks.risk"]

    @property
    def target_label(self) -> str:
        if self.target_date:
            return self.target_date.strftime("%-d %B %Y")
        return self.target_text or "Not set"
