"""The corporate risk register: the scoring matrix (as data), risks, their quarterly
assessments, status changes and actions.

Scores are likelihood x impact, computed from the stored levels and never typed;
bands come from the matrix's data. The rules the committee paper reads ("new",
"increased", "closed during the quarter") are RiskQuerySet methods, one place each.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commitments.models import Commitment, PolicyArea, Rag, ReportingPeriod
from riskreg.roles import Role

# The database accepts levels 1..DB_MAX_LEVEL; the active matrix narrows that further
# (a 4x4 matrix refuses 5 in forms and imports).
DB_MAX_LEVEL = 5

ILLUSTRATIVE_NOTE = "Scores are illustrative: the source paper gives none."

_COLOUR = r"^#[0-9A-Fa-f]{6}$"


def _level_in_range(name: str, *, nullable: bool) -> models.CheckConstraint:
    condition = Q(**{f"{name}__range": (1, DB_MAX_LEVEL)})
    if nullable:
        condition |= Q(**{f"{name}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"assessment_{name}_1_to_{DB_MAX_LEVEL}")


def _level_field(verbose_name: str, *, nullable: bool) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=nullable,
        blank=nullable,
        validators=[MinValueValidator(1), MaxValueValidator(DB_MAX_LEVEL)],
    )


# ---------------------------------------------------------------------------
# The scoring matrix


class ScoringMatrixQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)

    def with_scales(self):
        return self.prefetch_related("levels", "bands")

    def active(self) -> "ScoringMatrix | None":
        """The matrix in use, with its levels and bands (three queries)."""
        return self.with_scales().filter(is_active=True).first()


@dataclass
class HeatCell:
    likelihood: "Level"
    impact: "Level"
    score: int
    band: "Band | None"


class ScoringMatrix(models.Model):
    """Likelihood and impact scales with their bands. Data, loaded from a fixture."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "in use", default=False, help_text="The register scores with the one matrix in use."
    )

    objects = ScoringMatrixQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "scoring matrix"
        verbose_name_plural = "scoring matrices"
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_matrix_in_use")
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    # These read the prefetched levels and bands (ScoringMatrixQuerySet.with_scales).

    def _levels(self, axis: str) -> list["Level"]:
        return sorted((level for level in self.levels.all() if level.axis == axis), key=lambda level: level.value)

    @property
    def likelihoods(self) -> list["Level"]:
        return self._levels(Level.Axis.LIKELIHOOD)

    @property
    def impacts(self) -> list["Level"]:
        return self._levels(Level.Axis.IMPACT)

    @property
    def sorted_bands(self) -> list["Band"]:
        return sorted(self.bands.all(), key=lambda band: band.min_score)

    @property
    def max_likelihood(self) -> int:
        return max((level.value for level in self.likelihoods), default=0)

    @property
    def max_impact(self) -> int:
        return max((level.value for level in self.impacts), default=0)

    @property
    def max_score(self) -> int:
        return self.max_likelihood * self.max_impact

    def band_for(self, score: int | None) -> "Band | None":
        if score is None:
            return None
        return next((band for band in self.bands.all() if band.min_score <= score <= band.max_score), None)

    def level_label(self, axis: str, value: int | None) -> str:
        level = next((lv for lv in self._levels(axis) if lv.value == value), None)
        return f"{value} {level.label}" if level else ("Not rated" if value is None else str(value))

    def level_error(self, axis: str, value, label: str) -> str | None:
        """Why `value` is not a level of the axis, in words for whoever scores; None if it is."""
        top = self.max_likelihood if axis == Level.Axis.LIKELIHOOD else self.max_impact
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= top:
            return None
        return f"{label} must be a whole number from 1 to {top}, the matrix's scale"

    def rows(self) -> list[list[HeatCell]]:
        """The heat map: likelihood from highest (top row) to lowest, impact from lowest."""
        return [
            [
                HeatCell(likelihood, impact, score, self.band_for(score))
                for impact in self.impacts
                for score in [likelihood.value * impact.value]
            ]
            for likelihood in reversed(self.likelihoods)
        ]

    def problems(self) -> list[str]:
        """What is wrong with the matrix's data; empty when it can be used."""
        found = []
        for axis, levels in ((Level.Axis.LIKELIHOOD, self.likelihoods), (Level.Axis.IMPACT, self.impacts)):
            values = [level.value for level in levels]
            if not values:
                found.append(f"The {axis} scale has no levels.")
            elif values != list(range(1, len(values) + 1)):
                found.append(f"The {axis} levels must run 1, 2, 3... without gaps; they are {values}.")
            elif values[-1] > DB_MAX_LEVEL:
                found.append(f"The {axis} scale may have at most {DB_MAX_LEVEL} levels.")
        covered: dict[int, str] = {}
        for band in self.sorted_bands:
            for score in range(band.min_score, band.max_score + 1):
                if score in covered:
                    found.append(f"Score {score} is in both {covered[score]} and {band.label}.")
                covered[score] = band.label
        possible = sorted({lv.value * im.value for lv in self.likelihoods for im in self.impacts})
        missing = [score for score in possible if score not in covered]
        if missing:
            found.append(f"No band covers the score(s) {', '.join(map(str, missing))}.")
        return found


