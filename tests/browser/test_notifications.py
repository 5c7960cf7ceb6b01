import pytest

from notices.models import Notice, Preferences
from tests.browser.helpers import axe_violations, sign_in
from tests.browser.test_periods import fits_320px

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_reads_their_notices_and_turns_approvals_off_with_the_keyboard(page, live_server, officer):
    Notice.objects.create(
        person=officer,
        kind=Notice.Kind.RETURNED,
        subject="Commitment 96 (2025/26 Q3): your update is returned for changes",
        body="Their comment:\nSay when the board meets.\n",
        link=f"{live_server.url}/commitments/96/",
        state=Notice.State.SENT,
    )
    sign_in(page, live_server, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Notifications").click()

    assert "your update is returned for changes" in page.inner_text("#main-content")
    assert axe_violations(page) == []
    assert fits_320px(page)
    page.get_by_label("when an update of mine is approved").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my choices").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Your choices are saved." in page.inner_text(".govuk-notification-banner")
    choices = Preferences.objects.get(person=officer)
    assert (choices.approvals, choices.window_opens) == (False, True)


def test_an_admin_sends_a_failed_notice_again_with_the_keyboard(page, live_server, register_admin, officer):
    Notice.objects.create(
        person=officer,
        kind=Notice.Kind.RETURNED,
        subject="Commitment 96: returned",
        body="x",
        link=f"{live_server.url}/",
        state=Notice.State.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed by a server whose name is rather long",
    )
    sign_in(page, live_server, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Notices sent").click()

    assert "Failed after 5 tries" in page.inner_text("#main-content")
    assert axe_violations(page) == []
    assert fits_320px(page)
    page.get_by_role("button", name="Send again").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "queued to be sent again" in page.inner_text(".govuk-notification-banner")
    assert axe_violations(page) == []
