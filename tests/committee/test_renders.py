"""A published paper's PDF and Word file are rendered by the task worker, never in a
request: publishing queues them and returns; until they are stored their links say
they are being prepared and a request for one gets a 503 page with Retry-After; a
failed render is shown to admins with a retry."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from committee import rendering
from committee.demo import DEMO_FIXTURES
from committee.models import PublishedFile, PublishedPaper
from committee.tasks import render_published_file
from riskreg.models import User
from tests.commands import run_worker
from tests.committee.conftest import PAPER
from tests.html import text

pytestmark = pytest.mark.django_db

Status = TaskResultStatus


@pytest.fixture
def published(task_queue, client):
    """The demo data, its Q2 paper published by an admin in the site, with the real queue."""
    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)
    client.force_login(User.objects.get(username="admin"))
    response = client.post(PAPER + "publish/")
    assert response.status_code == 302
    return PublishedPaper.objects.get(paper__period__quarter=2, version=1)


def renders(version) -> list[tuple[str, str]]:
    return sorted(
        (row.args_kwargs["kwargs"]["name"], row.status)
        for row in DBTaskResult.objects.filter(task_path=render_published_file.module_path)
        if row.args_kwargs["kwargs"]["version_id"] == version.pk
    )


@pytest.mark.django_db(transaction=True)
def test_publishing_queues_the_pdf_and_word_file_and_the_worker_renders_them(published, client):
    assert renders(published) == [("report.docx", Status.READY), ("report.pdf", Status.READY)]
    assert not published.files.filter(name__in=["report.pdf", "report.docx"]).exists()

    waiting = client.get(PAPER + "report.pdf")
    page = text(client.get(PAPER).content)

    assert waiting.status_code == 503
    assert int(waiting["Retry-After"]) >= 5
    assert "no-cache" in waiting["Cache-Control"]
    assert "The PDF is being prepared" in text(waiting.content)
    assert "The paper as PDF (being prepared)" in page
    assert "as Word (being prepared)" in page

    run_worker()

    pdf = client.get(PAPER + "report.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert bytes(published.files.get(name="report.pdf").content) == pdf.content
    assert client.get(PAPER + "report.docx").status_code == 200
    assert "being prepared" not in text(client.get(PAPER).content)
    assert renders(published) == [("report.docx", Status.SUCCESSFUL), ("report.pdf", Status.SUCCESSFUL)]


@pytest.mark.django_db(transaction=True)
def test_once_one_is_rendered_the_next_papers_link_says_how_long_the_last_took(published, client):
    run_worker()
    client.post(PAPER + "publish/", {"correction_reason": "A typing error"})

    page = text(client.get(PAPER).content)

    assert "The paper as PDF (being prepared: the last took " in page
    waiting = client.get(PAPER + "report.pdf")
    assert waiting.status_code == 503
    assert "The last one took " in text(waiting.content)


@pytest.mark.django_db(transaction=True)
def test_a_failed_render_is_shown_to_admins_with_a_retry_that_renders_it(published, client):
    with mock.patch.object(rendering, "pdf", side_effect=MemoryError("out of memory")):
        run_worker()
    assert renders(published) == [("report.docx", Status.SUCCESSFUL), ("report.pdf", Status.FAILED)]

    admin_page = client.get(PAPER).content
    download = client.get(PAPER + "report.pdf")
    client.force_login(User.objects.get(username="committee"))
    members_page = client.get(PAPER).content
    members_download = client.get(PAPER + "report.pdf")

    failed = DBTaskResult.objects.get(status=Status.FAILED)
    retry = reverse("task_retry", args=[failed.pk]).encode()
    assert "The PDF could not be prepared: MemoryError: out of memory" in text(admin_page)
    assert retry in admin_page
    assert download.status_code == 503
    assert retry in download.content
    assert "The paper as PDF (could not be prepared)" in text(members_page)
    assert retry not in members_page and b"MemoryError" not in members_page
    assert members_download.status_code == 503
    assert "The register's admins can see why and try again" in text(members_download.content)
    assert b"MemoryError" not in members_download.content

    client.force_login(User.objects.get(username="admin"))
    response = client.post(reverse("task_retry", args=[failed.pk]), {"next": PAPER})
    assert response["Location"] == PAPER
    assert "The paper as PDF (being prepared" in text(client.get(PAPER).content)
    run_worker()
    assert client.get(PAPER + "report.pdf").content.startswith(b"%PDF")


def test_a_download_never_renders_in_the_request_and_queues_one_render_if_none_is(task_queue, admin_client_demo):
    # The demo fixture's publish queued nothing (the test's transaction never commits), as
    # for a version published before the worker: the first download queues the render.
    version = PublishedPaper.objects.get(paper__period__quarter=2)
    with mock.patch.object(rendering, "pdf", side_effect=AssertionError("rendered in the request")):
        first = admin_client_demo.get(PAPER + "report.pdf")
        second = admin_client_demo.get(PAPER + "report.pdf")

    assert first.status_code == second.status_code == 503
    assert renders(version) == [("report.pdf", Status.READY)]
    assert not PublishedFile.objects.filter(version=version, name="report.pdf").exists()


def test_the_quick_files_are_stored_as_the_paper_is_published_and_served_at_once(task_queue, admin_client_demo):
    for name in ["report.xlsx", "red-list.csv", "risk-movements.csv"]:
        assert admin_client_demo.get(PAPER + name).status_code == 200


def test_the_publish_command_renders_the_pdf_and_word_file_at_once_and_queues_nothing(task_queue):
    call_command("loaddata", *DEMO_FIXTURES, verbosity=0)

    call_command("publish_paper", "2025-26-q2", stdout=mock.MagicMock())

    version = PublishedPaper.objects.get(paper__period__quarter=2)
    assert {"report.pdf", "report.docx"} <= set(version.files.values_list("name", flat=True))
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("size", ["none stored", "both stored"])
def test_the_published_page_runs_fixed_queries_whether_its_files_are_ready_or_not(
    task_queue, committee_client, django_assert_max_num_queries, size
):
    version = PublishedPaper.objects.get(paper__period__quarter=2)
    if size == "both stored":
        for name in ["report.pdf", "report.docx"]:
            PublishedFile.objects.create(version=version, name=name, content=b"x")
    committee_client.get(PAPER)
    with django_assert_max_num_queries(13):
        assert committee_client.get(PAPER).status_code == 200
