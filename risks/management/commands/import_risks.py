from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from riskreg.imports import apply_listed
from risks import importing
from risks.urls import IMPORTER


class Command(BaseCommand):
    help = (
        "Import risks and their quarterly assessments from a CSV or XLSX file (one row per risk and quarter). "
        "Shows what would change, then asks before writing anything; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file; see fixtures/risks-import-example.csv")
        parser.add_argument("--dry-run", action="store_true", help="Show the changes and write nothing.")
        parser.add_argument("--yes", action="store_true", help="Write the changes without asking.")
        parser.add_argument("--user", help="Username of the register admin recorded as assessor and changer.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None or not by.is_register_admin():
                raise CommandError(f"{options['user']} is not a register admin.")
        content = path.read_bytes()
        plan = importing.plan_import(path.name, content)
        if not plan.is_valid:
            for error in plan.errors:
                self.stderr.write(error)
            raise CommandError(f"{path.name} cannot be imported: nothing has changed.")
        self._show(plan)
        if not plan.has_changes:
            self.stdout.write("The file matches the register: nothing to import.")
            return
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
            return
        if not options["yes"]:
            if not options.get("interactive", True):
                raise CommandError("Pass --yes to write the changes without asking.")
            answer = input("Write these changes? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write("Nothing written.")
                return
        apply_listed(IMPORTER, name=path.name, content=content, result=plan, by=by)
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {plan.summary}."))

    def _show(self, plan: importing.ImportPlan) -> None:
        for risk in plan.risks:
            state = "new risk" if risk.is_new else ("changes" if risk.has_changes else "no changes")
            self.stdout.write(f"{risk.ref} {risk.values['title']} ({state})")
            for change in risk.changes:
                self.stdout.write(f"  {change.field}: {change.before or '-'} -> {change.after or '-'}")
            for assessment in risk.assessments:
                label = f"{assessment.period.label} assessment{' (new)' if assessment.is_new else ''}"
                if not assessment.changes:
                    self.stdout.write(f"  {label}: no changes")
                for change in assessment.changes:
                    self.stdout.write(f"  {label}: {change.field}: {change.before or '-'} -> {change.after or '-'}")
