import pytest

from commitments.models import ReportingPeriod
from riskreg.dates import due_words
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def follow_link(page, name):
    page.get_by_role("link", name=name).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_date(page, field, day, month, year):
    page.locator(f"#id_{field}_0").focus()
    for part in (day, month, year):
        page.keyboard.type(part)
        page.keyboard.press("Tab")


def fits_320px(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 900})
    fits = page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size({"width": 1280, "height": 900})
    return fits


def test_admin_sets_the_meetings_sees_the_deadlines_and_closes_the_quarter_with_a_reason_by_keyboard(
    page, live_server, commitment, register_admin, settings
):
    settings.RISKREG_WINDOW_OPENS_DAYS = 30
    settings.RISKREG_OFFICER_DEADLINE_DAYS = 15
    settings.RISKREG_REVIEW_DEADLINE_DAYS = 10
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/periods/")
    assert axe_violations(page) == []
    assert fits_320px(page)

    # The meetings, by keyboard; the deadlines are left blank to be counted back.
    follow_link(page, "Set the dates for 2025/26 Q3")
    assert axe_violations(page) == []
    type_date(page, "jac", "12", "3", "2026")
    type_date(page, "pcp", "24", "3", "2026")
    type_date(page, "review_deadline", "13", "3", "2026")  # after the meeting: refused
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert "must be before the Joint Audit Committee meeting (12 March 2026)" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []
    for part in range(3):
        page.locator(f"#id_review_deadline_{part}").fill("")
    page.get_by_role("button", name="Save the dates").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    summary = page.inner_text(".govuk-summary-list")
    assert "Thursday 29 January 2026" in summary  # updates open: 30 working days before 12 March
    assert "Thursday 19 February 2026, " + due_words(ReportingPeriod.objects.get(quarter=3).officer_deadline) in (
        summary.replace("\n", " ").replace("\t", " ")
    )
    assert "Thursday 26 February 2026" in summary
    assert axe_violations(page) == []
    assert fits_320px(page)

    # Closing: commitment 96 has no update, so a reason is needed.
    follow_link(page, "Reporting periods")
    follow_link(page, "Close 2025/26 Q3")
    assert "1 commitment without an approved update" in page.inner_text("main")
    assert axe_violations(page) == []
    assert fits_320px(page)
    page.get_by_role("button", name="Close 2025/26 Q3").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Enter why you are closing 2025/26 Q3 while 1 commitment has no approved update" in page.inner_text(
        ".govuk-error-summary"
    )
    assert axe_violations(page) == []
    page.get_by_label("Why are you closing the quarter with updates not approved?").focus()
    page.keyboard.type("The Joint Audit Committee needs the paper; commitment 96 follows in Q4.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "2025/26 Q3 is now closed." in page.inner_text(".govuk-notification-banner")
    assert "commitment 96 follows in Q4" in page.inner_text("main")  # in the history
    assert axe_violations(page) == []
