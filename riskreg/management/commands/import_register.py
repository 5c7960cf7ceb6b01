"""manage.py import_register FILE: restore a file written by export_register.

Only into an empty register (a database just migrated): it refuses otherwise, so
that a restore never mixes two registers. All or nothing: one transaction.
"""

import base64
import binascii
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import batched, groupby

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from riskreg.management.commands.export_register import (
    FORMAT,
    MODELS,
    READS,
    ExportEncoder,
    _wide_fields,
    _with_referenced,
    history_models,
    rows_at_a_time,
)
from riskreg.signals import register_restored


def _register_models() -> list:
    return [apps.get_model(label) for label in MODELS] + history_models()


def rows_present() -> dict[str, int]:
    """Rows already in the register's tables, by table, the empty ones left out."""
    counts = {model._meta.label: model._base_manager.count() for model in _register_models()}
    return {label: count for label, count in counts.items() if count}


def read_document(file: str) -> Iterator[dict]:
    """The export's records, one at a time: checked for its format and version first, then
    read as restored, so a restore's memory does not grow with the register."""
    try:
        source = open(file, encoding="utf-8")  # noqa: SIM115 - closed when the records are read
    except OSError as error:
        raise CommandError(f"Could not read {file}: {error.strerror}.") from None
    try:
        header, records = _header_and_records(source)
    except UnicodeDecodeError:
        raise CommandError(f"{file} is not a register export: it is not JSON.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CommandError(f"{file} is not a register export (made by manage.py export_register).")
    if header.get("version") not in READS:
        readable = " and ".join(str(version) for version in READS)
        raise CommandError(
            f"{file} is a version {header.get('version')!r} export; this register reads versions {readable}."
        )
    if records is None:
        raise CommandError(f"{file} has no data list: it is damaged.")
    return _closing(source, records, file)


READ = 1 << 20  # characters read at a time
_DATA = re.compile(r'"data"\s*:\s*\[')
_DECODER = json.JSONDecoder()


def _header_and_records(source) -> tuple[object, Iterator[dict] | None]:
    """export_register writes its header, then "data": [ and a record a line. Read so, the
    records come one at a time; any other layout of the same JSON is read whole."""
    text = source.read(READ)
    found = _DATA.search(text)
    if found:
        try:
            header = json.loads(text[: found.start()].rstrip().rstrip(",") + "}")
        except json.JSONDecodeError:
            header = None
        if isinstance(header, dict):
            return header, _records(source, text, found.end())
    text += source.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise CommandError(f"{source.name} is not a register export: it is not JSON.") from None
    if not isinstance(document, dict):
        return document, None
    data = document.get("data")
    return document, (iter(data) if isinstance(data, list) else None)


def _records(source, text: str, at: int) -> Iterator[dict]:
    while True:
        while True:  # to the next record, past the commas and line ends between them
            while at < len(text) and text[at] in " \t\r\n,":
                at += 1
            if at < len(text):
                break
            text, at = source.read(READ), 0
            if not text:
                raise CommandError(f"{source.name} ends in the middle of its data: it is damaged.")
        if text[at] == "]":
            return
        try:
            record, end = _DECODER.raw_decode(text, at)
        except json.JSONDecodeError:
            # A record cut by the end of what was read: read as much again as the record has so
            # far (a long one is decoded a few times, not once per READ), and no more. Reading as
            # much as the whole buffer held let it grow at every cut record, to tens of
            # megabytes after the pieces at 100x, copied whole at each cut.
            rest = text[at:]
            more = source.read(max(READ, len(rest)))
            if not more:
                raise CommandError(f"{source.name} ends in the middle of a record: it is damaged.") from None
            text, at = rest + more, 0
            continue
        yield record
        at = end  # not text[end:]: copying the rest of what was read, a record at a time, was slow


def _closing(source, records: Iterator[dict], file: str) -> Iterator[dict]:
    with source:
        for record in records:
            if not isinstance(record, dict):
                raise CommandError(f"{file} has a record that is not an object: it is damaged.")
            yield record


class Command(BaseCommand):
    help = "Restore the register from a file written by export_register, into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export to restore")

    def handle(self, *args, file, **options):
        records = read_document(file)
        present = rows_present()
        if present:
            listed = ", ".join(f"{count} {label}" for label, count in sorted(present.items()))
            raise CommandError(
                f"The register already has data ({listed}): nothing was imported. "
                "Restore into an empty database (create it, then manage.py migrate)."
            )
        try:
            count = self._restore(records, file)
        except CommandError:
            raise
        except Exception as error:  # a bad reference, a broken constraint: say which, write nothing
            raise CommandError(f"Nothing was imported: {type(error).__name__}: {error}") from None
        self.stderr.write(self.style.SUCCESS(f"Imported {count} records from {file}."))

    @transaction.atomic
    def _restore(self, records: Iterator[dict], file: str) -> int:
        """The records in batches of one model, each written by one bulk insert (in the
        order of the file, which puts what a row refers to before it); a long column's
        pieces, which follow its row, put together in the database."""
        allowed = {model._meta.label_lower for model in _register_models()}
        connection = connections[DEFAULT_DB_ALIAS]
        keys = NaturalKeys(connection, _register_models())
        pieces = Pieces(connection, file)
        count = 0
        for label, same_model in groupby(records, key=lambda record: record.get("model")):
            if label not in allowed:
                raise CommandError(f"{file} holds records this register does not restore: {label}.")
            model = apps.get_model(label)
            size = min(BATCH, rows_at_a_time(model))
            batch = []
            for record in same_model:
                if "piece" in record:
                    count += _restore_batch(batch, keys)  # the piece's row first
                    batch = []
                    pieces.add(model, record)
                    continue
                pieces.put_together()
                batch.append(record)
                if len(batch) == size:
                    count += _restore_batch(batch, keys)
                    batch = []
            count += _restore_batch(batch, keys)
            pieces.put_together()
        pieces.close()
        keys.close()
        # Rows came with their ids: move each table's id sequence past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), _register_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        register_restored.send(sender=self.__class__)
        return count


