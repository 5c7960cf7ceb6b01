from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notice(models.Model):
    """One thing the register told one person, by email and on their Notifications page:
    a hand-over or the day's reminders. Its text is kept as it was sent."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Update submitted for review"
        RETURNED = "returned", "Update returned"
        APPROVED = "approved", "Update approved"
        WINDOW_OPENED = "window_opened", "Quarter open for updates"
        REMINDER = "reminder", "Reminder"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.URLField("page", max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    # The day a reminder is for: one reminder email per person per day, whatever runs.
    day = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day"], condition=Q(kind="reminder"), name="one_reminder_per_person_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind="reminder") | Q(day__isnull=True), name="only_reminders_have_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="notice_person_newest"),
            models.Index(fields=["state", "-created_at"], name="notice_state_newest"),
        ]

    def __str__(self):
        return f"{self.person}: {self.subject}"

    @property
    def is_retrying(self) -> bool:
        """Waiting after a failed attempt: it will be tried again."""
        return self.state == self.State.PENDING and self.attempts > 0


class ReminderSent(models.Model):
    """A reminder that goes once a quarter (N working days before the officers' deadline,
    the escalation to an SMT lead, the admins' outstanding list) went to this person: the
    daily job sends it once, and a missed day catches up once instead of replaying."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("commitments.ReportingPeriod", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "stage"], name="each_reminder_once_a_quarter")
        ]

    def __str__(self):
        return f"{self.person_id} {self.period_id} {self.stage}"


class Preferences(models.Model):
    """What a person has chosen to receive. The optional notices only: deadline reminders
    and escalations always go. No row means the defaults (everything on)."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    approvals = models.BooleanField("when an update of mine is approved", default=True)
    window_opens = models.BooleanField("when a quarter opens for updates", default=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"{self.person_id}'s notices"

    def wants(self, kind: str) -> bool:
        return {Notice.Kind.APPROVED: self.approvals, Notice.Kind.WINDOW_OPENED: self.window_opens}.get(kind, True)
