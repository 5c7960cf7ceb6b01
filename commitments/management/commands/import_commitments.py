from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.importing import plan_import
from commitments.urls import IMPORTER
from riskreg.imports import apply_listed


class Command(BaseCommand):
    help = "Import commitments (and optional approved quarterly statuses) from a CSV or XLSX file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        content = file.read_bytes()
        result = plan_import(file.name, content)
        if not result.is_valid:
            raise CommandError("Nothing was imported:\n" + "\n".join(result.errors))
        for change in result.changes:
            self.stdout.write(f"Row {change.row}, commitment {change.ref}{' (new)' if change.is_new else ''}:")
            for item in change.changes:
                self.stdout.write(f"  {item.field}: {item.before!r} -> {item.after!r}")
        if not result.has_changes:
            self.stdout.write("The file matches the register: nothing to change.")
            return
        if dry_run:
            self.stdout.write(f"Dry run: {len(result.changes)} commitments would change.")
            return
        apply_listed(IMPORTER, name=file.name, content=content, result=result, by=None)
        self.stdout.write(self.style.SUCCESS(f"Imported: {result.summary}."))
