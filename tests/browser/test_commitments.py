import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.factories import StatusUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def test_officer_writes_smt_lead_returns_officer_resubmits_smt_lead_approves_committee_reads(
    page, live_server, commitment, periods, committee_member
):
    StatusUpdateFactory(commitment=commitment, period=periods[2], rag="red", narrative="Q2: cameras under review.")

    # The officer writes and submits, with the keyboard.
    sign_in_as(page, live_server, "officer")
    page.goto(f"{live_server.url}/commitments/mine/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Write the update for commitment 96").click()
    assert axe_violations(page) == []
    page.get_by_label("Amber").check()
    page.get_by_label("Update").fill("Q3: cameras back in service.")
    page.get_by_label("Update").press("Tab")
    page.keyboard.press("Enter")  # focus is on "Submit for review"
    assert "submitted" in page.inner_text(".govuk-notification-banner")

    # The SMT lead returns it with a comment.
    sign_in_as(page, live_server, "smt")
    page.goto(f"{live_server.url}/commitments/mine/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Review commitment 96").click()
    assert axe_violations(page) == []
    page.get_by_label("Return to the officer for changes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save review").click()
    assert page.title().startswith("Error: ")
    assert "Enter a comment telling the officer what to change" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []
    page.get_by_label("Return to the officer for changes").check()
    page.get_by_label("Comment for the officer").fill("Give the number of cameras.")
    page.get_by_role("button", name="Save review").click()

    # The officer sees the comment and resubmits.
    sign_in_as(page, live_server, "officer")
    page.goto(f"{live_server.url}/commitments/mine/")
    assert "Give the number of cameras." in page.inner_text("main")
    page.get_by_role("link", name="Revise the update for commitment 96").click()
    assert "Returned by" in page.inner_text(".govuk-warning-text")
    page.get_by_label("Update").fill("Q3: 12 cameras back in service.")
    page.get_by_role("button", name="Submit for review").click()

    # The SMT lead approves.
    sign_in_as(page, live_server, "smt")
    page.goto(f"{live_server.url}/commitments/96/2025-26/q3/review/")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save review").click()
    assert "approved" in page.inner_text(".govuk-notification-banner")

    # The committee member sees the approved status.
    sign_in_as(page, live_server, "committee")
    page.goto(f"{live_server.url}/commitments/?period=2025-26-q3")
    row = page.get_by_role("row").filter(has_text="96")
    assert "Red" in row.inner_text() and "Amber" in row.inner_text()
    assert axe_violations(page) == []
    row.get_by_role("link", name="view commitment").click()
    assert "Q3: 12 cameras back in service." in page.inner_text("main")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/periods/", "/commitments/import/"])
def test_admin_pages_have_no_axe_violations(page, live_server, periods, register_admin, path):
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server.url}{path}")

    assert page.get_by_role("heading", level=1).is_visible()
    assert axe_violations(page) == []


def test_import_preview_and_errors_have_no_axe_violations(page, live_server, commitment, register_admin, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Ref,Colour\n1,Blue\n")
    good = tmp_path / "good.csv"
    good.write_text(
        "Ref,Policy Area,Individual Commitment,SMT Lead,Officer Lead,WMP Lead,Timescale\n"
        "96,Improving Road and Travel Safety,New words,smt,officer,,\n"
    )
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server.url}/commitments/import/")

    page.get_by_label("Upload a CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview the import").click()
    assert "nothing has changed" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []

    page.get_by_label("Upload a CSV or Excel file").set_input_files(str(good))
    page.get_by_role("button", name="Preview the import").click()
    assert "New words" in page.inner_text("table")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm and import").click()
    assert "1 commitment changed" in page.inner_text(".govuk-notification-banner")


def test_admin_edits_a_commitment_by_keyboard_and_sees_it_in_its_history(page, live_server, commitment, register_admin):
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server.url}/commitments/96/")
    page.get_by_role("link", name="Edit the commitment 96").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert axe_violations(page) == []

    # An empty text is refused: the summary links to the field.
    page.get_by_label("Individual commitment").focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.get_by_role("button", name="Save the commitment").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert "Enter the text of the commitment" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Enter the text of the commitment").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Keep the cameras working in every town centre")
    page.get_by_label("Timescale").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-2027")
    page.get_by_role("button", name="Save the commitment").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Commitment 96 was saved." in page.inner_text(".govuk-notification-banner")
    assert "Keep the cameras working in every town centre" in page.inner_text("main")
    assert "2026-2027" in page.inner_text("table")
    assert axe_violations(page) == []