class LevelQuerySet(models.QuerySet):
    def get_by_natural_key(self, matrix_name, axis, value):
        return self.get(matrix__name=matrix_name, axis=axis, value=value)


class Level(models.Model):
    """One step of the likelihood or impact scale, e.g. likelihood 4 'Likely'."""

    class Axis(models.TextChoices):
        LIKELIHOOD = "likelihood", "Likelihood"
        IMPACT = "impact", "Impact"

    matrix = models.ForeignKey(ScoringMatrix, on_delete=models.CASCADE, related_name="levels")
    axis = models.CharField(max_length=10, choices=Axis.choices)
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(DB_MAX_LEVEL)])
    label = models.CharField(max_length=50)
    descriptor = models.TextField(blank=True, help_text="What this level means, to guide whoever scores.")

    objects = LevelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "axis", "value"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "axis", "value"], name="one_level_per_value"),
            models.CheckConstraint(condition=Q(value__range=(1, DB_MAX_LEVEL)), name="level_value_in_db_range"),
            models.CheckConstraint(condition=Q(axis__in=["likelihood", "impact"]), name="level_axis_known"),
        ]

    def __str__(self):
        return f"{self.get_axis_display()} {self.value}: {self.label}"

    def natural_key(self):
        return (*self.matrix.natural_key(), self.axis, self.value)

    natural_key.dependencies = ["risks.scoringmatrix"]


class BandQuerySet(models.QuerySet):
    def get_by_natural_key(self, matrix_name, label):
        return self.get(matrix__name=matrix_name, label=label)


def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


class Band(models.Model):
    """A range of scores with its label, colour and how often such risks are reviewed."""

    matrix = models.ForeignKey(ScoringMatrix, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=50)
    min_score = models.PositiveSmallIntegerField("lowest score")
    max_score = models.PositiveSmallIntegerField("highest score")
    colour = models.CharField(
        max_length=7, validators=[RegexValidator(_COLOUR, "Enter a colour as # and six hex digits, like #d4351c")]
    )
    review_frequency = models.CharField(max_length=100, help_text="For example 'Monthly' or 'Quarterly'.")
    description = models.TextField(blank=True)

    objects = BandQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "min_score"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "label"], name="band_label_unique_in_matrix"),
            models.CheckConstraint(condition=Q(min_score__gte=1), name="band_scores_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=F("min_score")), name="band_max_not_below_min"),
            # The colour is written into a stylesheet: only ever a hex colour.
            models.CheckConstraint(condition=Q(colour__regex=_COLOUR), name="band_colour_is_hex"),
        ]

    def __str__(self):
        return f"{self.label} ({self.min_score}-{self.max_score})"

    def natural_key(self):
        return (*self.matrix.natural_key(), self.label)

    natural_key.dependencies = ["risks.scoringmatrix"]

    @property
    def css_class(self) -> str:
        return f"risks-band-{self.pk}"

    @property
    def text_colour(self) -> str:
        """Near-black or white, whichever reads better on the band's colour."""
        if not re.match(_COLOUR, self.colour or ""):
            return "#0b0c0c"
        background = _relative_luminance(self.colour)
        dark, light = _relative_luminance("#0b0c0c"), 1.0
        return "#0b0c0c" if _contrast(background, dark) >= _contrast(background, light) else "#ffffff"


