"""Importing the plan's commitments (and, optionally, approved quarterly statuses)
from a CSV or XLSX file: parse, preview what would change, then apply all or nothing.

The file has the register download's columns, so a downloaded register imports back
without changes.
"""

import hashlib
import json
from dataclasses import dataclass, field
from itertools import batched

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from commitments.models import (
    Commitment,
    CommitmentPolicyArea,
    Plan,
    PolicyArea,
    Rag,
    ReportingPeriod,
    StatusUpdate,
    parse_period_label,
)
from riskreg.exports import unneutralise
from riskreg.imports import FieldChange, model_field_errors
from riskreg.numbers import whole_number
from riskreg.tabular import TabularFileError, read_table

BASE_COLUMNS = ["Ref", "Policy Area", "Individual Commitment", "SMT Lead", "Officer Lead", "WMP Lead", "Timescale"]
AREA_SEPARATOR = " / "
# Refs (and names) looked up per query: under SQLite's 32,766 parameters, and few
# queries for a file of the whole register at 100 times its size.
REFS_PER_QUERY = 5000
RAG_BY_WORD = {label.lower(): value for value, label in Rag.choices}


@dataclass
class CommitmentChange:
    ref: int
    row: int
    is_new: bool
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do. Nothing is written until services.commitments_import_apply."""

    plan: Plan | None
    errors: list[str] = field(default_factory=list)
    changes: list[CommitmentChange] = field(default_factory=list)
    # Values to write, by ref.
    values: dict[int, dict] = field(default_factory=dict)
    new_policy_areas: list[str] = field(default_factory=list)
    rows_read: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(change.changes for change in self.changes)

    @property
    def summary(self) -> str:
        count = len(self.changes)
        return f"{count} commitment{'s' if count != 1 else ''} changed"

    def digest(self) -> str:
        """Fingerprint of the changes, to check at confirmation that they are still what was previewed."""
        payload = [(c.ref, c.is_new, [(f.field, f.before, f.after) for f in c.changes]) for c in self.changes]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _clean(text: str) -> str:
    return unneutralise(text.replace("\r\n", "\n").replace("\r", "\n").strip())


def _person(user) -> str:
    return user.username if user else ""


def plan_import(filename: str, content: bytes) -> ImportPlan:
    """Read the file and work out every change; errors name the row and the reason."""
    plan = Plan.objects.current()
    result = ImportPlan(plan=plan)
    if plan is None:
        result.errors.append("There is no plan to import into. Ask a register admin to create the plan first.")
        return result
    try:
        header, rows = read_table(filename, content)
    except TabularFileError as error:
        result.errors.append(str(error))
        return result
    result.rows_read = len(rows)
    missing = [column for column in BASE_COLUMNS if column not in header]
    if missing:
        result.errors.append(f"The file is missing the column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    periods, column_errors = _period_columns(header)
    result.errors += column_errors
    if result.errors:
        return result
    if not rows:
        result.errors.append("The file has a header but no commitments.")
        return result

    # Only what the file names is read: its work follows the file, not the register.
    refs = {ref for row in rows if (ref := whole_number(row.values["Ref"].strip()))}
    users = _users_named(rows)
    existing, updates = _registered(plan, refs, [p for p, _, _ in periods])
    known_areas = set(PolicyArea.objects.values_list("name", flat=True))
    seen: dict[int, int] = {}
    for row in rows:
        _plan_row(row, result, periods, users, existing, known_areas, updates, seen)
    return result


@dataclass
class _Registered:
    """A commitment as the register has it, in the file's words: read as plain values,
    not models (at 100 times the plan, building the models took two thirds of the time)."""

    pk: int
    shown: dict[str, str]


@dataclass
class _Recorded:
    """A quarter's update as the register has it."""

    rag: str
    narrative: str
    state: str

    @property
    def is_approved(self) -> bool:
        return self.state == StatusUpdate.State.APPROVED

    def get_state_display(self) -> str:
        return StatusUpdate.State(self.state).label


