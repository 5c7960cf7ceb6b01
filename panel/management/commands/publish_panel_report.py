from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.models import ReportingPeriod
from panel.models import PanelReport
from panel.services import panel_report_publish


class Command(BaseCommand):
    help = "Publish (freeze) the Police and Crime Panel's report of a quarter, e.g. 2025-26 q2."

    def add_arguments(self, parser):
        parser.add_argument("fy", help="The financial year, as in the report's address: 2025-26")
        parser.add_argument("q", help="The quarter, as in the report's address: q2")
        parser.add_argument("--correction-reason", default="", help="Required when the report was published before.")
        parser.add_argument("--if-unpublished", action="store_true", help="Do nothing if already published.")

    def handle(self, *args, fy, q, correction_reason, if_unpublished, **options):
        period = ReportingPeriod.objects.from_url(fy, q)
        if period is None:
            raise CommandError(f"No reporting period {fy} {q} (write it as 2025-26 q2).")
        report = PanelReport.objects.filter(period=period).first()
        if report is None:
            raise CommandError(f"There is no Panel report for {period.label}: write its meeting details first.")
        if if_unpublished and report.versions.exists():
            self.stdout.write(f"The {period.label} Panel report is already published.")
            return
        try:
            # No request timeout here: the PDF and Word file are rendered now.
            published = panel_report_publish(
                report=report, by=None, correction_reason=correction_reason, render_now=True
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Published version {published.version} of the {period.label} Panel report.")
        )
