"""Import risks and their quarterly assessments from a CSV or XLSX file.

One row per risk and quarter. plan_import reads and checks every row and says, per
risk and field, what would be created or changed, writing nothing;
services.risks_import_apply writes a valid plan in one transaction. Every bad row is named with its number.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from commitments.models import ReportingPeriod, parse_period_label
from riskreg.imports import FieldChange, ItemPlan, QuarterlyImportPlan, QuarterPlan, model_field_errors
from riskreg.numbers import whole_number
from riskreg.tabular import TabularFileError, TabularRow, read_table
from risks.models import REF_VALIDATOR, Assessment, Level, Risk, ScoringMatrix, owner_candidates

COLUMNS = [
    "Ref",
    "Title",
    "Description",
    "Kind",
    "Owner",
    "Status",
    "Period",
    "Inherent L",
    "Inherent I",
    "Current L",
    "Current I",
    "Target L",
    "Target I",
]
LEVEL_COLUMNS = {
    "Inherent L": "inherent_likelihood",
    "Inherent I": "inherent_impact",
    "Current L": "current_likelihood",
    "Current I": "current_impact",
    "Target L": "target_likelihood",
    "Target I": "target_impact",
}
RISK_FIELDS = {"Title": "title", "Description": "description", "Kind": "kind", "Owner": "owner", "Status": "status"}


@dataclass(kw_only=True)
class AssessmentPlan(QuarterPlan):
    values: dict


@dataclass(kw_only=True)
class RiskPlan(ItemPlan):
    status_from: str | None = None  # set when the import changes the status ('' for a new risk)
    status_period: ReportingPeriod | None = None
    assessments: list[AssessmentPlan] = field(default_factory=list)

    def quarter_plans(self) -> list[AssessmentPlan]:
        return self.assessments


@dataclass
class ImportPlan(QuarterlyImportPlan):
    risks: list[RiskPlan] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    ITEMS, QUARTERS, ITEM_WORDS = "risks", "assessments", "risks"


def _shown(value) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def _choice(text: str, choices) -> str | None:
    """The value of a TextChoices member named by its value or label, ignoring case and hyphens."""

    def key(s: str) -> str:
        return "".join(ch for ch in s.lower() if ch.isalnum())

    wanted = key(text)
    return next((value for value, label in choices if wanted in (key(value), key(label))), None)


def _level(text: str, column: str, axis: str, matrix: ScoringMatrix) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    number = whole_number(text)
    value = text if number is None else number
    label = f"{column} ({axis})"
    return (value, None) if (error := matrix.level_error(axis, value, label)) is None else (None, error)


class _Owners:
    """Users matched by username or email, case-insensitively, in one or two queries."""

    def __init__(self, keys: set[str]):
        User = get_user_model()
        keys = {k.lower() for k in keys if k}
        matching = (
            User.objects.annotate(u=Lower("username"), e=Lower("email")).filter(Q(u__in=keys) | Q(e__in=keys))
            if keys
            else User.objects.none()
        )
        self.users = list(matching)
        allowed = set(owner_candidates().filter(pk__in=[u.pk for u in self.users]).values_list("pk", flat=True))
        self.allowed = allowed

    def find(self, key: str):
        """(user, error)."""
        wanted = key.lower()
        by_name = [u for u in self.users if u.username.lower() == wanted]
        found = by_name or [u for u in self.users if u.email and u.email.lower() == wanted]
        if not found:
            return None, f"No user has the username or email '{key}'"
        if len(found) > 1:
            return None, f"'{key}' is the email of more than one user: give the username instead"
        user = found[0]
        if user.pk not in self.allowed:
            return None, f"{user.username} is not an active SMT lead or register admin, so cannot own a risk"
        return user, None


def plan_import(filename: str, content: bytes) -> ImportPlan:
    try:
        header, rows = read_table(filename, content)
    except TabularFileError as error:
        return ImportPlan(filename, errors=[str(error)])
    return plan_rows(filename, header, rows)


def plan_rows(filename: str, header: list[str], rows: list[TabularRow]) -> ImportPlan:
    plan = ImportPlan(filename, rows_read=len(rows))
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        plan.errors.append(
            f"The file has no column {', '.join(missing)}. The first row must name the columns {', '.join(COLUMNS)}."
        )
        return plan
    plan.ignored_columns = [c for c in header if c and c not in COLUMNS]
    if not rows:
        plan.errors.append("The file has no rows of risks under its header.")
        return plan
    matrix = ScoringMatrix.objects.active()
    if matrix is None:
        plan.errors.append("No scoring matrix is in use. Load one (manage.py loaddata risk_matrix) and try again.")
        return plan
    reader = _RowReader(matrix, rows)
    parsed: dict[str, _RiskRows] = {}
    for row in rows:
        read = reader.read(row)
        if read.problems:
            plan.errors.extend(read.problems)
        elif read.ref in parsed:
            plan.errors.extend(parsed[read.ref].add(read))
        else:
            parsed[read.ref] = _RiskRows(read)
    if not plan.errors:
        plan.risks = _compare_with_register(parsed)
    return plan


@dataclass
class _Row:
    """One row of the file, read and checked on its own."""

    number: int
    ref: str = ""
    values: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    period: ReportingPeriod | None = None
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.problems.append(f"Row {self.number}: {message}")


class _RowReader:
    def __init__(self, matrix: ScoringMatrix, rows: list[TabularRow]):
        self.matrix = matrix
        self.periods = {p.key: p for p in ReportingPeriod.objects.all()}
        self.owners = _Owners({row.values["Owner"].strip() for row in rows})

    def read(self, row: TabularRow) -> _Row:
        v = {name: text.strip() for name, text in row.values.items()}
        read = _Row(number=row.number, ref=v["Ref"].upper())
        self._risk(read, v)
        self._period(read, v["Period"])
        self._levels(read, v)
        return read

    def _risk(self, read: _Row, v: dict) -> None:
        if not read.ref:
            read.problem("Enter the risk's Ref, such as CR01")
        else:
            try:
                REF_VALIDATOR(read.ref)
            except ValidationError:
                read.problem(f"Ref '{v['Ref']}' must be capital letters then digits, such as CR01")
        read.values = {"title": v["Title"], "description": v["Description"]}
        if not v["Title"]:
            read.problem("Enter a Title")
        for message in model_field_errors(Risk, title=v["Title"]) if v["Title"] else []:
            read.problem(message)
        read.values["kind"] = _choice(v["Kind"], Risk.Kind.choices)
        if read.values["kind"] is None:
            read.problem(f"Kind '{v['Kind']}' must be Corporate or Topical")
        read.values["status"] = _choice(v["Status"], Risk.Status.choices)
        if read.values["status"] is None:
            read.problem(f"Status '{v['Status']}' must be Under consideration, Open, Closed or De-escalated")
        read.values["owner"], error = self.owners.find(v["Owner"]) if v["Owner"] else (None, None)
        if not v["Owner"]:
            read.problem("Enter the Owner's username or email")
        elif error:
            read.problem(error)

    def _period(self, read: _Row, text: str) -> None:
        key = parse_period_label(text)
        read.period = self.periods.get(key) if key else None
        if key is None:
            read.problem(f"Period '{text}' must be a quarter written like 2025/26 Q2")
        elif read.period is None:
            read.problem(f"There is no reporting period {text} in the register")

    def _levels(self, read: _Row, v: dict) -> None:
        for column, name in LEVEL_COLUMNS.items():
            axis = Level.Axis.LIKELIHOOD if column.endswith("L") else Level.Axis.IMPACT
            read.levels[name], error = _level(v[column], column, axis, self.matrix)
            if error:
                read.problem(error)
        for title in ("Inherent", "Current", "Target"):
            likelihood, impact = v[f"{title} L"], v[f"{title} I"]
            if title == "Current" and (not likelihood or not impact):
                read.problem("Enter both Current L and Current I")
            elif bool(likelihood) != bool(impact):
                read.problem(f"Enter both {title} L and {title} I, or leave both empty")


class _RiskRows:
    """The rows of one risk: its first row's values, and an assessment per quarter."""

    def __init__(self, first: _Row):
        self.row, self.values = first.number, first.values
        self.assessments = {first.period.key: first}

    def add(self, read: _Row) -> list[str]:
        """Take another row of the risk, or say why not."""
        problems = [
            f"Row {read.number}: {column} of {read.ref} differs from row {self.row}; "
            f"give every row of a risk the same {column.lower()}"
            for column, name in RISK_FIELDS.items()
            if self.values[name] != read.values[name]
        ]
        if read.period.key in self.assessments:
            first = self.assessments[read.period.key].number
            problems.append(f"Row {read.number}: {read.ref} already has a row for {read.period.label} (row {first})")
        if not problems:
            self.assessments[read.period.key] = read
        return problems


