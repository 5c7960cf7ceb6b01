import io

import pytest
from django.core.management import call_command

from committee.demo import DEMO_FIXTURES
from tests.browser.helpers import axe_violations, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from riskreg.models import User

    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    call_command("publish_paper", "2025-26-q2", stdout=io.StringIO())
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()


def test_committee_member_reads_the_paper_which_passes_axe_and_prints_without_navigation(page, live_server, demo):
    sign_in(page, live_server, "committee")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Committee papers").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="2025/26 Q2").click()

    assert "As presented to the Joint Audit Committee on 11 December 2025." in page.inner_text("main")
    assert page.locator("#red_list tbody tr").count() == 10
    assert page.locator("#improving tbody tr").count() == 5
    assert axe_violations(page) == []

    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="The paper as PDF").is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert page.locator("#red_list").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_admin_publishes_a_correction_with_the_keyboard(page, live_server, demo):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/committee/2025-26/q2/")
    page.get_by_role("link", name="Publish a correction").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/committee/2025-26/q2/publish/")
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Publish a correction").click()
    assert page.title().startswith("Error: ")
    assert "Enter the reason for the correction" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []

    page.get_by_label("Reason for the correction").fill("Ref 36's update text corrected.")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish a correction").click()
    assert "Version 2 of the 2025/26 Q2 paper is published." in page.inner_text(".govuk-notification-banner")
    assert "corrected: Ref 36's update text corrected." in page.inner_text("main")


def test_paper_edit_page_and_live_view_pass_axe(page, live_server, demo):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/committee/2025-26/q3/edit/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/committee/2025-26/q3/")
    assert "Live view of 2025/26 Q3" in page.inner_text("main")
    assert axe_violations(page) == []


def test_the_word_template_page_passes_axe_with_a_refusal_and_with_a_template_in_use(page, live_server, demo, tmp_path):
    from docx import Document

    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/committee/")
    page.get_by_role("link", name="The Word template").click()
    (tmp_path / "notes.docx").write_bytes(b"not a Word file")
    page.get_by_label("Upload a Word document or template").set_input_files(tmp_path / "notes.docx")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the template").click()
    assert page.title().startswith("Error: ")
    assert "The file is not a Word document or template" in page.inner_text(".govuk-error-summary")
    assert axe_violations(page) == []

    buffer = io.BytesIO()
    Document().save(buffer)
    (tmp_path / "house.docx").write_bytes(buffer.getvalue())
    page.get_by_label("Upload a Word document or template").set_input_files(tmp_path / "house.docx")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the template").click()
    assert "Papers' Word files are now built on house.docx." in page.inner_text(".govuk-notification-banner")
    assert "In use: house.docx" in page.inner_text("main")
    assert axe_violations(page) == []