class Pieces:
    """A long column's pieces (export_register's PIECE), kept in a temporary table as they
    are read and joined into the column by one UPDATE in the database: the restore never
    holds the whole column, a public release's 70 MB at 100 times the demo's size."""

    TABLE = "riskreg_restore_piece"
    # The pieces joined, in order, as bytes. (SQLite's group_concat follows the order of
    # its subquery, here the table's own: seq is its rowid.)
    JOINED = {
        "postgresql": f"(SELECT string_agg(part, ''::bytea ORDER BY seq) FROM {TABLE})",
        "sqlite": f"(SELECT CAST(group_concat(part, x'') AS BLOB) FROM (SELECT part FROM {TABLE} ORDER BY seq))",
    }
    AS_TEXT = {"postgresql": "convert_from({}, 'UTF8')", "sqlite": "CAST({} AS TEXT)"}

    def __init__(self, connection, file: str):
        self.connection, self.file = connection, file
        self.column = None  # (model, pk, field) of the pieces in the table
        self.count = 0
        part = connection.data_types["BinaryField"]
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} (seq integer PRIMARY KEY, part {part} NOT NULL)")

    def add(self, model, record: dict) -> None:
        field = next((f for f in _wide_fields(model) if f.name == record["piece"]), None)
        text = record.get("text")
        if field is None or not isinstance(text, str):
            raise CommandError(f"{self.file} has a piece of {model._meta.label_lower} that is not a long column.")
        if isinstance(field, models.BinaryField):
            try:
                part = base64.b64decode(text, validate=True)
            except binascii.Error:
                raise CommandError(f"{self.file} has a piece of a file that is not base64: it is damaged.") from None
        else:
            part = text.encode("utf-8")
        column = (model, record.get("pk"), field)
        if column != self.column:
            self.put_together()
            self.column = column
        self.count += 1
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.TABLE} (seq, part) VALUES (%s, %s)", [self.count, part])

    def put_together(self) -> None:
        if self.column is None:
            return
        model, pk, field = self.column
        vendor, quote = self.connection.vendor, self.connection.ops.quote_name
        joined = self.JOINED[vendor]
        if not isinstance(field, models.BinaryField):  # text in the column's own type (PostgreSQL's jsonb)
            joined = f"CAST({self.AS_TEXT[vendor].format(joined)} AS {field.db_type(self.connection)})"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = {joined} "
                f"WHERE {quote(model._meta.pk.column)} = %s",
                [pk],
            )
            if cursor.rowcount != 1:
                label = model._meta.label_lower
                raise CommandError(f"{self.file} has pieces of {label} {pk!r}, a row it does not hold.")
            cursor.execute(f"DELETE FROM {self.TABLE}")
        self.column = None

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.TABLE}")


BATCH = 500  # records of one model inserted at a time


