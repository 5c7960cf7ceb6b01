"""The plan's key performance indicators (KPIs) and their value in each quarter.

A KPI belongs to a policy area of the plan; its values are what the public "storybook"
and the Panel report show, each value with its own protective marking.
"""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commitments.models import PolicyArea, ReportingPeriod
from riskreg.marking import marking_constraint, marking_field, marking_reason_field

ILLUSTRATIVE_NOTE = "Illustrative: made up for the demonstration, not the office's figures."

KPI_REF_VALIDATOR = RegexValidator(
    r"^[A-Z]{1,6}[0-9]{1,4}$", "Enter a reference of capital letters then digits, such as KPI01"
)


class KpiQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)

    def with_values(self):
        """Each KPI's values, oldest quarter first, into `values_in_order`: one query for all."""
        values = KpiValue.objects.select_related("period").order_by("period__financial_year", "period__quarter")
        return self.select_related("policy_area").prefetch_related(
            models.Prefetch("values", queryset=values, to_attr="values_in_order")
        )


class Kpi(models.Model):
    class Better(models.TextChoices):
        HIGHER = "higher", "Higher"
        LOWER = "lower", "Lower"

    ref = models.CharField(max_length=12, unique=True, validators=[KPI_REF_VALIDATOR], help_text="For example KPI01.")
    name = models.CharField(max_length=200)
    policy_area = models.ForeignKey(PolicyArea, on_delete=models.PROTECT, related_name="kpis")
    unit = models.CharField(max_length=50, help_text="What the value counts, e.g. '%', 'offences', 'days'.")
    definition = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    better = models.CharField("better when", max_length=6, choices=Better.choices)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Made up for a demonstration: not the office's figures."
    )

    objects = KpiQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["ref"]
        verbose_name = "KPI"
        constraints = [models.CheckConstraint(condition=Q(better__in=["higher", "lower"]), name="kpi_better_known")]

    def __str__(self):
        return f"{self.ref} {self.name}"

    def get_absolute_url(self):
        return reverse("kpis:detail", args=[self.ref])

    def natural_key(self):
        return (self.ref,)

    @property
    def better_label(self) -> str:
        return "Higher is better" if self.better == self.Better.HIGHER else "Lower is better"


class KpiValueQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref, financial_year, quarter):
        return self.get(kpi__ref=ref, period__financial_year=financial_year, period__quarter=quarter)


class KpiValue(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="kpi_values")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    protective_marking = marking_field()
    marking_reason = marking_reason_field()

    objects = KpiValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period"]
        verbose_name = "KPI value"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_kpi_value_per_quarter"),
            marking_constraint("kpivalue"),
        ]

    def __str__(self):
        return f"{self.kpi_id} {self.period_id}: {self.value}"

    def natural_key(self):
        return (*self.kpi.natural_key(), *self.period.natural_key())

    natural_key.dependencies = ["kpis.kpi", "commitments.reportingperiod"]


def number_text(value) -> str:
    """A value (a Decimal, or its text in a snapshot) as the pages and files write it:
    72.5, 1,204, never 72.50."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):,.2f}".rstrip("0").rstrip(".")
