"""The activity page: every recorded create, change and delete in the register, newest
first, read from all django-simple-history tables at once.

The tables are found from the app registry (every model with HistoricalRecords), so
riskreg knows nothing of the other apps and a new tracked model shows up by itself.

A page of the list runs a fixed number of queries however long the history is: one
count and one page of (date, id, table) across all tables (a UNION), then per table on
the page its records and the records just before them, per many-to-many field the
linked ids, and per related model the objects named.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from crispy_forms_gds.layout import Field
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils import timezone

from riskreg.forms import filter_form_helper
from riskreg.history import ACTIONS, Change

NONE = "(none)"
# The "What" filter's choice for the sign-in record (riskreg.signins), beside the history.
SIGN_INS = "sign-ins"
LONGEST = 500  # characters of a value shown; the object's own page has the rest


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    history: type[models.Model]

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        name = str(self.model._meta.verbose_name)
        return name[:1].upper() + name[1:]

    @property
    def fields(self) -> list:
        """The fields the history keeps, the primary key excepted."""
        return [f for f in self.history.tracked_fields if not f.primary_key]

    @property
    def m2m_fields(self) -> list:
        return list(self.history._history_m2m_fields)


def tracked_models() -> list[Tracked]:
    found = []
    for model in apps.get_models():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            found.append(Tracked(model, getattr(model, manager).model))
    return sorted(found, key=lambda t: t.label)


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    action: str
    kind: str
    what: str
    changes: list[Change] = field(default_factory=list)
    detail: str = ""


class ActivityFilterForm(forms.Form):
    user = forms.ModelChoiceField(label="Who", queryset=None, required=False, empty_label="Anyone")
    kind = forms.ChoiceField(label="What", required=False)
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": "Enter the first day as a real date"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": "Enter the last day as a real date"},
    )

    def __init__(self, *args, tracked: list[Tracked], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.order_by("username")
        self.fields["user"].error_messages["invalid_choice"] = "Select a person from the list"
        self.fields["kind"].choices = [
            ("", "Any change"),
            (SIGN_INS, "Sign-ins, failures, lockouts and refusals"),
            *((t.key, t.label) for t in tracked),
        ]
        self.fields["kind"].error_messages["invalid_choice"] = "Select a kind of record from the list"
        self.helper = filter_form_helper(
            "Filter the activity",
            Field.select("user"),
            Field.select("kind"),
            Field("since"),
            Field("until"),
        )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The last day must be the same as or after the first day")
        return cleaned


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def records(tracked: list[Tracked], *, user=None, kind: str = "", since=None, until=None):
    """(history_date, history_id, kind) of every matching record, newest first: one query
    (and one to count), whatever the number of tables."""
    parts = []
    for t in tracked:
        if kind and t.key != kind:
            continue
        queryset = t.history.objects.all()
        if user is not None:
            queryset = queryset.filter(history_user_id=user.pk)
        if since:
            queryset = queryset.filter(history_date__gte=_day_start(since))
        if until:
            queryset = queryset.filter(history_date__lt=_day_start(until + datetime.timedelta(days=1)))
        parts.append(
            queryset.order_by()
            .annotate(activity_table=Value(t.key, output_field=models.CharField()))
            .values_list("history_date", "history_id", "activity_table")
        )
    if not parts:
        return tracked[0].history.objects.none().values_list("history_date", "history_id")
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id")


class _Names:
    """str() of the related objects the records name, fetched once per related model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[type, dict] = {}

    def want(self, model, value) -> None:
        if value is not None:
            self.wanted[model].add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            # Their own str() may name what they point to (a paper its quarter): fetch that too.
            pointed_to = [f.name for f in model._meta.fields if f.is_relation and not f.null]
            queryset = model._base_manager.select_related(*pointed_to) if pointed_to else model._base_manager
            self.found[model] = queryset.in_bulk(ids)

    def get(self, model, value):
        return self.found.get(model, {}).get(value)

    def name(self, model, value) -> str:
        obj = self.get(model, value)
        return str(obj) if obj is not None else f"{model._meta.verbose_name} #{value} (deleted)"


def _label(f) -> str:
    """'RAG status', 'SMT lead': the first letter up, the rest as written."""
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def _shown(record, f, names: _Names) -> str:
    value = getattr(record, f.attname)
    if value is None or value == "":
        return NONE
    if f.is_relation:
        return names.name(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, dict | list):
        return f"(data, {len(json.dumps(value))} characters)"
    text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"


