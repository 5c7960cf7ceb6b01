"""The daily job (manage.py send_reminders): reminders before and after the deadlines,
escalations, and quarters opened on their planned day.

For each open quarter, on the day `today`:
- RISKREG_REMINDER_DAYS working days before the officers' deadline (5 and 1), each officer
  with updates still to submit gets a reminder listing them;
- after that deadline, a daily overdue reminder to the officer and, from
  RISKREG_ESCALATION_DAYS working days after it (2), one escalation to their SMT lead
  naming the officer and the commitments;
- after the SMT leads' review deadline, a daily reminder to each SMT lead of the updates
  waiting for their review, and one list of the quarter's outstanding updates to the admins.

Everything due to one person on one day goes in one email (Notice.day is unique per
person), so running the job twice on a day sends nothing twice. The once-a-quarter
reminders are recorded (ReminderSent): after a missed day the latest one due goes once,
the missed ones are not replayed, and a daily one covers only today.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from commitments import services as commitment_services
from commitments.models import Plan, ReportingPeriod, StatusUpdate
from commitments.quarters import quarter_readiness
from commitments.windows import working_days_after, working_days_before
from notices.models import Notice, ReminderSent
from notices.send import notice_record, page_address, waiting_deliver_again
from riskreg.dates import due_words
from riskreg.models import User
from riskreg.roles import Role

# Lines listed in one part of a reminder; the page it links to has every one.
LISTED = 50


@dataclass
class Section:
    """One part of a person's reminder: a headline, the commitments, the page to act on."""

    title: str
    lines: list[str]
    link: str

    def __post_init__(self):
        self.more = max(0, len(self.lines) - LISTED)
        self.lines = self.lines[:LISTED]


@dataclass
class Due:
    person: object
    sections: list[Section] = field(default_factory=list)
    stages: list[tuple[ReportingPeriod, str]] = field(default_factory=list)


@dataclass
class Summary:
    opened: list[ReportingPeriod]
    reminded: int  # people sent a reminder email


