"""Password reset by email for local accounts: the same answer whether or not the
address is known, throttled, and a link that works once, for an hour, untouched."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from riskreg.models import SignInEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-password-2026"


def ask_for_link(client, email, address="192.0.2.20"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def choose(client, link, password=NEW_PASSWORD):
    """Open the emailed link, then post the new password twice on the page it leads to."""
    page = client.get(link)
    if page.status_code != 302:
        return page
    return client.post(page["Location"], {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_offers_a_password_reset(client):
    response = client.get(reverse("login"))

    assert b"Forgotten your password?" in response.content
    assert client.get(reverse("password_reset")).status_code == 200


def test_a_known_address_gets_a_link_that_sets_a_new_password(client, officer, inbox):
    response = ask_for_link(client, "officer@example.org")

    assert response["Location"] == reverse("password_reset_done")
    [message] = inbox.wait_for(1)
    assert message["To"] == "officer@example.org"
    assert message["Subject"] == "Reset your risk register password"
    assert "within 60 minutes" in inbox.body(message)

    done = choose(client, inbox.link_in(message))

    assert done["Location"] == reverse("password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert client.post(reverse("login"), {"username": "officer", "password": NEW_PASSWORD}).status_code == 302
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.PASSWORD_SET, user=officer).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, officer, inbox):
    known = ask_for_link(client, "officer@example.org")
    unknown = ask_for_link(client, "nobody@example.org")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    pages = [re.sub(r'nonce="[^"]+"', "", client.get(r["Location"]).content.decode()) for r in (known, unknown)]
    assert pages[0] == pages[1]
    assert [m["To"] for m in inbox.wait_for(1)] == ["officer@example.org"]
    assert not inbox.to("nobody@example.org")


def test_an_account_that_signs_in_by_single_sign_on_gets_no_reset_link(client, inbox):
    UserFactory(username="sso-person", email="sso@example.org", password="!unusable")

    ask_for_link(client, "sso@example.org")
    ask_for_link(client, "officer@example.org")  # a message that does arrive, to wait for

    assert not inbox.to("sso@example.org")


def test_a_link_used_once_does_not_work_again(client, officer, inbox):
    ask_for_link(client, "officer@example.org")
    link = inbox.link_in(inbox.wait_for(1)[0])
    choose(client, link)

    again = choose(client, link, password="yet-another-password-99")

    assert again.status_code == 404
    assert b"This link does not work" in again.content
    assert b"has been used already, has expired" in again.content
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_an_altered_link_does_not_work(client, officer, inbox):
    ask_for_link(client, "officer@example.org")
    link = inbox.link_in(inbox.wait_for(1)[0])
    altered = link[:-3] + ("aaa/" if not link.endswith("aaa/") else "bbb/")

    response = choose(client, altered)

    assert response.status_code == 404
    assert b"This link does not work" in response.content
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_a_link_older_than_an_hour_does_not_work(client, officer, inbox, monkeypatch):
    ask_for_link(client, "officer@example.org")
    link = inbox.link_in(inbox.wait_for(1)[0])
    later = datetime.datetime.now() + datetime.timedelta(minutes=61)
    from riskreg import passwords

    monkeypatch.setattr(passwords.reset_token, "_now", lambda: later)

    response = choose(client, link)

    assert b"This link does not work" in response.content
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_with_the_reason(client, officer, inbox):
    ask_for_link(client, "officer@example.org")
    page = client.get(inbox.link_in(inbox.wait_for(1)[0]))

    response = client.post(page["Location"], {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    assert b"<title>Error: " in response.content
    assert b"This password is too short" in response.content
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_after_three_links_an_hour_an_address_gets_the_same_answer_and_no_more_email(client, officer, inbox):
    answers = [ask_for_link(client, "officer@example.org")["Location"] for _ in range(5)]
    ask_for_link(client, "other@example.org")
    UserFactory(username="other", email="other@example.org")
    ask_for_link(client, "other@example.org")  # arrives after the officer's, to wait for

    inbox.wait_for(4)

    assert set(answers) == {reverse("password_reset_done")}
    assert len(inbox.to("officer@example.org")) == 3


def test_too_many_requests_from_one_client_are_refused_with_a_page_saying_so(client, settings, officer, inbox):
    settings.RISKREG_RESET_REQUESTS_PER_HOUR_PER_CLIENT = 4
    for n in range(4):
        ask_for_link(client, f"someone{n}@example.org")

    response = ask_for_link(client, "officer@example.org")

    assert response.status_code == 429
    assert b"Too many requests to reset a password" in response.content
    assert not inbox.to("officer@example.org")
    # From another address, the officer still can.
    assert ask_for_link(client, "officer@example.org", address="198.51.100.7").status_code == 302


def test_each_request_is_recorded_with_the_address_typed(client, officer):
    ask_for_link(client, "Nobody@Example.org")

    event = SignInEvent.objects.get(kind=SignInEvent.Kind.RESET_REQUESTED)
    assert (event.username, event.ip_address) == ("Nobody@Example.org", "192.0.2.20")
    assert event.when <= timezone.now()
