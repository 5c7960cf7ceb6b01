"""Publishing the Panel's report: frozen as presented, corrected with a reason, its files
rendered by the worker (or at once by the command), and the demo's Q2 in every format."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments.models import StatusUpdate
from panel.models import PanelReport, PublishedPanelFile, PublishedPanelReport
from panel.services import panel_report_publish
from tests.downloads import csv_rows, docx_text, pdf_text, xlsx_sheets
from tests.panel.conftest import REPORT

pytestmark = pytest.mark.django_db

FILES = ["report.pdf", "report.docx", "report.xlsx", "commitments.csv"]


def test_an_admin_publishes_the_demos_q2_for_the_panel_and_it_downloads_in_every_format(admin_client_demo):
    page = admin_client_demo.get(REPORT).content.decode()
    assert "Draft: built from the register" in page
    assert admin_client_demo.get(REPORT + "publish/").status_code == 200

    response = admin_client_demo.post(REPORT + "publish/")

    assert response.status_code == 302
    page = admin_client_demo.get(REPORT).content.decode()
    assert "As presented to the Police and Crime Panel on 15 December 2025." in page
    files = {name: admin_client_demo.get(REPORT + name) for name in FILES}
    for name, download in files.items():
        assert download.status_code == 200, name
        assert download["Content-Disposition"].startswith('attachment; filename="police-and-crime-panel-2025-12-15-')
    assert "As presented to the Police and Crime Panel on 15 December 2025." in pdf_text(files["report.pdf"].content)
    assert "As presented to the Police and Crime Panel on 15 December 2025." in docx_text(files["report.docx"].content)
    assert len(csv_rows(files["commitments.csv"].content)) == 1 + 356 + 16 - 15  # a row per area a commitment is under
    assert list(xlsx_sheets(files["report.xlsx"].content)) == ["Summary by policy area", "Commitments", "KPIs"]


def _body(page: bytes) -> bytes:
    """The report's sections: the page around them has a fresh CSRF token each time."""
    return page.split(b'<div class="riskreg-paper">')[1]


def test_a_published_version_and_its_files_do_not_change_when_the_register_does(panel_client):
    version = PublishedPanelReport.objects.get()
    before = {name: panel_client.get(REPORT + name).content for name in FILES}
    page = _body(panel_client.get(REPORT).content)

    update = StatusUpdate.objects.filter(period__quarter=2, state="approved", commitment__ref=96).get()
    update.narrative = "A NEW NARRATIVE WRITTEN AFTER THE MEETING"
    update.save()

    assert _body(panel_client.get(REPORT).content) == page
    assert {name: panel_client.get(REPORT + name).content for name in FILES} == before
    assert b"A NEW NARRATIVE WRITTEN AFTER THE MEETING" in panel_client.get(REPORT + "?draft=1").content
    assert b"A NEW NARRATIVE" not in panel_client.get(REPORT + "commitments.csv").content
    assert version.files.count() == len(FILES)


def test_a_correction_needs_a_reason_and_both_versions_stay_readable(admin_client_demo):
    admin_client_demo.post(REPORT + "publish/")

    refused = admin_client_demo.post(REPORT + "publish/", {"correction_reason": "  "})
    assert refused.status_code == 200
    assert "Enter the reason for the correction" in refused.content.decode()
    assert PublishedPanelReport.objects.count() == 1

    admin_client_demo.post(REPORT + "publish/", {"correction_reason": "Commitment 96's update was wrong"})

    latest = admin_client_demo.get(REPORT).content.decode()
    assert "(version 2, corrected: Commitment 96&#x27;s update was wrong)." in latest
    first = admin_client_demo.get(REPORT + "?version=1").content.decode()
    assert "As presented to the Police and Crime Panel on 15 December 2025." in first
    assert "version 2" not in first.split("govuk-inset-text")[1][:200]
    assert admin_client_demo.get(REPORT + "?version=3").status_code == 404
    assert admin_client_demo.get(REPORT + "report.xlsx?version=1").status_code == 200


def test_a_report_without_a_meeting_date_is_not_published(admin_client_demo):
    PanelReport.objects.update(meeting_date=None)

    response = admin_client_demo.post(REPORT + "publish/")

    assert "Set the Panel&#x27;s meeting date before publishing the report" in response.content.decode()
    assert not PublishedPanelReport.objects.exists()


def test_the_web_publish_queues_the_pdf_and_word_file_and_stores_the_quick_files(task_queue, admin_client_demo):
    admin_client_demo.post(REPORT + "publish/")

    version = PublishedPanelReport.objects.get()
    assert sorted(version.files.values_list("name", flat=True)) == ["commitments.csv", "report.xlsx"]
    response = admin_client_demo.get(REPORT + "report.pdf")
    assert response.status_code == 503  # queued for the worker, never rendered in the request
    assert "is being prepared" in response.content.decode()
    assert "(being prepared)" in admin_client_demo.get(REPORT).content.decode()


def test_the_command_publishes_and_renders_every_file_at_once(demo):
    call_command("publish_panel_report", "2025-26", "q2")

    version = PublishedPanelReport.objects.get()
    assert PublishedPanelFile.objects.filter(version=version).count() == len(FILES)
    call_command("publish_panel_report", "2025-26", "q2", "--if-unpublished")
    assert PublishedPanelReport.objects.count() == 1
    with pytest.raises(CommandError, match="Enter the reason for the correction"):
        call_command("publish_panel_report", "2025-26", "q2")
    with pytest.raises(CommandError, match="no Panel report for 2025/26 Q3"):
        call_command("publish_panel_report", "2025-26", "q3")
    with pytest.raises(CommandError, match="No reporting period"):
        call_command("publish_panel_report", "2025-26", "q9")


def test_publishing_by_someone_not_an_admin_is_refused(demo):
    from django.core.exceptions import PermissionDenied

    from riskreg.models import User

    with pytest.raises(PermissionDenied):
        panel_report_publish(report=PanelReport.objects.get(), by=User.objects.get(username="committee"))
    assert not PublishedPanelReport.objects.exists()