def _registered(plan, refs, periods) -> tuple[dict[int, _Registered], dict[tuple[int, int], _Recorded]]:
    """The plan's commitments of these refs, and their updates in these periods."""
    existing, updates = {}, {}
    for batch in batched(sorted(refs), REFS_PER_QUERY):
        named = Commitment.objects.in_plan(plan).filter(ref__in=batch)
        areas: dict[int, list[str]] = {}
        links = CommitmentPolicyArea.objects.filter(commitment__in=named.values("pk"))
        for commitment_id, name in links.order_by("commitment", "position").values_list(
            "commitment_id", "policy_area__name"
        ):
            areas.setdefault(commitment_id, []).append(name)
        columns = ("pk", "ref", "text", "smt_lead__username", "officer_lead__username", "wmp_lead", "timescale")
        for pk, ref, text, smt, officer, wmp_lead, timescale in named.order_by().values_list(*columns):
            shown = {
                "Individual Commitment": text,
                "Policy Area": AREA_SEPARATOR.join(areas.get(pk, [])),
                "SMT Lead": smt or "",
                "Officer Lead": officer or "",
                "WMP Lead": wmp_lead,
                "Timescale": timescale,
            }
            existing[ref] = _Registered(pk, shown)
        if periods:
            recorded = StatusUpdate.objects.filter(commitment__in=named.values("pk"), period__in=periods).order_by()
            for commitment_id, period_id, *values in recorded.values_list(
                "commitment_id", "period_id", "rag", "narrative", "state"
            ):
                updates[commitment_id, period_id] = _Recorded(*values)
    return existing, updates


def _period_columns(header):
    """[(period, rag column, update column)] for the optional per-quarter columns."""
    errors, found = [], []
    extra = [column for column in header if column and column not in BASE_COLUMNS]
    labels = {column.removesuffix(" Update") for column in extra}
    by_key = {p.key: p for p in ReportingPeriod.objects.all()}
    for label in sorted(labels):
        key = parse_period_label(label)
        if key is None:
            errors.append(f"The column '{label}' is not an import column, nor a quarter such as 2025/26 Q1.")
        elif key not in by_key:
            errors.append(f"The column '{label}' names a reporting period that does not exist in the register.")
        else:
            rag_column = label if label in header else None
            update_column = f"{label} Update" if f"{label} Update" in header else None
            found.append((by_key[key], rag_column, update_column))
    return found, errors


def _users_named(rows):
    """The leads the file names, by lower-case username and email."""
    names = {row.values.get(column, "").strip().lower() for row in rows for column in ("SMT Lead", "Officer Lead")}
    names.discard("")
    people = get_user_model().objects.annotate(username_lower=Lower("username"), email_lower=Lower("email"))
    found = {}
    for batch in batched(sorted(names), REFS_PER_QUERY):
        for user in people.filter(Q(username_lower__in=batch) | Q(email_lower__in=batch)):
            found[user.username.lower()] = user
            if user.email:
                found[user.email.lower()] = user
    return found


def _plan_row(row, result, periods, users, existing, known_areas, updates, seen):
    values = row.values
    ref_text = values["Ref"].strip()
    ref = whole_number(ref_text)
    if not ref:
        result.errors.append(f"Row {row.number}: Ref must be a whole number, 1 or more (it is '{ref_text}').")
        return
    if ref in seen:
        result.errors.append(f"Row {row.number}: commitment {ref} is also on row {seen[ref]}.")
        return
    seen[ref] = row.number
    wanted, errors = _commitment_values(values, users)
    commitment = existing.get(ref)
    change = CommitmentChange(ref=ref, row=row.number, is_new=commitment is None)
    before = commitment.shown if commitment else dict.fromkeys(_shown_columns(wanted), "")
    for name, after in _shown_columns(wanted).items():
        if before[name] != after:
            change.changes.append(FieldChange(name, before[name], after))
    for area in wanted["policy_areas"]:
        if area not in known_areas and area not in result.new_policy_areas:
            result.new_policy_areas.append(area)
    for period, rag_column, update_column in periods:
        current = updates.get((commitment.pk, period.pk)) if commitment else None
        status, error = _status(period, values, rag_column, update_column, current)
        if error:
            errors.append(error)
        elif status:
            wanted["statuses"][period.pk] = status
            change.changes += _status_changes(period, current, *status)
    if errors:
        result.errors.append(f"Row {row.number} (commitment {ref}): {'; '.join(errors)}.")
        return
    if change.changes:
        # Kept only for what changes: a file of the whole register at scale is mostly unchanged.
        result.values[ref] = wanted
        result.changes.append(change)


