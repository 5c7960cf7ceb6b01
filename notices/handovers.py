"""The notices at each hand-over of the quarterly workflow: submitted, to the SMT lead;
returned (with the comment) and approved, to the officer; a quarter opened, to every
officer and SMT lead with work in it. Connected to commitments.signals (NoticesConfig.ready),
so they are recorded in the change's own transaction."""

from django.db.models import Count
from django.dispatch import receiver
from django.urls import reverse

from commitments.models import Commitment, Plan
from commitments.signals import quarter_opened, update_reviewed, update_submitted
from notices.models import Notice
from notices.send import notice_record, page_address, preferences_of
from riskreg.dates import due_words
from riskreg.models import User

Kind = Notice.Kind


def _update_context(update, by) -> dict:
    period = update.period
    return {
        "update": update,
        "commitment": update.commitment,
        "period": period,
        "by": by,
        "review_due": due_words(period.review_deadline),
        "officer_due": due_words(period.officer_deadline),
    }


def _address(name: str, update) -> str:
    period = update.period
    return page_address(reverse(name, args=[update.commitment.ref, period.financial_year_slug, period.quarter_slug]))


@receiver(update_submitted)
def submitted(sender, update, by, **kwargs):
    lead = update.commitment.smt_lead
    if lead is None or lead == by or not lead.is_active:
        return
    notice_record(
        person=lead,
        kind=Kind.SUBMITTED,
        subject=f"Commitment {update.commitment.ref} ({update.period.label}) is waiting for your review",
        template="notices/email/submitted.txt",
        context=_update_context(update, by),
        link=_address("commitments:update_review", update),
    )


@receiver(update_reviewed)
def reviewed(sender, update, by, **kwargs):
    officer = update.commitment.officer_lead or update.author
    if officer is None or officer == by or not officer.is_active:
        return
    which = f"Commitment {update.commitment.ref} ({update.period.label})"
    if update.is_approved:
        if not preferences_of(officer).approvals:
            return
        kind, subject = Kind.APPROVED, f"{which}: your update is approved"
        link = page_address(reverse("commitments:detail", args=[update.commitment.ref]))
    else:
        kind, subject = Kind.RETURNED, f"{which}: your update is returned for changes"
        link = _address("commitments:update_edit", update)
    notice_record(
        person=officer,
        kind=kind,
        subject=subject,
        template=f"notices/email/{kind}.txt",
        context=_update_context(update, by),
        link=link,
    )


@receiver(quarter_opened)
def window_opened(sender, period, by, **kwargs):
    """One notice each, however many commitments they lead, with the deadlines."""
    active = Commitment.objects.in_plan(Plan.objects.current()).active().order_by()
    to_write = dict(active.exclude(officer_lead=None).values_list("officer_lead").annotate(Count("pk")))
    to_review = dict(active.exclude(smt_lead=None).values_list("smt_lead").annotate(Count("pk")))
    people = User.objects.filter(pk__in={*to_write, *to_review}, is_active=True).select_related("notice_preferences")
    grid = page_address(reverse("commitments:update_grid", args=[period.financial_year_slug, period.quarter_slug]))
    mine = page_address(reverse("commitments:mine"))
    context = {
        "period": period,
        "officer_due": due_words(period.officer_deadline),
        "review_due": due_words(period.review_deadline),
    }
    for person in people.order_by("pk"):
        if not preferences_of(person).window_opens:
            continue
        notice_record(
            person=person,
            kind=Kind.WINDOW_OPENED,
            subject=f"{period.label} is open for updates",
            template="notices/email/window_opened.txt",
            context={**context, "to_write": to_write.get(person.pk, 0), "to_review": to_review.get(person.pk, 0)},
            link=grid if person.pk in to_write else mine,
        )