# ---------------------------------------------------------------------------
# Risks and the rules the committee paper reads


CURRENT_SCORE = ExpressionWrapper(F("current_likelihood") * F("current_impact"), output_field=models.IntegerField())


def _in_period(period: ReportingPeriod | tuple[int, int], prefix: str = "period") -> Q:
    # A saved period is matched on its id, which the (risk, period) index answers
    # without a join; a bare (year, quarter) key, which may name no period, by its fields.
    if isinstance(period, ReportingPeriod) and period.pk is not None:
        return Q(**{prefix: period})
    year, quarter = period if isinstance(period, tuple) else period.key
    return Q(**{f"{prefix}__financial_year": year, f"{prefix}__quarter": quarter})


def _up_to(period: ReportingPeriod | tuple[int, int]) -> Q:
    year, quarter = period if isinstance(period, tuple) else period.key
    return Q(period__financial_year__lt=year) | Q(period__financial_year=year, period__quarter__lte=quarter)


def _assessment_in(period) -> models.QuerySet:
    # At most one row (one assessment per risk per quarter), so no ordering: the
    # model's default would join the risk and the period again for every row.
    return Assessment.objects.filter(_in_period(period), risk=OuterRef("pk")).order_by()


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


def _previous_key(period) -> tuple[int, int]:
    return period if isinstance(period, tuple) else period.previous_key


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
            previous_score=_score_in(previous if previous is not None else _previous_key(period)),
        )

    def assessed_in(self, period, **lookups):
        """Risks whose assessment in the period matches `lookups`, on its fields or on
        `score` (current likelihood x impact), e.g. `score__range=(16, 25)`.

        An EXISTS, which the database answers as one semi-join: counting a filtered
        register then reads the quarter's assessments once instead of scoring each risk.
        """
        if period is None:
            return self.none()
        matching = Assessment.objects.filter(_in_period(period), risk=OuterRef("pk")).annotate(score=CURRENT_SCORE)
        return self.filter(Exists(matching.filter(**lookups)))

    def with_status_at(self, period, name: str = "status_then"):
        return self.annotate(**{name: status_at(period)})

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
# Assessments, status changes, actions


class AssessmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref, financial_year, quarter):
        return self.get(risk__ref=ref, period__financial_year=financial_year, period__quarter=quarter)

    def in_period(self, period):
        return self.filter(_in_period(period))

    # The heat map's cells, each a (current likelihood, current impact) pair. The page
    # does the same work at any size: the database counts and numbers the rows.

    def cell_counts(self) -> dict[tuple[int, int], int]:
        """{(likelihood, impact): number of assessments}."""
        rows = self.order_by().values_list("current_likelihood", "current_impact").annotate(number=Count("*"))
        return {(likelihood, impact): number for likelihood, impact, number in rows}

    def first_in_each_cell(self, number: int):
        """At most `number` assessments per cell, the first by risk reference, with the risk.

        Only the columns a cell shows: the database sorts every assessment of the quarter
        to number them, and sorting their texts too was most of the page's time.
        """
        place = Window(
            RowNumber(),
            partition_by=[F("current_likelihood"), F("current_impact")],
            order_by=F("risk__ref").asc(),
        )
        return (
            self.select_related("risk")
            .only("risk__ref", "current_likelihood", "current_impact")
            .annotate(place=place)
            .filter(place__lte=number)
            .order_by("risk__ref")
        )

    def first_with_total(self, number: int):
        """The first `number` by risk reference, each carrying `total`: how many there are in all."""
        return self.select_related("risk").annotate(total=Window(Count("pk"))).order_by("risk__ref")[:number]

    def moved_between(self, previous, current):
        """Assessments in `current` of risks in another cell, or not assessed, in `previous`."""
        same_cell = Assessment.objects.filter(
            risk=OuterRef("risk"),
            period=previous,
            current_likelihood=OuterRef("current_likelihood"),
            current_impact=OuterRef("current_impact"),
        )
        return self.filter(period=current).exclude(Exists(same_cell))

    def dropped_between(self, previous, current):
        """Assessments in `previous` of risks not assessed in `current`."""
        return self.filter(period=previous).exclude(
            Exists(Assessment.objects.filter(risk=OuterRef("risk"), period=current))
        )


