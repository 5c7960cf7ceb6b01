"""The risk page's change history: the risk, its assessments and its actions.

Who, when, before and after, read from django-simple-history records in a fixed
number of queries. One save can leave several records (a risk's fields, then its
links); records of one object by one person within a few seconds show as one entry.
"""

import datetime
from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model

from commitments.models import Commitment, PolicyArea, ReportingPeriod
from riskreg.history import Change, HistoryEntry
from risks.models import Action, Assessment, Risk
from risks.services import ASSESSMENT_FIELDS

GROUP_WITHIN = datetime.timedelta(seconds=5)
NONE = "(none)"

RISK_FIELDS = [
    "ref",
    "title",
    "kind",
    "status",
    "owner",
    "description",
    "causes",
    "consequences",
    "scores_illustrative",
    "protective_marking",
    "marking_reason",
]
RISK_LINKS = {"policy_areas": "policyarea_id", "commitments": "commitment_id"}
ACTION_FIELDS = ["description", "owner", "owner_name", "target_date", "target_text", "rag", "notes"]
USER_FIELDS = {"owner", "assessed_by"}


def _links(records, field: str, column: str) -> dict[int, set[int]]:
    """The linked ids each historical risk record saw, by history_id (one query)."""
    model = apps.get_model("risks", f"HistoricalRisk_{field}")
    links: dict[int, set[int]] = defaultdict(set)
    for history_id, target in model.objects.filter(history_id__in=[r.history_id for r in records]).values_list(
        "history_id", column
    ):
        links[history_id].add(target)
    return links


class _Names:
    """Readable values for the ids in the records, looked up once per kind."""

    def __init__(self, records, links):
        user_ids = {r.history_user_id for r in records}
        for record in records:
            user_ids |= {getattr(record, f"{name}_id", None) for name in USER_FIELDS}
        user_ids.discard(None)
        self.users = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
        period_ids = {getattr(r, "period_id", None) for r in records} - {None}
        self.periods = {p.pk: p.label for p in ReportingPeriod.objects.filter(pk__in=period_ids)} if period_ids else {}
        area_ids = set().union(*links["policy_areas"].values()) if links["policy_areas"] else set()
        self.areas = {a.pk: a.name for a in PolicyArea.objects.filter(pk__in=area_ids)} if area_ids else {}
        commitment_ids = set().union(*links["commitments"].values()) if links["commitments"] else set()
        self.commitments = (
            {c.pk: str(c.ref) for c in Commitment.objects.filter(pk__in=commitment_ids)} if commitment_ids else {}
        )
        self.links = links

    def value(self, record, name: str) -> str:
        if name in RISK_LINKS:
            ids = self.links[name].get(record.history_id, set())
            names = self.areas if name == "policy_areas" else self.commitments
            shown = sorted((names.get(i, f"#{i}") for i in ids), key=lambda v: (len(v), v))
            return ", ".join(shown) or NONE
        field = record.instance_type._meta.get_field(name)
        value = getattr(record, field.attname)
        if value in (None, ""):
            return NONE
        if name in USER_FIELDS:
            return self.users.get(value, f"user #{value}")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime.date):
            return value.strftime("%-d %B %Y")
        return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _groups(records) -> list[list]:
    """Consecutive records of one object by one person, a few seconds apart, as one group."""
    groups: list[list] = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.history_user_id == record.history_user_id
            and record.history_date - groups[-1][0].history_date <= GROUP_WITHIN
            and record.history_type != "-"
        ):
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def _entries(records, model, fields: list[str], describe, names: _Names) -> list[HistoryEntry]:
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    entries = []
    for object_records in by_object.values():
        before = None
        for group in _groups(object_records):
            after = group[-1]
            if after.history_type == "-":
                action, changes = "Deleted", []
            else:
                action = "Created" if before is None or group[0].history_type == "+" else "Changed"
                changes = []
                for name in fields:
                    old = names.value(before, name) if before is not None else NONE
                    new = names.value(after, name)
                    if old != new:
                        changes.append(Change(_label(model, name), old, new))
                if action == "Changed" and not changes:
                    before = after
                    continue
            entries.append(
                HistoryEntry(
                    when=after.history_date,
                    who=names.users.get(after.history_user_id, "System"),
                    what=describe(after),
                    action=action,
                    changes=changes,
                )
            )
            before = after
    return entries


def risk_history(risk: Risk) -> list[HistoryEntry]:
    """Newest first."""
    risk_records = list(risk.history.all())
    assessment_records = list(Assessment.history.filter(risk_id=risk.pk))
    action_records = list(Action.history.filter(risk_id=risk.pk))
    links = {field: _links(risk_records, field, column) for field, column in RISK_LINKS.items()}
    names = _Names(risk_records + assessment_records + action_records, links)
    entries = (
        _entries(risk_records, Risk, RISK_FIELDS + list(RISK_LINKS), lambda r: "Risk", names)
        + _entries(
            assessment_records,
            Assessment,
            ASSESSMENT_FIELDS,
            lambda r: f"{names.periods.get(r.period_id, 'Quarter')} assessment",
            names,
        )
        + _entries(action_records, Action, ACTION_FIELDS, lambda r: f"Action “{r.description[:60]}”", names)
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)
