"""manage.py export_register FILE: the whole register as one versioned JSON file.

Users (with their roles and two-factor devices), the plan, periods, commitments and
their updates, the scoring matrix, risks and everything about them, papers and
published papers, and the change history of all of these. import_register reads it
back into an empty database. For production backups use pg_dump (README): this file is
for moving a register between databases or keeping a readable copy.

Rows keep their ids (the history refers to them by id); references to users, plans,
periods, commitments, risks and papers are written as natural keys, readable and
checked on import. The file holds password hashes and two-factor secrets: keep it as
safe as the database.
"""

import base64
import datetime
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from itertools import batched
from operator import or_

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F, Q
from django.db.models.functions import Cast, Length, Substr
from django.utils import timezone

FORMAT = "riskreg-register"
# Version 2 writes a column longer than PIECE in pieces of its own (version 1 had none).
VERSION = 2
READS = (1, 2)

# In the order they are restored: what a row refers to comes before it. Roles (auth
# groups) are not here: migrations create them, and users name theirs by natural key.
MODELS = [
    "riskreg.user",
    "riskreg.signinevent",
    "otp_totp.totpdevice",
    # Backup codes: a restored register still lets in someone whose phone is lost.
    "otp_static.staticdevice",
    "otp_static.statictoken",
    "commitments.plan",
    "commitments.policyarea",
    "commitments.reportingperiod",
    "commitments.meeting",
    "commitments.commitment",
    "commitments.commitmentpolicyarea",
    "commitments.statusupdate",
    "commitments.contribution",
    "risks.scoringmatrix",
    "risks.level",
    "risks.band",
    "risks.risk",
    "risks.assessment",
    "risks.statuschange",
    "risks.action",
    "committee.paper",
    "committee.publishedpaper",
    # The page and files as rendered from each version: a restored register serves the same bytes.
    "committee.publishedpage",
    "committee.publishedfile",
    # The office's Word template, which the papers' Word files are built on.
    "committee.wordtemplate",
    # The Panel's reports, each version as presented and its files.
    "panel.panelreport",
    "panel.publishedpanelreport",
    "panel.publishedpanelfile",
    "kpis.kpi",
    "kpis.kpivalue",
    "performance.publicrelease",
    "api.apitoken",
]
# Not register data: the commitments register's cache token, which the migrations create
# and the restore's own saves renew; imports waiting to be confirmed, and the imports' locks.
NOT_EXPORTED = ["commitments.registerversion", "riskreg.pendingimport", "riskreg.registerlock"]


def history_models() -> list:
    """The history tables of MODELS, many-to-many ones included, in MODELS' order."""
    found = []
    for label in MODELS:
        model = apps.get_model(label)
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            history = getattr(model, manager).model
            found.append(history)
            found += [getattr(history, field.name).model for field in history._history_m2m_fields]
    return found


def _with_referenced(queryset, *, many_to_many: bool = True):
    """select_related of what the natural keys read: the rows referred to, and theirs; and
    prefetch_related of the many-to-many links the export writes (those without a model of
    their own, which is exported). A query per chunk, not per row."""
    joined, prefetched = [], []
    for field in [*queryset.model._meta.fields, *queryset.model._meta.many_to_many]:
        if field.is_relation and hasattr(field.related_model, "natural_key"):
            if field.many_to_many and not (many_to_many and field.remote_field.through._meta.auto_created):
                continue  # not wanted, or a through model of its own, exported as its rows
            names = joined if not field.many_to_many else prefetched
            names.append(field.name)
            names += [
                f"{field.name}__{inner.name}"
                for inner in field.related_model._meta.fields
                if inner.is_relation and not inner.null
            ]
    if joined:
        queryset = queryset.select_related(*joined)
    return queryset.prefetch_related(*prefetched) if prefetched else queryset


# Rows read and written at a time: the memory the export needs stays this size. A user with
# their roles, or a risk with its commitments, takes about 10 kB as read.
CHUNK = 500


def rows_at_a_time(model) -> int:
    """How many rows of the model to hold at once: CHUNK, but one of those holding files
    (each up to a PIECE, the rest in pieces), so that the memory follows the largest file
    held, not the number of them."""
    holds_files = any(isinstance(field, models.BinaryField) for field in model._meta.concrete_fields)
    return 1 if holds_files else CHUNK


def register_records() -> Iterator[dict]:
    """Every row of the register and its history, as serialised records, read in chunks."""
    for label in MODELS:
        model = apps.get_model(label)
        yield from _records_of(_with_referenced(model._base_manager.order_by("pk")), natural=True)
    for model in history_models():
        # Ids, not natural keys: history may name rows deleted since.
        yield from _records_of(model._base_manager.order_by("pk"), natural=False)


def _serialised(rows, *, natural: bool) -> Iterator[dict]:
    size = rows_at_a_time(rows.model)
    for chunk in batched(rows.iterator(chunk_size=size), size):
        yield from serializers.serialize("python", chunk, use_natural_foreign_keys=natural)
        for row in chunk:
            # A row's prefetched links refer back to the row: a cycle, freed only by the garbage
            # collector's rare full passes, so the export's memory grew with the register.
            row._prefetched_objects_cache = {}