class Assessment(models.Model):
    """A risk's scores for one quarter. The assessments are the risk's score history."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assessments")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="risk_assessments")
    inherent_likelihood = _level_field("inherent likelihood", nullable=True)
    inherent_impact = _level_field("inherent impact", nullable=True)
    current_likelihood = _level_field("current likelihood", nullable=False)
    current_impact = _level_field("current impact", nullable=False)
    target_likelihood = _level_field("target likelihood", nullable=True)
    target_impact = _level_field("target impact", nullable=True)
    rationale = models.TextField(blank=True, help_text="Why the risk is scored as it is this quarter.")
    controls = models.TextField("controls in place", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    # Bumped by every write; a save carrying an older version is refused, so two
    # people editing at once never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    SCORE_KINDS = ("inherent", "current", "target")

    class Meta:
        ordering = ["risk", "period"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "period"], name="one_assessment_per_risk_per_quarter"),
            _level_in_range("inherent_likelihood", nullable=True),
            _level_in_range("inherent_impact", nullable=True),
            _level_in_range("current_likelihood", nullable=False),
            _level_in_range("current_impact", nullable=False),
            _level_in_range("target_likelihood", nullable=True),
            _level_in_range("target_impact", nullable=True),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{kind}_likelihood__isnull": True, f"{kind}_impact__isnull": True})
                    | Q(**{f"{kind}_likelihood__isnull": False, f"{kind}_impact__isnull": False}),
                    name=f"assessment_{kind}_rated_in_full_or_not_at_all",
                )
                for kind in ("inherent", "target")
            ],
        ]
        # The heat map and its cell counts read a quarter's cells from this index alone,
        # not from thousands of wide rows: at 100 times the real data, 22 ms became 5.
        # Risk and id as keys, not INCLUDE columns, which SQLite does not have.
        indexes = [
            models.Index(
                fields=["period", "current_likelihood", "current_impact", "risk", "id"],
                name="assessment_cells_in_period",
            )
        ]

    def __str__(self):
        return f"{self.risk_id} {self.period_id}"

    def natural_key(self):
        return (*self.risk.natural_key(), *self.period.natural_key())

    natural_key.dependencies = ["risks.risk", "commitments.reportingperiod"]

    @staticmethod
    def _product(likelihood: int | None, impact: int | None) -> int | None:
        return likelihood * impact if likelihood is not None and impact is not None else None

    @property
    def inherent_score(self) -> int | None:
        return self._product(self.inherent_likelihood, self.inherent_impact)

    @property
    def current_score(self) -> int | None:
        return self._product(self.current_likelihood, self.current_impact)

    @property
    def target_score(self) -> int | None:
        return self._product(self.target_likelihood, self.target_impact)


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


# ---------------------------------------------------------------------------
# Direction of travel


class Direction(models.TextChoices):
    INCREASED = "increased", "increased"
    REDUCED = "reduced", "reduced"
    NO_CHANGE = "no change", "no change"
    NEW = "new", "new"


ARROWS = {Direction.INCREASED: "↑", Direction.REDUCED: "↓", Direction.NO_CHANGE: "→", Direction.NEW: "+"}


def direction_of_travel(previous_score: int | None, current_score: int | None) -> Direction | None:
    """None when the risk has no score this quarter; 'new' when it had none before."""
    if current_score is None:
        return None
    if previous_score is None:
        return Direction.NEW
    if current_score > previous_score:
        return Direction.INCREASED
    if current_score < previous_score:
        return Direction.REDUCED
    return Direction.NO_CHANGE
