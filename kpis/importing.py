"""Import KPIs and their quarterly values from a CSV or XLSX file: the third user of the
one import flow (riskreg.imports), beside the commitments and the risks.

One row per KPI and quarter; a KPI with no values yet has one row with Period and Value
empty. plan_import reads and checks every row and says, per KPI and field, what would be
created or changed, writing nothing; services.kpis_import_apply writes a valid plan in
one transaction. Every bad row is named with its number and the reason.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from commitments.models import PolicyArea, ReportingPeriod, parse_period_label
from kpis.models import Kpi, KpiValue, number_text
from riskreg.exports import unneutralise
from riskreg.imports import FieldChange, ItemPlan, QuarterlyImportPlan, QuarterPlan, model_field_errors
from riskreg.tabular import TabularFileError, read_table

COLUMNS = ["Ref", "Name", "Policy Area", "Unit", "Definition", "Source", "Better", "Target", "Period", "Value", "Note"]
# The KPI's own columns (every row of a KPI gives the same), and its fields.
KPI_COLUMNS = {
    "Name": "name",
    "Policy Area": "policy_area",
    "Unit": "unit",
    "Definition": "definition",
    "Source": "source",
    "Better": "better",
    "Target": "target",
}


@dataclass(kw_only=True)
class ValuePlan(QuarterPlan):
    value: Decimal
    note: str


@dataclass(kw_only=True)
class KpiPlan(ItemPlan):
    quarters: list[ValuePlan] = field(default_factory=list)

    def quarter_plans(self) -> list[ValuePlan]:
        return self.quarters


@dataclass
class ImportPlan(QuarterlyImportPlan):
    kpis: list[KpiPlan] = field(default_factory=list)

    ITEMS, QUARTERS, ITEM_WORDS = "kpis", "values", "KPIs"


def plan_import(filename: str, content: bytes) -> ImportPlan:
    try:
        header, rows = read_table(filename, content)
    except TabularFileError as error:
        return ImportPlan(filename, errors=[str(error)])
    plan = ImportPlan(filename, rows_read=len(rows))
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        plan.errors.append(
            f"The file has no column {', '.join(missing)}. The first row must name the columns {', '.join(COLUMNS)}."
        )
        return plan
    if not rows:
        plan.errors.append("The file has no rows of KPIs under its header.")
        return plan
    reader = _RowReader()
    parsed: dict[str, _KpiRows] = {}
    for row in rows:
        read = reader.read(row.number, {name: _clean(text) for name, text in row.values.items()})
        if read.problems:
            plan.errors.extend(read.problems)
        elif read.ref in parsed:
            plan.errors.extend(parsed[read.ref].add(read))
        else:
            parsed[read.ref] = _KpiRows(read)
    if not plan.errors:
        plan.kpis = _compare_with_register(parsed)
    return plan


def _clean(text: str) -> str:
    return unneutralise(text.replace("\r\n", "\n").replace("\r", "\n").strip())


def _decimal(text: str) -> Decimal | None:
    """A number as typed: 72.5, 1,204 or -3; None if it is not one."""
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass
class _Row:
    number: int
    ref: str = ""
    values: dict = field(default_factory=dict)
    period: ReportingPeriod | None = None
    value: Decimal | None = None
    note: str = ""
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.problems.append(f"Row {self.number}: {message}")


class _RowReader:
    def __init__(self):
        self.periods = {p.key: p for p in ReportingPeriod.objects.all()}
        self.areas = {a.name.lower(): a for a in PolicyArea.objects.all()}

    def read(self, number: int, v: dict) -> _Row:
        read = _Row(number=number, ref=v["Ref"].upper())
        if not read.ref:
            read.problem("Enter the KPI's Ref, such as KPI01")
        for message in model_field_errors(Kpi, ref=read.ref) if read.ref else []:
            read.problem(message)
        self._kpi(read, v)
        self._value(read, v)
        return read

    def _kpi(self, read: _Row, v: dict) -> None:
        for column in ("Name", "Unit"):
            if not v[column]:
                read.problem(f"Enter the KPI's {column}")
        given = {name: v[column] for column, name in (("Name", "name"), ("Unit", "unit"), ("Source", "source"))}
        for message in model_field_errors(Kpi, **{name: text for name, text in given.items() if text}):
            read.problem(message)
        area = self.areas.get(v["Policy Area"].lower())
        if area is None:
            read.problem(f"Policy Area '{v['Policy Area']}' is not a policy area of the plan")
        better = {"higher": Kpi.Better.HIGHER, "lower": Kpi.Better.LOWER}.get(v["Better"].lower())
        if better is None:
            read.problem(f"Better '{v['Better']}' must be Higher or Lower")
        target = _decimal(v["Target"]) if v["Target"] else None
        if v["Target"] and target is None:
            read.problem(f"Target '{v['Target']}' must be a number, such as 75 or 12.5")
        elif target is not None:
            read.problems += [f"Row {read.number}: {m}" for m in model_field_errors(Kpi, target=target)]
        read.values = {
            "name": v["Name"],
            "policy_area": area,
            "unit": v["Unit"],
            "definition": v["Definition"],
            "source": v["Source"],
            "better": better,
            "target": target,
        }

    def _value(self, read: _Row, v: dict) -> None:
        read.note = v["Note"]
        if not v["Period"]:
            if v["Value"] or v["Note"]:
                read.problem("Enter the Period the Value is for, written like 2025/26 Q2")
            return
        key = parse_period_label(v["Period"])
        read.period = self.periods.get(key) if key else None
        if key is None:
            read.problem(f"Period '{v['Period']}' must be a quarter written like 2025/26 Q2")
        elif read.period is None:
            read.problem(f"There is no reporting period {v['Period']} in the register")
        read.value = _decimal(v["Value"]) if v["Value"] else None
        if not v["Value"]:
            read.problem(f"Enter the Value for {v['Period']}")
        elif read.value is None:
            read.problem(f"Value '{v['Value']}' must be a number, such as 75 or 12.5")
        else:
            read.problems += [f"Row {read.number}: {m}" for m in model_field_errors(KpiValue, value=read.value)]


class _KpiRows:
    """The rows of one KPI: its first row's values, and a value per quarter."""

    def __init__(self, first: _Row):
        self.row, self.values = first.number, first.values
        self.quarters = {first.period.key: first} if first.period else {}

    def add(self, read: _Row) -> list[str]:
        problems = [
            f"Row {read.number}: {column} of {read.ref} differs from row {self.row}; "
            f"give every row of a KPI the same {column.lower()}"
            for column, name in KPI_COLUMNS.items()
            if self.values[name] != read.values[name]
        ]
        if read.period is None:
            problems.append(f"Row {read.number}: {read.ref} is also on row {self.row}; give each row a Period")
        elif read.period.key in self.quarters:
            first = self.quarters[read.period.key].number
            problems.append(f"Row {read.number}: {read.ref} already has a row for {read.period.label} (row {first})")
        if not problems:
            self.quarters[read.period.key] = read
        return problems


