"""The scoring matrix, as data: likelihood and impact scales (levels) and the bands
that give a score its label, colour and review frequency. Loaded from a fixture.

These models are part of the risks app (app_label "risks"); risks.models re-exports them.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

# The database accepts levels 1..DB_MAX_LEVEL; the active matrix narrows that further
# (a 4x4 matrix refuses 5 in forms and imports).
DB_MAX_LEVEL = 5

_COLOUR = r"^#[0-9A-Fa-f]{6}$"

# A band's review frequency is words ("Monthly", "Every six months"): these say how many
# months each means. Words not here (or "every N months") give no interval, and risks
# in that band are never listed as due for review.
_FREQUENCY_MONTHS = {
    "monthly": 1,
    "every month": 1,
    "quarterly": 3,
    "every quarter": 3,
    "every three months": 3,
    "six-monthly": 6,
    "six monthly": 6,
    "half-yearly": 6,
    "half yearly": 6,
    "every six months": 6,
    "annually": 12,
    "yearly": 12,
    "every year": 12,
    "every twelve months": 12,
}
_EVERY_N_MONTHS = re.compile(r"^every (\d{1,2}) months?$")


def review_interval_months(frequency: str) -> int | None:
    """The months between reviews that a band's frequency names; None if it names none."""
    words = " ".join(frequency.lower().replace(".", "").split())
    if words in _FREQUENCY_MONTHS:
        return _FREQUENCY_MONTHS[words]
    match = _EVERY_N_MONTHS.match(words)
    return int(match[1]) if match and int(match[1]) > 0 else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


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
    def review_months(self) -> int | None:
        return review_interval_months(self.review_frequency)

    def next_review_after(self, assessed_on: datetime.date) -> datetime.date | None:
        """When a risk in this band, last assessed on `assessed_on`, is next due for review:
        that date plus the band's frequency in months; None when the frequency names no interval."""
        months = self.review_months
        return add_months(assessed_on, months) if months else None

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