def _words(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _line(commitment) -> str:
    return f"{commitment.ref}. {Truncator(commitment.text).chars(80)} ({commitment.state_words})"


def _stage_before(deadline: datetime.date, today: datetime.date) -> str:
    """The latest of the reminders before the deadline due by today ("before-1"), or ''."""
    due = [days for days in settings.NOTICE_REMINDER_DAYS if working_days_before(deadline, days) <= today]
    return f"before-{min(due)}" if due else ""


class _Reminders:
    """What is due to whom today, collected per person across the open quarters."""

    def __init__(self, today: datetime.date, periods: list[ReportingPeriod]):
        self.today = today
        self.due: dict[int, Due] = {}
        self.sent = set(ReminderSent.objects.filter(period__in=periods).values_list("person_id", "period_id", "stage"))
        self._admins = None

    def add(self, person, section: Section, *, period=None, stage: str = "") -> None:
        if person is None or not person.is_active:
            return
        if stage and (person.pk, period.pk, stage) in self.sent:
            return
        due = self.due.setdefault(person.pk, Due(person=person))
        due.sections.append(section)
        if stage:
            due.stages.append((period, stage))

    def admins(self) -> list:
        if self._admins is None:
            admins = User.objects.filter(Q(is_superuser=True) | Q(groups__name=Role.REGISTER_ADMIN), is_active=True)
            self._admins = list(admins.distinct().order_by("pk"))
        return self._admins

    def quarter(self, period: ReportingPeriod, plan) -> None:
        today, deadline, review = self.today, period.officer_deadline, period.review_deadline
        readiness = quarter_readiness(period, plan)
        fy, q = period.financial_year_slug, period.quarter_slug
        grid = page_address(reverse("commitments:update_grid", args=[fy, q]))
        mine = page_address(reverse("commitments:mine"))
        to_write, to_review, late_by_lead = {}, {}, []
        for lead in readiness.outstanding:
            late = []
            for group in lead.officers:
                waiting = [c for c in group.commitments if c.update_state == StatusUpdate.State.SUBMITTED]
                writing = [c for c in group.commitments if c.update_state != StatusUpdate.State.SUBMITTED]
                if lead.smt_lead is not None and waiting:
                    to_review.setdefault(lead.smt_lead.pk, (lead.smt_lead, []))[1].extend(waiting)
                if group.officer is not None and writing:
                    to_write.setdefault(group.officer.pk, (group.officer, []))[1].extend(writing)
                    late.append((group.officer, writing))
            if lead.smt_lead is not None and late:
                late_by_lead.append((lead.smt_lead, late))
        # The readiness comes by SMT lead; each person's own list reads best by reference.
        for _, commitments in (*to_write.values(), *to_review.values()):
            commitments.sort(key=lambda c: c.ref)

        if today <= deadline:
            stage = _stage_before(deadline, today)
            for officer, commitments in to_write.values() if stage else ():
                title = (
                    f"{period.label}: {_plural(len(commitments), 'update')} to submit by {_words(deadline)} "
                    f"({due_words(deadline, today)})"
                )
                self.add(officer, Section(title, [_line(c) for c in commitments], grid), period=period, stage=stage)
        else:
            for officer, commitments in to_write.values():
                title = (
                    f"{period.label}: {_plural(len(commitments), 'update')} {due_words(deadline, today)} "
                    f"(the officers' deadline was {_words(deadline)})"
                )
                self.add(officer, Section(title, [_line(c) for c in commitments], grid))
            if today >= working_days_after(deadline, settings.NOTICE_ESCALATION_DAYS):
                for smt_lead, late in late_by_lead:
                    lines = []
                    for officer, commitments in late:
                        lines.append(f"{officer} ({officer.email or 'no email address'}), {len(commitments)} overdue:")
                        lines += [f"  {_line(c)}" for c in commitments]
                    title = (
                        f"{period.label}: {_plural(len(late), 'officer')} of your commitments "
                        f"{'has' if len(late) == 1 else 'have'} not submitted by the officers' deadline "
                        f"({_words(deadline)})"
                    )
                    self.add(smt_lead, Section(title, lines, mine), period=period, stage="escalation")

        if review is not None and today > review:
            for smt_lead, commitments in to_review.values():
                title = (
                    f"{period.label}: {_plural(len(commitments), 'update')} waiting for your review, "
                    f"{due_words(review, today)} (the review deadline was {_words(review)})"
                )
                lines = [f"{_line(c)}, from {c.officer_lead or 'no officer lead'}" for c in commitments]
                self.add(smt_lead, Section(title, lines, mine))
            if readiness.outstanding_count:
                title = (
                    f"{period.label}: {_plural(readiness.outstanding_count, 'commitment')} without an approved "
                    f"update after the review deadline ({_words(review)})"
                )
                lines = [f"{words}: {count}" for words, count in readiness.counts if count]
                lines += [
                    f"SMT lead {lead.smt_lead or '(none)'}: {lead.count} outstanding" for lead in readiness.outstanding
                ]
                close = page_address(reverse("commitments:period_close", args=[fy, q]))
                for admin in self.admins():
                    self.add(admin, Section(title, lines, close), period=period, stage="outstanding")

    def record(self) -> int:
        """One reminder notice per person for today, with its once-a-quarter stages."""
        already = set(
            Notice.objects.filter(kind=Notice.Kind.REMINDER, day=self.today).values_list("person_id", flat=True)
        )
        reminded = 0
        for person_id in sorted(self.due.keys() - already):
            due = self.due[person_id]
            subject = (
                due.sections[0].title
                if len(due.sections) == 1
                else (f"Your risk register reminders for {_words(self.today)}")
            )
            try:
                with transaction.atomic():
                    notice = notice_record(
                        person=due.person,
                        kind=Notice.Kind.REMINDER,
                        subject=subject,
                        template="notices/email/reminder.txt",
                        context={"sections": due.sections, "today": self.today},
                        link=due.sections[0].link,
                        day=self.today,
                    )
                    if due.stages:
                        ReminderSent.objects.bulk_create(
                            ReminderSent(notice=notice, person_id=person_id, period=period, stage=stage)
                            for period, stage in due.stages
                        )
            except IntegrityError:
                continue  # another run of the job reminded them meanwhile
            reminded += 1
        return reminded


def reminders_send(*, today: datetime.date) -> Summary:
    """The daily job for `today`: open the quarters due to open, queue the day's reminders,
    and queue again any notice whose delivery was lost."""
    opened = commitment_services.periods_open_as_planned(today=today)
    plan = Plan.objects.current()
    periods = list(ReportingPeriod.objects.open().exclude(officer_deadline=None).order_by("financial_year", "quarter"))
    reminded = 0
    if plan is not None and periods:
        reminders = _Reminders(today, periods)
        for period in periods:
            reminders.quarter(period, plan)
        reminded = reminders.record()
    waiting_deliver_again(older_than=datetime.timedelta(hours=1))
    return Summary(opened=opened, reminded=reminded)
