import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notices.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "The daily job: open quarters whose window opens today, queue the day's deadline reminders and "
        "escalations for the task worker to email, and queue again notices whose delivery was lost. "
        "Run it once a day (cron or a systemd timer); running it again the same day sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a date written YYYY-MM-DD, not {date!r}") from None
        summary = reminders_send(today=today)
        for period in summary.opened:
            self.stdout.write(f"Opened {period.label} for updates, as its window opens on {period.opens_on:%-d %B %Y}.")
        self.stdout.write(f"Queued reminders for {summary.reminded} people for {today:%-d %B %Y}.")