def _compare_with_register(parsed: dict[str, _RiskRows]) -> list[RiskPlan]:
    existing = {r.ref: r for r in Risk.objects.select_related("owner").filter(ref__in=parsed)}
    assessed = {
        (a.risk.ref, a.period.key): a
        for a in Assessment.objects.select_related("risk", "period").filter(risk__ref__in=parsed)
    }
    plans = []
    for ref, item in parsed.items():
        risk = existing.get(ref)
        risk_plan = RiskPlan(ref=ref, row=item.row, is_new=risk is None, values=item.values)
        in_order = sorted(item.assessments.values(), key=lambda read: read.period.key)
        for column, name in RISK_FIELDS.items():
            before = getattr(risk, name) if risk else ""
            if before != item.values[name]:
                risk_plan.changes.append(FieldChange(column, _display(name, before), _display(name, item.values[name])))
        if risk is None:
            risk_plan.status_from, risk_plan.status_period = "", in_order[0].period
        elif risk.status != item.values["status"]:
            risk_plan.status_from, risk_plan.status_period = risk.status, in_order[-1].period
        for read in in_order:
            current = assessed.get((ref, read.period.key))
            assessment_plan = AssessmentPlan(
                period=read.period, row=read.number, is_new=current is None, values=read.levels
            )
            for column, name in LEVEL_COLUMNS.items():
                before = getattr(current, name) if current else None
                if before != read.levels[name]:
                    assessment_plan.changes.append(FieldChange(column, _shown(before), _shown(read.levels[name])))
            risk_plan.assessments.append(assessment_plan)
        plans.append(risk_plan)
    return plans


def _display(name: str, value) -> str:
    if name == "kind" and value:
        return Risk.Kind(value).label
    if name == "status" and value:
        return Risk.Status(value).label
    if name == "owner" and value:
        return f"{value} ({value.username})"
    return _shown(value)
