"""What the KPI pages show, built from the models: the views check, load, call and render."""

from kpis.charts import value_chart
from kpis.models import Kpi, KpiValue
from riskreg.history import history_entries, people_in

# Not its policy area: history_entries names related rows from a map of people only.
KPI_FIELDS = ["name", "unit", "definition", "source", "better", "target", "illustrative"]
VALUE_FIELDS = ["value", "note", "protective_marking", "marking_reason"]


def register_rows() -> list[tuple[Kpi, KpiValue | None]]:
    """Every KPI, with its latest value (of any marking: the staff see them all)."""
    return [(kpi, kpi.values_in_order[-1] if kpi.values_in_order else None) for kpi in Kpi.objects.with_values()]


def chart_of(kpi: Kpi, values: list[KpiValue]):
    return value_chart(
        name=kpi.name,
        unit=kpi.unit,
        better_label=kpi.better_label,
        target=kpi.target,
        values=[(v.period.label, v.value) for v in values],
    )


def kpi_page(kpi: Kpi) -> dict:
    """A KPI loaded with Kpi.objects.with_values(): its chart, its values and its history."""
    values = kpi.values_in_order
    kpi_records = list(kpi.history.all())
    value_records = list(KpiValue.history.filter(kpi_id=kpi.pk).select_related("period"))
    people = people_in(kpi_records + value_records)
    history = history_entries(kpi_records, KPI_FIELDS, lambda r: "KPI", people) + history_entries(
        value_records, VALUE_FIELDS, lambda r: f"{r.period.label} value", people
    )
    history.sort(key=lambda e: e.when, reverse=True)
    return {"kpi": kpi, "values": values, "chart": chart_of(kpi, values), "history": history}
