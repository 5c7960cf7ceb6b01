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

import json
import os
import tempfile

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "riskreg-register"
VERSION = 1

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
]
# Not register data: the commitments register's cache token, which the migrations create
# and the restore's own saves renew.
NOT_EXPORTED = ["commitments.registerversion"]


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


def _with_referenced(queryset):
    """select_related for what the natural keys read: the rows referred to, and theirs."""
    names = []
    for field in queryset.model._meta.fields:
        if field.is_relation and hasattr(field.related_model, "natural_key"):
            names.append(field.name)
            names += [
                f"{field.name}__{inner.name}"
                for inner in field.related_model._meta.fields
                if inner.is_relation and not inner.null
            ]
    return queryset.select_related(*names) if names else queryset


def register_data() -> list[dict]:
    data = []
    for label in MODELS:
        model = apps.get_model(label)
        rows = _with_referenced(model._base_manager.order_by("pk"))
        data += serializers.serialize("python", rows, use_natural_foreign_keys=True)
    for model in history_models():
        # Ids, not natural keys: history may name rows deleted since.
        rows = model._base_manager.order_by("pk")
        data += serializers.serialize("python", rows, use_natural_foreign_keys=False)
    return data


def export_document() -> dict:
    applied = MigrationRecorder.Migration.objects.filter(app__in=["riskreg", "commitments", "risks", "committee"])
    latest: dict[str, str] = {}
    for app, name in applied.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "migrations": latest,
        "data": register_data(),
    }


class Command(BaseCommand):
    help = "Write the whole register (and its history) to FILE as versioned JSON; '-' writes to standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write, e.g. register-2025-12-11.json ('-' for standard output)")

    def handle(self, *args, file, **options):
        document = export_document()
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        if file == "-":
            self.stdout.write(text)
            return
        # Written beside the target and renamed: a failed export never leaves half a file.
        folder = os.path.dirname(os.path.abspath(file))
        temporary = None
        try:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as out:
                temporary = out.name
                out.write(text)
            os.chmod(temporary, 0o600)  # password hashes and two-factor secrets
            os.replace(temporary, file)
        except OSError as error:
            if temporary and os.path.exists(temporary):
                os.unlink(temporary)
            raise CommandError(f"Could not write {file}: {error.strerror}.") from None
        self.stderr.write(self.style.SUCCESS(f"Exported {len(document['data'])} records to {file}."))