def _commitment_values(values, users) -> tuple[dict, list[str]]:
    """The commitment's fields from its row, and what is wrong with them."""
    errors = []
    text = _clean(values["Individual Commitment"])
    if not text:
        errors.append("Individual Commitment is empty")
    areas = [name.strip() for name in _clean(values["Policy Area"]).split(AREA_SEPARATOR.strip()) if name.strip()]
    if len(set(areas)) != len(areas):
        errors.append("a policy area is repeated")
    for area in areas:
        errors += model_field_errors(PolicyArea, name=area)
    leads = {}
    for column, key in (("SMT Lead", "smt_lead"), ("Officer Lead", "officer_lead")):
        name = values[column].strip()
        leads[key] = users.get(name.lower()) if name else None
        if name and leads[key] is None:
            errors.append(f"{column} '{name}' is not a user (give their username or email)")
    wanted = {
        "text": text,
        "policy_areas": areas,
        **leads,
        "wmp_lead": _clean(values["WMP Lead"]),
        "timescale": _clean(values["Timescale"]),
        "statuses": {},
    }
    errors += model_field_errors(Commitment, wmp_lead=wanted["wmp_lead"], timescale=wanted["timescale"])
    return wanted, errors


def _shown_columns(wanted: dict) -> dict[str, str]:
    """A row's commitment fields as the preview and the file write them."""
    return {
        "Individual Commitment": wanted["text"],
        "Policy Area": AREA_SEPARATOR.join(wanted["policy_areas"]),
        "SMT Lead": _person(wanted["smt_lead"]),
        "Officer Lead": _person(wanted["officer_lead"]),
        "WMP Lead": wanted["wmp_lead"],
        "Timescale": wanted["timescale"],
    }


def _status(period, values, rag_column, update_column, current) -> tuple[tuple[str, str] | None, str | None]:
    """((rag, narrative) to write, or None if nothing changes; an error, or None)."""
    rag_word = values.get(rag_column, "").strip() if rag_column else ""
    narrative = _clean(values.get(update_column, "")) if update_column else ""
    if not rag_word and not narrative:
        return None, None
    rag = RAG_BY_WORD.get(rag_word.lower()) if rag_word else None
    if rag is None:
        if rag_word:
            return None, f"{period.label} must be Red, Amber or Green (it is '{rag_word}')"
        return None, f"{period.label} Update is given without a {period.label} status"
    if current and current.is_approved and (current.rag, _clean(current.narrative)) == (rag, narrative):
        return None, None
    if current and not current.is_approved:
        state = current.get_state_display().lower()
        return None, f"the {period.label} update is {state} in the register: finish or return it there first"
    return (rag, narrative), None


def _status_changes(period, current, rag: str, narrative: str) -> list[FieldChange]:
    current_rag, current_narrative = (current.rag, _clean(current.narrative)) if current else ("", "")
    changes = []
    if current_rag != rag:
        changes.append(FieldChange(period.label, Rag(current_rag).label if current_rag else "", Rag(rag).label))
    if current_narrative != narrative:
        changes.append(FieldChange(f"{period.label} Update", current_narrative, narrative))
    return changes
