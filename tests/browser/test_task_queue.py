import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.riskreg.queue_tasks import failed_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_retries_a_failed_task_from_the_queue_with_the_keyboard(page, live_server, register_admin):
    run = failed_run()
    sign_in(page, live_server, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Task queue").click()

    assert "ValueError: on purpose" in page.inner_text("#main-content")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Retry").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "The task is queued again" in page.inner_text(".govuk-notification-banner")
    assert "Retried after: ValueError: on purpose" in page.inner_text("#main-content")
    assert axe_violations(page) == []
    run.refresh_from_db()
    assert run.status == "READY"
