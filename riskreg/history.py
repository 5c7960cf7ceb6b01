"""Change history (who, when, before, after) read from django-simple-history records.

Diffs are computed in Python from records fetched in one query, so a page showing
history runs a fixed number of queries however long the history is.
"""

from dataclasses import dataclass, field


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    action: str
    changes: list[Change] = field(default_factory=list)


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _display(record, name: str, people: dict) -> str:
    field_ = record.instance_type._meta.get_field(name)
    value = getattr(record, field_.attname)
    if field_.is_relation:
        # Looked up in a map, not through the relation: one query per record otherwise.
        return str(people.get(value, "(none)")) if value is not None else "(none)"
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value)) if value != "" else "(none)"
    if value in (None, ""):
        return "(none)"
    return str(value)


def history_entries(records, fields: list[str], describe, people: dict | None = None) -> list[HistoryEntry]:
    """Entries, newest first, for history records of any number of objects.

    `fields` are the field names to compare; `describe(record)` names the object
    ("2025/26 Q2 update"); `people` maps user ids to names, for who made each change
    and for foreign keys to users (see people_in).
    """
    people = people or {}
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    last_by_object: dict = {}
    entries = []
    for record in records:
        previous = last_by_object.get(record.id)
        last_by_object[record.id] = record
        changes = []
        for name in fields:
            after = _display(record, name, people)
            before = _display(previous, name, people) if previous else "(none)"
            if before != after:
                label = record.instance_type._meta.get_field(name).verbose_name
                changes.append(Change(str(label).capitalize(), before, after))
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=people.get(record.history_user_id, "System"),
                what=describe(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return list(reversed(entries))


def people_in(records, user_fields=()) -> dict:
    """Names of the users the records mention: who made them, and user foreign keys."""
    from django.contrib.auth import get_user_model

    ids = set()
    for record in records:
        ids.add(record.history_user_id)
        ids |= {getattr(record, f"{name}_id", None) for name in user_fields}
    ids.discard(None)
    return {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=ids)} if ids else {}
