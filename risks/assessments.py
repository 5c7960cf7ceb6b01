"""A risk's quarterly assessments: its scores, likelihood x impact, one per quarter.

These models are part of the risks app (app_label "risks"); risks.models re-exports them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commitments.models import ReportingPeriod
from risks.matrix import DB_MAX_LEVEL

CURRENT_SCORE = ExpressionWrapper(F("current_likelihood") * F("current_impact"), output_field=models.IntegerField())


def in_period_q(period, prefix: str = "period") -> Q:
    """Rows of `period`: a saved period, matched on its id, which the (risk, period) index
    answers without a join; a queryset of periods (ReportingPeriod.objects.previous_of(p)),
    as a subquery; an unsaved period, by its year and quarter."""
    if isinstance(period, models.QuerySet):
        return Q(**{f"{prefix}__in": period})
    if period.pk is not None:
        return Q(**{prefix: period})
    return Q(**{f"{prefix}__financial_year": period.financial_year, f"{prefix}__quarter": period.quarter})


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


class AssessmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref, financial_year, quarter):
        return self.get(risk__ref=ref, period__financial_year=financial_year, period__quarter=quarter)

    def in_period(self, period):
        return self.filter(in_period_q(period))

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

    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="assessments")
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