# A column longer than this (characters, or bytes of a file) is written after its row in
# pieces this long. Some rows hold the whole register (a public release's snapshot and
# page, a published paper's PDF: 70 MB in one row at 100 times the demo's size), and the
# memory of the export and of the restore follows the longest piece, not the register.
PIECE = 1 << 20


def _wide_fields(model) -> list:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField | models.JSONField | models.BinaryField)
    ]


def _stored(field):
    """The column as the database holds it: a JSON value as its text, not parsed."""
    return Cast(F(field.attname), models.TextField()) if isinstance(field, models.JSONField) else F(field.attname)


def _long_columns(model) -> dict[int, list]:
    """The rows with a column longer than PIECE, by id, and those columns."""
    wide = _wide_fields(model)
    if not wide:
        return {}
    lengths = {f"length_of_{field.attname}": Length(_stored(field)) for field in wide}
    rows = (
        model._base_manager.annotate(**lengths)
        .filter(reduce(or_, [Q(**{f"{name}__gt": PIECE}) for name in lengths]))
        .values("pk", *lengths)
    )
    return {row["pk"]: [field for field in wide if row[f"length_of_{field.attname}"] > PIECE] for row in rows}


def _records_of(rows, *, natural: bool) -> Iterator[dict]:
    """The rows in id order, each with a long column followed by that column's pieces."""
    long = _long_columns(rows.model)
    after = 0  # ids start at 1
    for pk in sorted(long):
        yield from _serialised(rows.filter(pk__gt=after, pk__lt=pk), natural=natural)
        yield from _in_pieces(rows, pk, long[pk], natural=natural)
        after = pk
    yield from _serialised(rows.filter(pk__gt=after), natural=natural)


def _in_pieces(rows, pk: int, fields: list, *, natural: bool) -> Iterator[dict]:
    # The row without its long columns (empty in the record), then each column a piece at a time.
    row = rows.defer(*[field.name for field in fields]).get(pk=pk)
    for field in fields:
        setattr(row, field.attname, b"" if isinstance(field, models.BinaryField) else "")
    yield from serializers.serialize("python", [row], use_natural_foreign_keys=natural)
    one = rows.model._base_manager.filter(pk=pk)
    for field in fields:
        start = 1
        while part := one.values_list(Substr(_stored(field), start, PIECE), flat=True).get():
            if isinstance(part, bytes | memoryview):
                part = base64.b64encode(part).decode("ascii")
            yield {"model": rows.model._meta.label_lower, "pk": pk, "piece": field.name, "text": part}
            start += PIECE


def export_header() -> dict:
    applied = MigrationRecorder.Migration.objects.filter(
        app__in=["riskreg", "commitments", "risks", "committee", "panel", "kpis", "performance", "api"]
    )
    latest: dict[str, str] = {}
    for app, name in applied.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return {"format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat(), "migrations": latest}


class ExportEncoder(DjangoJSONEncoder):
    """Times to the microsecond: DjangoJSONEncoder's stop at the millisecond, so a restored
    row's time was not the row's, and one written as .000 came back written without."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


@contextmanager
def one_snapshot():
    """The register as it was at one moment. PostgreSQL's default reads each query as of
    its own start, so an export taken while officers work (minutes at 100 times the demo's
    size) could hold an update without the commitment it belongs to."""
    outermost = not connection.in_atomic_block  # a transaction already begun has its own reads
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_export(write) -> int:
    """The export document, written with `write(text)` as it is read: one record a line, never the
    whole register in memory. Returns how many records it holds."""
    with one_snapshot():
        header = json.dumps(export_header(), cls=ExportEncoder, ensure_ascii=False)
        write(header[:-1] + ', "data": [')
        count = 0
        for record in register_records():
            write(("\n" if count == 0 else ",\n") + json.dumps(record, cls=ExportEncoder, ensure_ascii=False))
            count += 1
        write("\n]}\n")
    return count


class Command(BaseCommand):
    help = "Write the whole register (and its history) to FILE as versioned JSON; '-' writes to standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, e.g. register-2025-12-11.json ('-' for standard output)")

    def handle(self, *args, file, **options):
        if file == "-":
            write_export(lambda text: self.stdout.write(text, ending=""))
            return
        # Written beside the target and renamed: a failed export never leaves half a file.
        folder = os.path.dirname(os.path.abspath(file))
        temporary = None
        try:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as out:
                temporary = out.name
                count = write_export(out.write)
            os.chmod(temporary, 0o600)  # password hashes and two-factor secrets
            os.replace(temporary, file)
        except OSError as error:
            if temporary and os.path.exists(temporary):
                os.unlink(temporary)
            raise CommandError(f"Could not write {file}: {error.strerror}.") from None
        self.stderr.write(self.style.SUCCESS(f"Exported {count} records to {file}."))
