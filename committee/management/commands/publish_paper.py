from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.models import ReportingPeriod
from committee.models import Paper
from committee.services import paper_publish


class Command(BaseCommand):
    help = "Publish (freeze) the committee paper of a quarter, e.g. 2025-26-q2."

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="The quarter, as in its address: 2025-26-q2")
        parser.add_argument("--correction-reason", default="", help="Required when the paper was published before.")
        parser.add_argument("--if-unpublished", action="store_true", help="Do nothing if already published.")

    def handle(self, *args, quarter, correction_reason, if_unpublished, **options):
        period = ReportingPeriod.objects.from_slug(quarter)
        if period is None:
            raise CommandError(f"No reporting period {quarter!r} (write it as 2025-26-q2).")
        paper = Paper.objects.filter(period=period).first()
        if paper is None:
            raise CommandError(f"There is no paper for {period.label}: write its details first.")
        if if_unpublished and paper.versions.exists():
            self.stdout.write(f"The {period.label} paper is already published.")
            return
        try:
            # A command has no request timeout: render the slow files now, so that no reader
            # waits for them (the web publish queues them for the task worker).
            published = paper_publish(paper=paper, by=None, correction_reason=correction_reason, render_now=True)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Published version {published.version} of the {period.label} paper."))