def _restore_batch(batch, keys: "NaturalKeys") -> int:
    if not batch:
        return 0
    # Inserted in bulk, so no signal runs: restored rows are not changes and get no new
    # history (the file has the history), their many-to-many links neither.
    items = list(serializers.deserialize("python", keys.resolved(batch), handle_forward_references=True))
    model = type(items[0].object)
    objects = [item.object for item in items]
    # A bulk insert stamps auto_now(_add) dates with now; the file's dates are put back after.
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    as_written = [[getattr(obj, name) for name in stamped] for obj in objects]
    model._base_manager.bulk_create(objects)
    if stamped:
        for obj, values in zip(objects, as_written, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(obj, name, value)
        model._base_manager.bulk_update(objects, stamped)
    links = defaultdict(list)
    for item in items:
        for name, pks in (item.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            links[through] += [
                through(**{f"{field.m2m_field_name()}_id": item.object.pk, f"{field.m2m_reverse_field_name()}_id": pk})
                for pk in pks
            ]
    for through, rows in links.items():
        through._base_manager.bulk_create(rows)
    for item in items:
        if item.deferred_fields:  # a reference to a row later in the file
            item.object.skip_history_when_saving = True
            item.save_deferred_fields()
    keys.add(model, [obj.pk for obj in objects])
    return len(items)


class NaturalKeys:
    """The ids of the rows that restored rows refer to by natural key. Django's deserializer
    looks each reference up with a query of its own (most of a restore's time); here the
    natural keys of the rows referred to are written to a temporary table as the rows are
    restored, and a batch's references replaced by ids with a query per model referred to,
    before the deserializer sees them. In the database, not in memory: a dictionary of them
    grew with the users, commitments and risks (9 MB at 100 times the demo's size).

    A reference not found is left as written: a row later in the file (the deserializer
    defers it) or a row that is not there, which the deserializer names."""

    TABLE = "riskreg_restore_key"
    AT_A_TIME = 500  # keys looked up by one query

    def __init__(self, connection, restored: list):
        self.connection = connection
        # Per model restored: its fields that refer by natural key, and whether to many.
        self.fields = {
            model: [
                (field.name, field.related_model, field.many_to_many)
                for field in [*model._meta.fields, *model._meta.many_to_many]
                if field.is_relation
                and hasattr(field.related_model, "natural_key")
                and hasattr(field.related_model._default_manager, "get_by_natural_key")
            ]
            for model in restored
        }
        self.targets = {target for fields in self.fields.values() for _, target, _ in fields}
        with connection.cursor() as cursor:
            columns = "model text NOT NULL, natural_key text NOT NULL, id text NOT NULL"
            cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} ({columns})")
            cursor.execute(f"CREATE INDEX {self.TABLE}_lookup ON {self.TABLE} (model, natural_key)")
        # Rows outside the register (the roles and permissions migrations create) are read whole.
        for target in self.targets - set(restored):
            self._write(target._base_manager.all())

    def resolved(self, batch: list[dict]) -> list[dict]:
        """The batch's records, their references by natural key replaced by the ids found."""
        references = [  # (a record's fields, the field's name, the model it refers to, to many)
            (fields, name, target, many)
            for fields, label in ((record.get("fields"), record.get("model")) for record in batch)
            if isinstance(fields, dict) and isinstance(label, str)  # else the deserializer names what is wrong
            for name, target, many in self.fields[apps.get_model(label)]
            if name in fields
        ]
        wanted = defaultdict(set)
        for fields, name, target, many in references:
            wanted[target] |= {_key_text(key) for key in _each(fields[name], many) if isinstance(key, list)}
        ids = {target: self._ids(target, keys) for target, keys in wanted.items()}
        for fields, name, target, many in references:
            # A key is a list; anything else is an id already, or None.
            found = [
                ids[target].get(_key_text(key), key) if isinstance(key, list) else key
                for key in _each(fields[name], many)
            ]
            fields[name] = found if many and isinstance(fields[name], list) else found[0]
        return batch

    def _ids(self, target, keys: set[str]) -> dict[str, object]:
        found = {}
        with self.connection.cursor() as cursor:
            for some in batched(sorted(keys), self.AT_A_TIME):
                listed = ", ".join(["%s"] * len(some))
                cursor.execute(
                    f"SELECT natural_key, id FROM {self.TABLE} WHERE model = %s AND natural_key IN ({listed})",
                    [target._meta.label_lower, *some],
                )
                found.update((key, target._meta.pk.to_python(pk)) for key, pk in cursor.fetchall())
        return found

    def add(self, model, pks: list) -> None:
        if model in self.targets:
            self._write(model._base_manager.filter(pk__in=pks))

    def _write(self, rows) -> None:
        label = rows.model._meta.label_lower
        # No many-to-many: natural keys do not read them, and a prefetched link refers back
        # to its row, a cycle left for the garbage collector (memory growing with the register).
        read = _with_referenced(rows, many_to_many=False).iterator(chunk_size=BATCH)
        with self.connection.cursor() as cursor:
            for chunk in batched(read, BATCH):
                cursor.executemany(
                    f"INSERT INTO {self.TABLE} (model, natural_key, id) VALUES (%s, %s, %s)",
                    [(label, _key_text(row.natural_key()), str(row.pk)) for row in chunk],
                )

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.TABLE}")


def _key_text(key) -> str:
    """A natural key as the export writes it (a JSON list), from the file or from a row."""
    return json.dumps(list(key), cls=ExportEncoder, ensure_ascii=False)


def _each(value, many: bool) -> list:
    """The references in a field's value: a list of them to many, else the one."""
    return value if many and isinstance(value, list) else [value]
