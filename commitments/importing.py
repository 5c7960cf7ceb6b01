"""Importing the plan's commitments (and, optionally, approved quarterly statuses)
from a CSV or XLSX file: parse, preview what would change, then apply all or nothing.

The file has the register download's columns, so a downloaded register imports back
without changes.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from commitments.models import (
    Commitment,
    Plan,
    PolicyArea,
    Rag,
    ReportingPeriod,
    StatusUpdate,
    parse_period_label,
)
from riskreg.exports import unneutralise
from riskreg.imports import FieldChange
from riskreg.numbers import whole_number
from riskreg.tabular import TabularFileError, read_table

BASE_COLUMNS = ["Ref", "Policy Area", "Individual Commitment", "SMT Lead", "Officer Lead", "WMP Lead", "Timescale"]
AREA_SEPARATOR = " / "
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

    users = _users_named(rows)
    existing = {
        c.ref: c for c in Commitment.objects.in_plan(plan).with_people().select_related("smt_lead", "officer_lead")
    }
    known_areas = set(PolicyArea.objects.values_list("name", flat=True))
    updates = {
        (u.commitment_id, u.period_id): u
        for u in StatusUpdate.objects.filter(commitment__plan=plan, period__in=[p for p, _, _ in periods])
    }
    seen: dict[int, int] = {}
    for row in rows:
        _plan_row(row, result, periods, users, existing, known_areas, updates, seen)
    return result


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
    names = {row.values.get(column, "").strip().lower() for row in rows for column in ("SMT Lead", "Officer Lead")}
    names.discard("")
    User = get_user_model()
    found = {}
    if names:
        query = Q()
        for name in names:
            query |= Q(username__iexact=name) | Q(email__iexact=name)
        for user in User.objects.filter(query):
            found[user.username.lower()] = user
            if user.email:
                found[user.email.lower()] = user
    return found


def _plan_row(row, result, periods, users, existing, known_areas, updates, seen):
    values = row.values
    errors = []
    ref_text = values["Ref"].strip()
    ref = whole_number(ref_text)
    if not ref:
        result.errors.append(f"Row {row.number}: Ref must be a whole number, 1 or more (it is '{ref_text}').")
        return
    if ref in seen:
        result.errors.append(f"Row {row.number}: commitment {ref} is also on row {seen[ref]}.")
        return
    seen[ref] = row.number
    text = _clean(values["Individual Commitment"])
    if not text:
        errors.append("Individual Commitment is empty")
    areas = [name.strip() for name in _clean(values["Policy Area"]).split(AREA_SEPARATOR.strip()) if name.strip()]
    if len(set(areas)) != len(areas):
        errors.append("a policy area is repeated")
    leads = {}
    for column, key in (("SMT Lead", "smt_lead"), ("Officer Lead", "officer_lead")):
        name = values[column].strip()
        leads[key] = users.get(name.lower()) if name else None
        if name and leads[key] is None:
            errors.append(f"{column} '{name}' is not a user (give their username or email)")
    wanted = {
        "text": text,
        "policy_areas": areas,
        "smt_lead": leads["smt_lead"],
        "officer_lead": leads["officer_lead"],
        "wmp_lead": _clean(values["WMP Lead"]),
        "timescale": _clean(values["Timescale"]),
        "statuses": {},
    }
    commitment = existing.get(ref)
    change = CommitmentChange(ref=ref, row=row.number, is_new=commitment is None)
    before = {
        "Individual Commitment": commitment.text if commitment else "",
        "Policy Area": commitment.policy_area_names if commitment else "",
        "SMT Lead": _person(commitment.smt_lead) if commitment else "",
        "Officer Lead": _person(commitment.officer_lead) if commitment else "",
        "WMP Lead": commitment.wmp_lead if commitment else "",
        "Timescale": commitment.timescale if commitment else "",
    }
    after = {
        "Individual Commitment": text,
        "Policy Area": AREA_SEPARATOR.join(areas),
        "SMT Lead": _person(leads["smt_lead"]),
        "Officer Lead": _person(leads["officer_lead"]),
        "WMP Lead": wanted["wmp_lead"],
        "Timescale": wanted["timescale"],
    }
    for name in after:
        if before[name] != after[name]:
            change.changes.append(FieldChange(name, before[name], after[name]))
    for area in areas:
        if area not in known_areas and area not in result.new_policy_areas:
            result.new_policy_areas.append(area)

    for period, rag_column, update_column in periods:
        rag_word = values.get(rag_column, "").strip() if rag_column else ""
        narrative = _clean(values.get(update_column, "")) if update_column else ""
        if not rag_word and not narrative:
            continue
        rag = RAG_BY_WORD.get(rag_word.lower()) if rag_word else None
        if rag is None:
            errors.append(
                f"{period.label} must be Red, Amber or Green (it is '{rag_word}')"
                if rag_word
                else f"{period.label} Update is given without a {period.label} status"
            )
            continue
        current = updates.get((commitment.pk, period.pk)) if commitment else None
        current_rag, current_narrative = (current.rag, _clean(current.narrative)) if current else ("", "")
        if current and current.is_approved and (current_rag, current_narrative) == (rag, narrative):
            continue
        if current and not current.is_approved:
            errors.append(
                f"the {period.label} update is {current.get_state_display().lower()} in the register: "
                "finish or return it there first"
            )
            continue
        wanted["statuses"][period.pk] = (rag, narrative)
        if current_rag != rag:
            before_rag = Rag(current_rag).label if current_rag else ""
            change.changes.append(FieldChange(period.label, before_rag, Rag(rag).label))
        if current_narrative != narrative:
            change.changes.append(FieldChange(f"{period.label} Update", current_narrative, narrative))

    if errors:
        result.errors.append(f"Row {row.number} (commitment {ref}): {'; '.join(errors)}.")
        return
    result.values[ref] = wanted
    if change.changes:
        result.changes.append(change)
