"""The Notifications page (each person's notices and choices) and the admins' page of
every notice sent."""

import re

import pytest
from django.urls import reverse

from notices.models import Notice, Preferences
from tests.html import text

pytestmark = pytest.mark.django_db

PAGE = reverse("notices:notifications")
SENT = reverse("notices:sent")


def notices_for(person, count, **fields):
    return Notice.objects.bulk_create(
        Notice(
            person=person,
            kind=Notice.Kind.SUBMITTED,
            subject=f"Commitment {n} (2025/26 Q3) is waiting for your review",
            body=f"Body {n}\n",
            link=f"http://127.0.0.1:8000/commitments/{n}/2025-26/q3/review/",
            **fields,
        )
        for n in range(1, count + 1)
    )


def test_each_person_sees_their_own_notices_newest_first_with_links(client_as_smt_lead, smt_lead, officer):
    notices_for(smt_lead, 3, state=Notice.State.SENT)
    Notice.objects.create(person=officer, kind="returned", subject="Not for the SMT lead", body="x", link="http://x/")

    page = text(client_as_smt_lead.get(PAGE).content)

    assert "Not for the SMT lead" not in page
    assert page.index("Commitment 3 (2025/26") < page.index("Commitment 2 (2025/26") < page.index("Commitment 1 (")
    assert b'href="http://127.0.0.1:8000/commitments/3/2025-26/q3/review/"' in client_as_smt_lead.get(PAGE).content


def test_the_page_is_paged_and_its_queries_do_not_grow(client_as_smt_lead, smt_lead, django_assert_num_queries):
    notices_for(smt_lead, 3)
    client_as_smt_lead.get(PAGE)
    with django_assert_num_queries(9) as few:
        client_as_smt_lead.get(PAGE)
    notices_for(smt_lead, 60)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client_as_smt_lead.get(PAGE)
    assert "Page 1 of 3" in text(response.content)


def test_a_person_turns_off_approvals_and_window_notices_and_the_page_says_so(client_as_officer, officer):
    response = client_as_officer.post(PAGE, {"window_opens": "on"}, follow=True)

    assert "Your choices are saved." in text(response.content)
    choices = Preferences.objects.get(person=officer)
    assert (choices.approvals, choices.window_opens) == (False, True)
    boxes = {
        name: "checked" in tag
        for tag, name in re.findall(r'(<input[^>]*name="(\w+)"[^>]*>)', response.content.decode())
    }
    assert (boxes["approvals"], boxes["window_opens"]) == (False, True)


def test_register_admins_see_every_notice_with_how_its_email_went(client_as_admin, officer, smt_lead):
    notices_for(smt_lead, 1, state=Notice.State.SENT)
    Notice.objects.create(
        person=officer,
        kind="returned",
        subject="Commitment 96: returned",
        body="x",
        link="http://x/",
        state=Notice.State.FAILED,
        attempts=5,
        last_error="SMTPDataError: (554, b'5.7.1 Not today')",
    )

    page = text(client_as_admin.get(SENT).content)
    failed = text(client_as_admin.get(SENT + "?state=failed").content)

    assert "Sent (1)" in page and "Failed (1)" in page
    assert "Failed after 5 tries" in failed and "5.7.1 Not today" in failed and "Send again" in failed
    assert "waiting for your review" not in failed


def test_the_admins_page_runs_the_same_queries_with_2_notices_and_with_120(
    client_as_admin, officer, smt_lead, django_assert_num_queries
):
    notices_for(smt_lead, 1)
    notices_for(officer, 1, state=Notice.State.FAILED)
    client_as_admin.get(SENT)
    with django_assert_num_queries(9) as few:
        client_as_admin.get(SENT)
    notices_for(smt_lead, 60, state=Notice.State.SENT)
    notices_for(officer, 60, state=Notice.State.FAILED)
    with django_assert_num_queries(len(few.captured_queries)):
        client_as_admin.get(SENT)


def test_the_navigation_has_notifications_for_everyone_and_notices_sent_for_admins(client_as_committee, client):
    assert b'href="/notifications/"' in client_as_committee.get("/").content
    assert b'href="/notifications/sent/"' not in client_as_committee.get("/").content
