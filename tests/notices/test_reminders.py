"""The daily job (manage.py send_reminders), on a fixed clock (--date): reminders before
the officers' deadline, daily overdue reminders and one escalation after it, the SMT
leads' and admins' reminders after the review deadline; one email per person per day,
nothing twice, a missed day caught up once."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import ReportingPeriod, StatusUpdate
from notices.models import Notice
from riskreg.roles import Role
from tests.commands import run_worker
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.notices.conftest import body_of, set_window

pytestmark = pytest.mark.django_db

State = StatusUpdate.State


def run_job(day: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", day, stdout=out)
    return out.getvalue()


def flat(message) -> str:
    return " ".join(body_of(message).split())


def subjects(mail_server, address) -> list[str]:
    return [m["Subject"] for m in mail_server.to(address)]


@pytest.fixture
def quarter(periods, officer, smt_lead, register_admin):
    """2025/26 Q3: opens 5 January 2026, officers' deadline Friday 30 January, reviews by
    Friday 13 February. The officer has 96 (not started) and 97 (draft) to submit, 98
    submitted (for the SMT lead) and 99 approved; another officer has submitted everything."""
    q3 = periods[3]
    set_window(q3, datetime.date(2026, 1, 5), datetime.date(2026, 1, 30), datetime.date(2026, 2, 13))
    for ref, state in [(96, None), (97, State.DRAFT), (98, State.SUBMITTED), (99, State.APPROVED)]:
        commitment = CommitmentFactory(
            ref=ref, officer_lead=officer, smt_lead=smt_lead, text=f"Commitment number {ref}"
        )
        if state:
            StatusUpdateFactory(commitment=commitment, period=q3, state=state)
    done = UserFactory(username="done", role=Role.OFFICER)
    StatusUpdateFactory(
        commitment=CommitmentFactory(ref=100, officer_lead=done, smt_lead=smt_lead), period=q3, state=State.SUBMITTED
    )
    return q3


@pytest.mark.django_db(transaction=True)
def test_five_and_one_working_days_before_the_deadline_each_officer_gets_one_reminder_each_time(
    quarter, mail_server, task_queue
):
    run_job("2026-01-22")  # 6 working days before
    run_job("2026-01-23")  # 5 working days before (Friday)
    run_job("2026-01-23")  # the job run twice on a day
    run_worker()
    run_job("2026-01-26")
    run_job("2026-01-29")  # 1 working day before
    run_job("2026-01-29")
    run_worker()
    run_worker()

    assert subjects(mail_server, "officer@example.org") == [
        "2025/26 Q3: 2 updates to submit by 30 January 2026 (due in 7 days)",
        "2025/26 Q3: 2 updates to submit by 30 January 2026 (due tomorrow)",
    ]
    body = flat(mail_server.to("officer@example.org")[0])
    assert "96. Commitment number 96 (No update yet)" in body and "97. Commitment number 97 (Draft)" in body
    assert "98." not in body and "99." not in body
    assert "http://127.0.0.1:8000/commitments/mine/2025-26/q3/grid/" in body
    assert len(mail_server.messages) == 2  # nobody else: the other officer has submitted everything


def test_a_missed_day_is_caught_up_once_not_replayed(quarter, mail_server):
    run_job("2026-01-27")  # the job did not run on the 23rd (5 working days before)
    run_job("2026-01-28")

    assert subjects(mail_server, "officer@example.org") == [
        "2025/26 Q3: 2 updates to submit by 30 January 2026 (due in 3 days)"
    ]

    run_job("2026-01-30")  # nor on the 29th: the one-day reminder, once; the five-day one is not replayed
    run_job("2026-01-30")

    assert len(mail_server.to("officer@example.org")) == 2
    assert mail_server.to("officer@example.org")[1]["Subject"].endswith("(due today)")


def test_after_the_deadline_the_officer_is_reminded_daily_and_their_smt_lead_once_after_two_working_days(
    quarter, officer, smt_lead, mail_server
):
    run_job("2026-02-02")  # Monday, the first working day after
    assert subjects(mail_server, "officer@example.org") == [
        "2025/26 Q3: 2 updates 3 days overdue (the officers' deadline was 30 January 2026)"
    ]
    assert not mail_server.to("smt@example.org")

    run_job("2026-02-03")  # 2 working days after: escalation
    run_job("2026-02-04")
    run_job("2026-02-10")  # days missed: one reminder, for today

    assert len(mail_server.to("officer@example.org")) == 4
    assert mail_server.to("officer@example.org")[-1]["Subject"].startswith("2025/26 Q3: 2 updates 11 days overdue")
    [escalation] = mail_server.to("smt@example.org")
    assert escalation["Subject"] == (
        "2025/26 Q3: 1 officer of your commitments has not submitted by the officers' deadline (30 January 2026)"
    )
    body = flat(escalation)
    assert f"{officer} (officer@example.org), 2 overdue:" in body
    assert "96. Commitment number 96 (No update yet)" in body and "97. Commitment number 97 (Draft)" in body
    assert "done" not in body.lower().split("dear")[1]


def test_after_the_review_deadline_the_smt_lead_is_reminded_daily_and_the_admins_get_the_outstanding_list_once(
    quarter, smt_lead, register_admin, mail_server
):
    run_job("2026-02-16")
    run_job("2026-02-17")

    # The escalation (not sent before) and the review reminder come in one email a day.
    first, second = mail_server.to("smt@example.org")
    assert first["Subject"] == "Your risk register reminders for 16 February 2026"
    body = flat(first)
    assert "has not submitted by the officers' deadline" in body
    assert "2 updates waiting for your review, 3 days overdue (the review deadline was 13 February 2026)" in body
    assert "98. Commitment number 98 (Submitted for review), from" in body
    assert second["Subject"].startswith("2025/26 Q3: 2 updates waiting for your review, 4 days overdue")
    [outstanding] = mail_server.to("admin@example.org")
    assert outstanding["Subject"] == (
        "2025/26 Q3: 4 commitments without an approved update after the review deadline (13 February 2026)"
    )
    body = flat(outstanding)
    assert "No update yet: 1" in body and "Draft: 1" in body and "Submitted for review: 2" in body
    assert "http://127.0.0.1:8000/periods/2025-26/q3/close/" in body


def test_reminders_also_show_on_the_notifications_page(quarter, client_as_officer, mail_server):
    run_job("2026-01-23")

    page = client_as_officer.get("/notifications/").content.decode()

    assert "2025/26 Q3: 2 updates to submit by 30 January 2026 (due in 7 days)" in page


def _queries_of_the_job(day: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        run_job(day)
    return len(queries.captured_queries)


def test_the_jobs_queries_grow_with_the_people_emailed_not_with_their_commitments(
    quarter, officer, smt_lead, mail_server
):
    first = _queries_of_the_job("2026-02-16")
    Notice.objects.all().delete()  # and the reminders recorded with them: the same day again
    for ref in range(200, 260):
        CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)
    for ref in range(260, 280):
        StatusUpdateFactory(
            commitment=CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead),
            period=quarter,
            state=State.SUBMITTED,
        )

    assert _queries_of_the_job("2026-02-16") == first
    body = flat(mail_server.to("officer@example.org")[-1])
    assert "62 updates 17 days overdue" in body and "and 12 more" in body  # 50 listed; the grid has them all


def test_a_quarter_opens_on_its_planned_day_and_tells_everyone_with_work_in_it(periods, officer, smt_lead, mail_server):
    CommitmentFactory(ref=1, officer_lead=officer, smt_lead=smt_lead)
    q4 = periods[4]
    set_window(q4, datetime.date(2026, 4, 1), datetime.date(2026, 4, 24), datetime.date(2026, 5, 8))

    assert "Opened" not in run_job("2026-03-31")
    assert ReportingPeriod.objects.get(pk=q4.pk).status == "upcoming"

    out = run_job("2026-04-01")

    assert "Opened 2025/26 Q4 for updates, as its window opens on 1 April 2026." in out
    assert ReportingPeriod.objects.get(pk=q4.pk).status == "open"
    assert subjects(mail_server, "officer@example.org") == ["2025/26 Q4 is open for updates"]
    assert subjects(mail_server, "smt@example.org") == ["2025/26 Q4 is open for updates"]
    run_job("2026-04-01")
    assert len(mail_server.messages) == 2


def test_a_quarter_whose_officers_deadline_has_passed_is_left_for_an_admin_to_open(periods, mail_server):
    q4 = periods[4]
    set_window(q4, datetime.date(2026, 4, 1), datetime.date(2026, 4, 24))

    run_job("2026-04-27")

    assert ReportingPeriod.objects.get(pk=q4.pk).status == "upcoming"


def test_a_date_that_is_not_a_date_is_refused_and_nothing_runs(quarter):
    with pytest.raises(CommandError, match="--date must be a date written YYYY-MM-DD, not '23/01/2026'"):
        run_job("23/01/2026")
    assert not Notice.objects.exists()
