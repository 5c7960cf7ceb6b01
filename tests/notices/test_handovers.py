"""Notices at each hand-over: submitted to the SMT lead, returned and approved to the
officer, a quarter opened to everyone with work in it; by email (a real SMTP server) and
on the Notifications page, each linking to the page to act on."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import StatusUpdate
from notices.models import Notice, Preferences
from riskreg.roles import Role
from tests.commands import run_worker
from tests.factories import CommitmentFactory, StatusUpdateFactory, UserFactory
from tests.notices.conftest import body_of, set_window

pytestmark = pytest.mark.django_db

EDIT = reverse("commitments:update_edit", args=[96, "2025-26", "q3"])
REVIEW = reverse("commitments:update_review", args=[96, "2025-26", "q3"])


def submit(client, version=0):
    response = client.post(
        EDIT, {"rag": "amber", "narrative": "Board meets in January.", "version": version, "submit": ""}
    )
    assert response.status_code == 302


def path_of(link: str) -> str:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://127.0.0.1:8000"  # RISKREG_SITE_URL's default
    return parts.path


@pytest.mark.django_db(transaction=True)
def test_submitting_an_update_emails_the_smt_lead_once_with_a_link_that_opens_the_review(
    client_as_officer, commitment, smt_lead, mail_server, task_queue
):
    submit(client_as_officer)
    assert not mail_server.messages  # queued for the worker, not sent in the request

    run_worker()

    [message] = mail_server.messages
    assert message["To"] == f"{smt_lead} <smt@example.org>"
    assert message["Subject"] == "Commitment 96 (2025/26 Q3) is waiting for your review"
    body = body_of(message)
    assert "Board meets in January." in body and "RAG status: Amber" in body
    link = next(line for line in body.splitlines() if line.startswith("http"))
    assert path_of(link) == REVIEW
    reviewer = Client()
    reviewer.force_login(smt_lead)
    assert reviewer.get(path_of(link)).status_code == 200
    notice = Notice.objects.get()
    assert (notice.person, notice.state, notice.attempts, notice.link) == (smt_lead, "sent", 1, link)


def test_a_return_emails_the_officer_the_comment_and_a_link_to_change_the_update(
    client, commitment, officer, smt_lead, periods, mail_server
):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state=StatusUpdate.State.SUBMITTED)
    client.force_login(smt_lead)

    client.post(
        REVIEW,
        {"decision": "return", "comment": "Say when the board meets & who chairs it.", "version": update.version},
    )

    [message] = mail_server.to("officer@example.org")
    assert message["Subject"] == "Commitment 96 (2025/26 Q3): your update is returned for changes"
    body = body_of(message)
    assert "Say when the board meets & who chairs it." in body  # as typed, not HTML-escaped
    assert f"http://127.0.0.1:8000{EDIT}" in body
    client.force_login(officer)
    assert client.get(EDIT).status_code == 200


def test_an_approval_emails_the_officer_unless_they_turned_approvals_off(
    client, commitment, officer, smt_lead, periods, mail_server
):
    update = StatusUpdateFactory(commitment=commitment, period=periods[3], state=StatusUpdate.State.SUBMITTED)
    client.force_login(smt_lead)
    client.post(REVIEW, {"decision": "approve", "comment": "", "version": update.version})

    [message] = mail_server.to("officer@example.org")
    assert message["Subject"] == "Commitment 96 (2025/26 Q3): your update is approved"
    assert f"http://127.0.0.1:8000{reverse('commitments:detail', args=[96])}" in body_of(message)

    Preferences.objects.create(person=officer, approvals=False)
    other = CommitmentFactory(ref=97, officer_lead=officer, smt_lead=smt_lead)
    update = StatusUpdateFactory(commitment=other, period=periods[3], state=StatusUpdate.State.SUBMITTED)
    client.post(
        reverse("commitments:update_review", args=[97, "2025-26", "q3"]),
        {"decision": "approve", "comment": "", "version": update.version},
    )
    assert len(mail_server.to("officer@example.org")) == 1
    assert StatusUpdate.objects.get(pk=update.pk).state == "approved"


def test_nobody_is_told_of_their_own_hand_over(client, officer, periods, mail_server):
    both = UserFactory(username="both", role=Role.SMT_LEAD)
    both.groups.add(officer.groups.get())
    CommitmentFactory(ref=96, officer_lead=both, smt_lead=both)
    client.force_login(both)

    submit(client)

    assert StatusUpdate.objects.get().state == "submitted"
    assert not mail_server.messages and not Notice.objects.exists()


def test_opening_a_quarter_tells_each_officer_and_smt_lead_with_work_in_it_once_with_the_deadlines(
    client_as_admin, officer, smt_lead, periods, mail_server
):
    for ref in (1, 2, 3):
        CommitmentFactory(ref=ref, officer_lead=officer, smt_lead=smt_lead)
    CommitmentFactory(ref=4, officer_lead=officer, smt_lead=smt_lead, active=False)
    idle = UserFactory(username="idle", role=Role.OFFICER)
    q4 = periods[4]
    set_window(q4, datetime.date(2026, 4, 1), datetime.date(2099, 4, 24), datetime.date(2099, 5, 8))

    client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q4"]), {"status": "open"})

    assert {m["To"] for m in mail_server.messages} == {
        f"{officer} <officer@example.org>",
        f"{smt_lead} <smt@example.org>",
    }
    [to_officer] = mail_server.to("officer@example.org")
    assert to_officer["Subject"] == "2025/26 Q4 is open for updates"
    body = " ".join(body_of(to_officer).split())
    assert "You lead 3 commitments as officer lead: write and submit their updates by 24 April 2099" in body
    assert reverse("commitments:update_grid", args=["2025-26", "q4"]) in body
    body = " ".join(body_of(mail_server.to("smt@example.org")[0]).split())
    assert "You lead 3 commitments as SMT lead: review their updates by 8 May 2099" in body
    assert not mail_server.to(idle.email)


def test_who_turned_window_notices_off_is_not_told_a_quarter_opened(
    client_as_admin, officer, smt_lead, periods, mail_server
):
    CommitmentFactory(ref=1, officer_lead=officer, smt_lead=smt_lead)
    Preferences.objects.create(person=smt_lead, window_opens=False)

    client_as_admin.post(reverse("commitments:period_status", args=["2025-26", "q4"]), {"status": "open"})

    assert [m["To"] for m in mail_server.messages] == [f"{officer} <officer@example.org>"]


def test_a_hand_over_that_is_refused_records_and_sends_nothing(client_as_officer, commitment, periods, mail_server):
    response = client_as_officer.post(EDIT, {"rag": "red", "narrative": "", "version": 0, "submit": ""})

    assert response.status_code == 200
    assert not Notice.objects.exists() and not mail_server.messages
