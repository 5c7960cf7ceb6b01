"""A published version's page and files are rendered once, stored with it, and served
from the database: by every process, after a restart, the same bytes each time."""

import io
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committee import rendering, services
from committee.demo import DEMO_FIXTURES
from committee.models import Paper, PublishedFile, PublishedPage, PublishedPaper
from risks.models import Risk
from tests.committee.conftest import PAPER

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "report.pdf",
    "report.docx",
    "report.xlsx",
    "red-list.csv",
    "red-no-update.csv",
    "improving-list.csv",
    "risk-movements.csv",
]
RENDERERS = ["pdf", "docx", "xlsx", "list_csv", "csv_table", "risk_movements_csv", "page_body"]


def renderers_fail():
    """Patch every renderer to fail: whatever is served then was stored before."""
    patches = [mock.patch.object(rendering, name, side_effect=AssertionError(f"rendered {name}")) for name in RENDERERS]
    for patch in patches:
        patch.start()
    return patches


@pytest.fixture
def no_rendering():
    patches = renderers_fail()
    yield
    for patch in patches:
        patch.stop()


def per_request_values_out(html: bytes) -> bytes:
    """The page without what differs on every request: the CSP nonce and the CSRF token."""
    return re.sub(rb'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', rb"\1=...", html)


def the_version() -> PublishedPaper:
    return PublishedPaper.objects.get(paper__period__quarter=2, version=1)


def test_publishing_stores_the_page_and_the_quick_files_and_the_first_download_stores_the_pdf(committee_client):
    version = the_version()
    assert PublishedPage.objects.filter(version=version).exists()
    assert sorted(version.files.values_list("name", flat=True)) == sorted(services.RENDERED_AT_PUBLISH)

    first = committee_client.get(PAPER + "report.pdf").content

    assert first.startswith(b"%PDF")
    assert bytes(version.files.get(name="report.pdf").content) == first


def test_after_a_restart_every_file_and_the_page_are_served_without_rendering_again(committee_client):
    before = {name: committee_client.get(PAPER + name).content for name in DOWNLOADS}
    page_before = committee_client.get(PAPER).content

    cache.clear()  # as after a restart, or in another worker
    patches = renderers_fail()
    try:
        after = {name: committee_client.get(PAPER + name).content for name in DOWNLOADS}
        response = committee_client.get(PAPER)
    finally:
        for patch in patches:
            patch.stop()

    assert after == before
    assert response.status_code == 200
    assert (
        response.content.split(b'<div class="riskreg-paper">')[1]
        == page_before.split(b'<div class="riskreg-paper">')[1]
    )


def test_the_published_page_shows_the_body_the_template_renders_from_the_snapshot(committee_client):
    version = the_version()
    expected = f'<div class="riskreg-paper">\n{rendering.page_body(version.content)}\n</div>'.encode()

    html = committee_client.get(PAPER).content

    assert expected in html
    # The page around it is still per request: navigation and the sign-out form's token.
    assert b"csrfmiddlewaretoken" in html
    assert b"<!-- the paper's body -->" not in html


def test_the_published_page_is_the_same_whether_its_body_was_stored_or_just_rendered(committee_client):
    stored = committee_client.get(PAPER).content
    PublishedPage.objects.all().delete()  # as for a version published before pages were kept
    cache.clear()

    rendered = committee_client.get(PAPER).content

    assert per_request_values_out(rendered) == per_request_values_out(stored)
    assert PublishedPage.objects.filter(version=the_version()).exists()


def test_a_risk_title_with_a_script_in_it_is_shown_as_text_on_the_published_page(admin_client_demo):
    Risk.objects.filter(ref="CR01").update(title='<script>alert("paper")</script>')
    paper = Paper.objects.get(period__quarter=2)
    services.paper_publish(paper=paper, by=None, correction_reason="Risk title")
    cache.clear()

    html = admin_client_demo.get(PAPER).content.decode()

    assert '<script>alert("paper")</script>' not in html
    assert "&lt;script&gt;alert(&quot;paper&quot;)&lt;/script&gt;" in html


def test_a_version_published_before_files_were_kept_renders_each_once_on_first_request(committee_client):
    PublishedFile.objects.all().delete()
    PublishedPage.objects.all().delete()
    cache.clear()

    assert committee_client.get(PAPER).status_code == 200
    first = committee_client.get(PAPER + "red-list.csv").content
    with mock.patch.object(rendering, "list_csv", side_effect=AssertionError("rendered again")):
        assert committee_client.get(PAPER + "red-list.csv").content == first
    assert PublishedPage.objects.count() == 1
    assert list(PublishedFile.objects.values_list("name", flat=True)) == ["red-list.csv"]


def test_two_first_requests_at_once_both_succeed_and_serve_the_stored_file(committee_client):
    version = the_version()
    version.files.filter(name="report.xlsx").delete()

    def another_request_stores_it_first(content):
        PublishedFile.objects.create(version=version, name="report.xlsx", content=b"stored first")
        return b"rendered second"

    with mock.patch.object(rendering, "xlsx", side_effect=another_request_stores_it_first):
        response = committee_client.get(PAPER + "report.xlsx")

    assert response.status_code == 200
    assert response.content == b"stored first"
    assert version.files.filter(name="report.xlsx").count() == 1


def test_the_publish_command_renders_the_pdf_at_once(db):
    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)

    call_command("publish_paper", "2025-26-q2", stdout=io.StringIO())

    names = set(PublishedFile.objects.values_list("name", flat=True))
    assert {"report.pdf", "report.docx"} <= names


def test_the_page_reads_its_stored_body_from_the_database_once_per_process(committee_client, no_rendering):
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert committee_client.get(PAPER).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert committee_client.get(PAPER).status_code == 200

    assert len(again) == len(first) - 1
    assert not any("committee_publishedpage" in query["sql"] and '"body"' in query["sql"] for query in again)
