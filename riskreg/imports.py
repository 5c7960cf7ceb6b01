"""The one import flow both registers use: upload a file, preview what it would change,
confirm. Each register supplies an Importer: its parser, its apply step and its preview.

Nothing is written until the confirmation, which re-reads the kept file and applies it
only if it still does exactly what the preview showed.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST

from riskreg.forms import TabularUploadForm, posted
from riskreg.models import PendingImport, RegisterLock

CHANGED_SINCE_PREVIEW = "The register changed after the preview, so nothing was imported. Check the new preview below."
CHANGED_SINCE_LISTED = (
    "The register changed after the changes were listed, so nothing was imported. "
    "Run the command again to see what the file would change now."
)
PENDING_KEPT = datetime.timedelta(days=1)


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(kw_only=True)
class QuarterPlan:
    """One quarter's row of an item in a file (a risk's assessment, a KPI's value): new, or
    what it changes."""

    period: object  # a ReportingPeriod
    row: int
    is_new: bool
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(kw_only=True)
class ItemPlan:
    """One item of a file (a risk, a KPI), new or what it changes, with its quarters' rows."""

    ref: str
    row: int
    is_new: bool
    values: dict
    changes: list[FieldChange] = field(default_factory=list)

    def quarter_plans(self) -> list[QuarterPlan]:
        raise NotImplementedError

    @property
    def has_changes(self) -> bool:
        return bool(self.is_new or self.changes or any(q.is_new or q.changes for q in self.quarter_plans()))


@dataclass
class QuarterlyImportPlan:
    """What a file of items with a row per quarter (the risks', the KPIs') would do, writing
    nothing. A register's plan names its items and their quarters' rows, in the keys of
    `counts` (ITEMS, QUARTERS) and in the words of the summary (ITEM_WORDS)."""

    filename: str
    rows_read: int = 0
    errors: list[str] = field(default_factory=list)

    ITEMS: ClassVar[str]  # the attribute holding the ItemPlans, e.g. "risks"
    QUARTERS: ClassVar[str]  # what the quarters' rows are, e.g. "assessments"
    ITEM_WORDS: ClassVar[str]  # the items in the summary, e.g. "risks", "KPIs"

    @property
    def items(self) -> list[ItemPlan]:
        return getattr(self, self.ITEMS)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(item.has_changes for item in self.items)

    @property
    def counts(self) -> dict[str, int]:
        quarters = [q for item in self.items for q in item.quarter_plans()]
        return {
            f"new_{self.ITEMS}": sum(1 for item in self.items if item.is_new),
            f"changed_{self.ITEMS}": sum(1 for item in self.items if not item.is_new and item.changes),
            f"new_{self.QUARTERS}": sum(1 for q in quarters if q.is_new),
            f"changed_{self.QUARTERS}": sum(1 for q in quarters if not q.is_new and q.changes),
        }

    @property
    def summary(self) -> str:
        counts = list(self.counts.values())
        return (
            f"{counts[0]} new and {counts[1]} changed {self.ITEM_WORDS}, "
            f"{counts[2]} new and {counts[3]} changed {self.QUARTERS}"
        )

    def digest(self) -> str:
        """A fingerprint of what the import would do, to check the preview still holds."""
        shape = [
            [
                item.ref,
                item.is_new,
                [vars(c) for c in item.changes],
                [[q.period.label, q.is_new, [vars(c) for c in q.changes]] for q in item.quarter_plans()],
            ]
            for item in self.items
        ]
        return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Importer:
    """A register's part of the import flow.

    `read(filename, content)` works out every change and writes nothing; its result has
    is_valid, errors, has_changes, rows_read, summary and digest(). `apply(result=, by=)`
    writes a valid result, all or nothing. `preview` is the register's template of
    its table of changes (partial "changes") and of its file's columns ("columns").
    """

    app: str  # the register's URL namespace: its pages are <app>:import, :import_confirm, :register
    title: str
    may_import: Callable
    read: Callable
    apply: Callable
    form_class: type[TabularUploadForm]
    columns: list[str]
    preview: str
    layout: str = "base.html"

    @property
    def session_key(self) -> str:
        return f"{self.app}_import"

    @property
    def url_name(self) -> str:
        return f"{self.app}:import"

    @property
    def confirm_url_name(self) -> str:
        return f"{self.app}:import_confirm"

    @property
    def done_url_name(self) -> str:
        return f"{self.app}:register"