def _describe(t: Tracked, record, names: _Names) -> str:
    """The object's own str(), built from the record with its related objects from `names`,
    so that no query runs per row."""
    instance = t.model(**{f.attname: getattr(record, f.attname) for f in t.history.tracked_fields})
    for f in t.fields:
        if f.many_to_one or f.one_to_one:
            f.set_cached_value(instance, names.get(f.related_model, getattr(record, f.attname)))
    try:
        return str(instance)
    except Exception:  # a str() that needs something deleted since
        return f"{t.label} #{getattr(record, t.model._meta.pk.attname)}"


def entries(rows, tracked: list[Tracked]) -> list[Entry]:
    """The page's rows (from records()) as entries: who, when, what, and what changed."""
    by_key = {t.key: t for t in tracked}
    wanted: dict[str, list[int]] = defaultdict(list)
    for _, history_id, kind in rows:
        wanted[kind].append(history_id)

    names = _Names()
    User = get_user_model()
    loaded: dict[tuple[str, int], tuple] = {}  # (kind, history_id) -> (record, previous record)
    links: dict[str, dict] = {}  # kind -> {m2m field name -> {history_id -> ids}}
    for kind, ids in wanted.items():
        t = by_key[kind]
        pk_name = t.model._meta.pk.attname
        before = (
            t.history.objects.filter(**{pk_name: OuterRef(pk_name)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        page = list(t.history.objects.filter(history_id__in=ids).annotate(previous_id=Subquery(before)))
        previous = t.history.objects.in_bulk([r.previous_id for r in page if r.previous_id])
        for record in page:
            loaded[(kind, record.history_id)] = (record, previous.get(record.previous_id))
            for r in (record, previous.get(record.previous_id)):
                if r is None:
                    continue
                names.want(User, r.history_user_id)
                for f in t.fields:
                    if f.is_relation:
                        names.want(f.related_model, getattr(r, f.attname))
        history_ids = [r.history_id for r in page] + list(previous)
        links[kind] = {}
        for m2m in t.m2m_fields:
            through = getattr(t.history, m2m.name).model
            target = m2m.m2m_reverse_field_name()
            linked: dict[int, set] = defaultdict(set)
            for history_id, target_id in through.objects.filter(history_id__in=history_ids).values_list(
                "history_id", f"{target}_id"
            ):
                linked[history_id].add(target_id)
                names.want(m2m.related_model, target_id)
            links[kind][m2m.name] = linked
    names.fetch()

    result = []
    for _, history_id, kind in rows:
        t = by_key[kind]
        record, previous = loaded[(kind, history_id)]
        changes = []
        if record.history_type != "-":
            for f in t.fields:
                after = _shown(record, f, names)
                before_value = _shown(previous, f, names) if previous is not None else NONE
                if before_value != after:
                    changes.append(Change(_label(f), before_value, after))
            for m2m in t.m2m_fields:
                linked = links[kind][m2m.name]

                def shown_links(r, m2m=m2m, linked=linked):
                    if r is None:
                        return NONE
                    shown = sorted(names.name(m2m.related_model, i) for i in linked.get(r.history_id, ()))
                    return ", ".join(shown) or NONE

                before_value, after = shown_links(previous), shown_links(record)
                if before_value != after:
                    changes.append(Change(_label(m2m), before_value, after))
        who = names.name(User, record.history_user_id) if record.history_user_id else "System"
        result.append(
            Entry(
                when=record.history_date,
                who=who,
                action=ACTIONS.get(record.history_type, record.history_type),
                kind=t.label,
                what=_describe(t, record, names),
                changes=changes,
            )
        )
    return result


def sign_in_records(*, user=None, since=None, until=None):
    """The sign-in record, newest first, filtered like the history."""
    from riskreg.models import SignInEvent

    events = SignInEvent.objects.select_related("user")
    if user is not None:
        events = events.filter(user=user)
    if since:
        events = events.filter(when__gte=_day_start(since))
    if until:
        events = events.filter(when__lt=_day_start(until + datetime.timedelta(days=1)))
    return events.order_by("-when", "-id")


def sign_in_entries(events) -> list[Entry]:
    return [
        Entry(
            when=event.when,
            who=str(event.user) if event.user else (event.username or "Unknown"),
            action=event.get_kind_display(),
            kind=event.get_method_display(),
            what=f"{event.username or '(no username)'} from {event.ip_address or 'an unknown address'}",
            detail=event.detail,
        )
        for event in events
    ]