def _display(name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name == "better":
        return Kpi.Better(value).label
    if name == "target":
        return number_text(value)
    return str(value)


def _compare_with_register(parsed: dict[str, _KpiRows]) -> list[KpiPlan]:
    existing = {k.ref: k for k in Kpi.objects.select_related("policy_area").filter(ref__in=parsed)}
    stored = {
        (v.kpi.ref, v.period.key): v
        for v in KpiValue.objects.select_related("kpi", "period").filter(kpi__ref__in=parsed)
    }
    plans = []
    for ref, item in parsed.items():
        kpi = existing.get(ref)
        kpi_plan = KpiPlan(ref=ref, row=item.row, is_new=kpi is None, values=item.values)
        for column, name in KPI_COLUMNS.items():
            before = getattr(kpi, name) if kpi else None
            if before != item.values[name]:
                kpi_plan.changes.append(FieldChange(column, _display(name, before), _display(name, item.values[name])))
        for read in sorted(item.quarters.values(), key=lambda r: r.period.key):
            current = stored.get((ref, read.period.key))
            value_plan = ValuePlan(
                period=read.period, row=read.number, is_new=current is None, value=read.value, note=read.note
            )
            if current is None or current.value != read.value:
                before = number_text(current.value) if current else ""
                value_plan.changes.append(FieldChange("Value", before, number_text(read.value)))
            if (current.note if current else "") != read.note:
                value_plan.changes.append(FieldChange("Note", current.note if current else "", read.note))
            kpi_plan.quarters.append(value_plan)
        plans.append(kpi_plan)
    return plans
