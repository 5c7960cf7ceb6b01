"""The officer updates the quarter on one page, by keyboard; the SMT lead approves several."""

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.factories import CommitmentFactory, StatusUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, locator, key):
    locator.focus()
    page.keyboard.press(key)


def test_officer_fills_the_grid_by_keyboard_and_smt_lead_approves_several(
    page, live_server, commitment, periods, officer, smt_lead
):
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="amber", narrative="Q2: cameras under review.")
    other = CommitmentFactory(ref=97, text="Expand Community Speed Watch", officer_lead=officer, smt_lead=smt_lead)
    StatusUpdateFactory(commitment=other, period=periods[2], rag="red", narrative="Q2: volunteers sought.")

    page.context.clear_cookies()
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/commitments/mine/")
    assert axe_violations(page) == []
    press(page, page.get_by_role("link", name="Update all your 2025/26 Q3 commitments on one page"), "Enter")
    page.wait_for_url("**/grid/")
    assert axe_violations(page) == []

    # 96: no change since last quarter. 97: written afresh.
    press(page, page.get_by_label("No change since last quarter for commitment 96"), "Space")
    press(page, page.locator("#r97-rag-amber"), "Space")
    page.get_by_label("Update for commitment 97").focus()
    page.keyboard.type("Q3: 40 volunteers trained.")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Save all as drafts").first, "Enter")
    assert "saved 2 drafts" in page.inner_text(".govuk-notification-banner")
    assert page.get_by_label("Update for commitment 96").input_value() == "Q2: cameras under review."
    assert axe_violations(page) == []

    press(page, page.get_by_label("Select commitment 96 for review"), "Space")
    press(page, page.get_by_label("Select commitment 97 for review"), "Space")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Submit selected for review").first, "Enter")
    assert "submitted 2 updates for review" in page.inner_text(".govuk-notification-banner")

    # The SMT lead sees what changed, then approves both from the queue.
    page.context.clear_cookies()
    sign_in(page, live_server, "smt")
    page.goto(f"{live_server.url}/commitments/mine/")
    queue = page.inner_text("#to-review")
    assert "No change since last quarter" in queue and "Expand Community Speed Watch" in queue
    assert axe_violations(page) == []
    press(page, page.get_by_role("link", name="Review commitment 97"), "Enter")
    page.wait_for_url("**/review/")
    assert page.locator(".riskreg-diff ins").filter(has_text="trained").count() == 1
    assert page.locator(".riskreg-diff del").filter(has_text="sought").count() == 1
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/commitments/mine/")
    press(page, page.get_by_label("Select commitment 96 to approve"), "Space")
    press(page, page.get_by_label("Select commitment 97 to approve"), "Space")
    with page.expect_navigation():
        press(page, page.get_by_role("button", name="Approve selected"), "Enter")
    assert "2 updates approved (commitments 96, 97)." in page.inner_text(".govuk-notification-banner")
    assert axe_violations(page) == []


def test_a_grid_with_errors_has_no_axe_violations_and_reflows_at_320px(page, live_server, commitment, periods):
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="green", narrative="Q2.")
    page.set_viewport_size({"width": 320, "height": 800})
    page.context.clear_cookies()
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/commitments/mine/2025-26/q3/grid/")
    page.locator("#r96-rag-red").check()
    page.get_by_label("Select commitment 96 for review").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit selected for review").first.click()

    assert page.title().startswith("Error: ")
    page.get_by_role("link", name="Commitment 96: enter an update explaining the Red or Amber status").click()
    assert page.evaluate("document.activeElement.id") == "r96-narrative"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
