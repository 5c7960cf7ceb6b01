"""manage.py import_register FILE: restore a file written by export_register.

Only into an empty register (a database just migrated): it refuses otherwise, so
that a restore never mixes two registers. All or nothing: one transaction.
"""

import json

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from riskreg.management.commands.export_register import FORMAT, MODELS, VERSION, history_models


def _register_models() -> list:
    return [apps.get_model(label) for label in MODELS] + history_models()


def rows_present() -> dict[str, int]:
    """Rows already in the register's tables, by table, the empty ones left out."""
    counts = {model._meta.label: model._base_manager.count() for model in _register_models()}
    return {label: count for label, count in counts.items() if count}


def read_document(file: str) -> list:
    try:
        with open(file, encoding="utf-8") as source:
            document = json.load(source)
    except OSError as error:
        raise CommandError(f"Could not read {file}: {error.strerror}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CommandError(f"{file} is not a register export: it is not JSON.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CommandError(f"{file} is not a register export (made by manage.py export_register).")
    if document.get("version") != VERSION:
        raise CommandError(
            f"{file} is a version {document.get('version')!r} export; this register reads version {VERSION}."
        )
    if not isinstance(document.get("data"), list):
        raise CommandError(f"{file} has no data list: it is damaged.")
    return document["data"]


class Command(BaseCommand):
    help = "Restore the register from a file written by export_register, into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export to restore")

    def handle(self, *args, file, **options):
        data = read_document(file)
        present = rows_present()
        if present:
            listed = ", ".join(f"{count} {label}" for label, count in sorted(present.items()))
            raise CommandError(
                f"The register already has data ({listed}): nothing was imported. "
                "Restore into an empty database (create it, then manage.py migrate)."
            )
        allowed = {model._meta.label_lower for model in _register_models()}
        unknown = sorted({str(row.get("model")) for row in data if row.get("model") not in allowed})
        if unknown:
            raise CommandError(f"{file} holds records this register does not restore: {', '.join(unknown)}.")
        try:
            count = self._restore(data)
        except CommandError:
            raise
        except Exception as error:  # a bad reference, a broken constraint: say which, write nothing
            raise CommandError(f"Nothing was imported: {type(error).__name__}: {error}") from None
        self.stderr.write(self.style.SUCCESS(f"Imported {count} records from {file}."))

    @transaction.atomic
    def _restore(self, data: list) -> int:
        count = 0
        deferred = []
        for item in serializers.deserialize("python", data, handle_forward_references=True):
            # Restored rows are not changes: no new history (the file has the history).
            # raw saves add none; setting many-to-many links would, without this.
            item.object.skip_history_when_saving = True
            item.save()
            if item.deferred_fields:
                deferred.append(item)
            count += 1
        for item in deferred:
            item.save_deferred_fields()
        # Rows came with their ids: move each table's id sequence past them (PostgreSQL).
        connection = connections[DEFAULT_DB_ALIAS]
        statements = connection.ops.sequence_reset_sql(no_style(), _register_models())
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return count