def model_field_errors(model, **values) -> list[str]:
    """What the model's own fields say of the values (their length, choices, blanks): a
    file's rows are checked by the rules the database keeps, not a copy of them."""
    errors = []
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        try:
            model_field.clean(value, None)
        except ValidationError as error:
            # Without their full stops: the row's message puts them together and ends it.
            said = " ".join(message.rstrip(".") for message in error.messages)
            errors.append(f"{capfirst(model_field.verbose_name)}: {said}")
    return errors


def remember_preview(request, importer: "Importer", name: str, content: bytes, result) -> None:
    """Keep the previewed file for its confirmation, or forget any earlier one.

    The digest lets the confirmation check that the import still does what the preview showed.
    """
    forget_preview(request, importer)
    # A preview left unconfirmed is kept a day at most.
    PendingImport.objects.filter(uploaded_at__lt=timezone.now() - PENDING_KEPT).delete()
    if result.is_valid and result.has_changes:
        pending = PendingImport.objects.create(
            user=request.user, register=importer.app, name=name, content=content, digest=result.digest()
        )
        request.session[importer.session_key] = pending.pk


def forget_preview(request, importer: "Importer") -> None:
    request.session.pop(importer.session_key, None)
    PendingImport.objects.filter(user=request.user, register=importer.app).delete()


def previewed_file(request, importer: "Importer") -> tuple[str, bytes, str] | None:
    """(file name, content, digest of the previewed changes), or None."""
    pk = request.session.get(importer.session_key)
    pending = (
        PendingImport.objects.filter(pk=pk, user=request.user, register=importer.app).first()
        if isinstance(pk, int)
        else None
    )
    if pending is None:
        return None
    return pending.name, bytes(pending.content), pending.digest


def lock_register(name: str) -> None:
    """Hold the register's lock until the transaction ends: a second holder waits for it.

    A write, not SELECT FOR UPDATE, so that SQLite (which has no row locks) takes its
    database write lock here, before the transaction has read anything.
    """
    if not RegisterLock.objects.filter(name=name).update(name=name):
        RegisterLock.objects.get_or_create(name=name)
        RegisterLock.objects.filter(name=name).update(name=name)


@transaction.atomic
def apply_if_unchanged(importer: "Importer", *, name: str, content: bytes, digest: str, by):
    """(the file read again, whether it was applied): applied only if it still does
    exactly what was previewed (`digest`).

    Read again under the register's lock, so of two confirmations at the same moment
    the second reads what the first wrote, and so applies nothing.
    """
    lock_register(importer.app)
    result = importer.read(name, content)
    if not result.is_valid or result.digest() != digest:
        return result, False
    importer.apply(result=result, by=by)
    return result, True


def apply_listed(importer: "Importer", *, name: str, content: bytes, result, by) -> None:
    """A command's confirmation of the changes it listed (`result`), as the web's: under
    the register's lock, so that a command and a confirmation at the same moment cannot
    both apply. Raises CommandError if the register changed since."""
    _, applied = apply_if_unchanged(importer, name=name, content=content, digest=result.digest(), by=by)
    if not applied:
        raise CommandError(CHANGED_SINCE_LISTED)


def _page(request, importer: Importer, form, result):
    context = {"importer": importer, "form": form, "result": result}
    return render(request, "riskreg/import.html", context)


@require_http_methods(["GET", "POST"])
def import_upload(request, importer: Importer):
    """Upload a file and see what it would change. Nothing is written here."""
    if not importer.may_import(request.user):
        raise PermissionDenied
    form = importer.form_class(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = importer.read(upload.name, content)
        remember_preview(request, importer, upload.name, content, result)
    return _page(request, importer, form, result)


@require_POST
def import_confirm(request, importer: Importer):
    """Apply the previewed import, all or nothing, if it still does what the preview said."""
    if not importer.may_import(request.user):
        raise PermissionDenied
    pending = previewed_file(request, importer)
    if not pending:
        messages.error(request, "There is no import waiting to be confirmed. Upload the file again.")
        return redirect(importer.url_name)
    name, content, digest = pending
    result, applied = apply_if_unchanged(importer, name=name, content=content, digest=digest, by=request.user)
    if not applied:
        # The new preview's button confirms what it now shows.
        remember_preview(request, importer, name, content, result)
        messages.error(request, CHANGED_SINCE_PREVIEW)
        return _page(request, importer, importer.form_class(), result)
    forget_preview(request, importer)
    messages.success(request, f"Imported {name}: {result.summary}.")
    return redirect(importer.done_url_name)
