"""Imports whose work follows the file, not the register: the register's own download at
100 times the West Midlands plan imports back as no changes, and a 10-row file costs the
same queries whatever the register's size."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.management.commands.make_synthetic import WORDS
from commitments.importing import BASE_COLUMNS, plan_import
from commitments.models import Commitment, CommitmentPolicyArea, Plan, StatusUpdate
from commitments.services import commitments_import_apply
from riskreg.exports import csv_bytes
from riskreg.models import User
from tests.factories import PlanFactory, PolicyAreaFactory

pytestmark = pytest.mark.django_db

COMMITMENTS_AT_100X = 100 * 356


def _words(rng, count) -> str:
    return "Synthetic: " + " ".join(rng.choice(WORDS) for _ in range(count)).capitalize() + "."


def build_register(count: int, periods, start: int = 1) -> list[list]:
    """Commitments `start` to `start + count - 1` as make_synthetic builds them (one officer
    to 10, one SMT lead to 40, two policy areas, an approved update with a narrative in Q1
    and Q2), in bulk. Returns their rows as the register's download writes them."""
    rng = random.Random(2026 + start)
    officers = User.objects.bulk_create(
        User(username=f"synthetic-officer-{start}-{n:05}", email=f"o{start}-{n}@example.org", password="!")
        for n in range(count // 10 + 1)
    )
    smts = User.objects.bulk_create(
        User(username=f"synthetic-smt-{start}-{n:05}", email=f"s{start}-{n}@example.org", password="!")
        for n in range(count // 40 + 1)
    )
    plan = Plan.objects.current() or PlanFactory()
    areas = [PolicyAreaFactory(name=f"Area {n}") for n in range(10)]
    commitments = Commitment.objects.bulk_create(
        (
            Commitment(
                plan=plan,
                ref=ref,
                text=_words(rng, rng.randint(12, 40)),
                officer_lead=officers[(ref - start) // 10],
                smt_lead=smts[(ref - start) // 40],
                wmp_lead="Synthetic WMP lead",
                timescale="2025-29",
            )
            for ref in range(start, start + count)
        ),
        batch_size=2000,
    )
    CommitmentPolicyArea.objects.bulk_create(
        (
            CommitmentPolicyArea(commitment=c, policy_area=areas[(c.ref + i) % 10], position=i)
            for c in commitments
            for i in range(2)
        ),
        batch_size=2000,
    )
    updates = StatusUpdate.objects.bulk_create(
        (
            StatusUpdate(
                commitment=c, period=p, rag="green", narrative=_words(rng, rng.randint(20, 80)), state="approved"
            )
            for c in commitments
            for p in (periods[1], periods[2])
        ),
        batch_size=2000,
    )
    narratives = {(u.commitment_id, u.period_id): u.narrative for u in updates}
    return [
        [
            c.ref,
            f"{areas[c.ref % 10].name} / {areas[(c.ref + 1) % 10].name}",
            c.text,
            smts[(c.ref - start) // 40].username,
            officers[(c.ref - start) // 10].username,
            c.wmp_lead,
            c.timescale,
            "Green",
            narratives[c.pk, periods[1].pk],
            "Green",
            narratives[c.pk, periods[2].pk],
        ]
        for c in commitments
    ]


def test_the_registers_download_at_100_times_the_plan_imports_back_as_no_changes(client_as_admin, periods):
    """The file as the register's download writes it (test_import.py checks at the real size
    that the download itself imports back; at this size the download takes half a minute)."""
    rows = build_register(COMMITMENTS_AT_100X, periods)
    q1, q2 = periods[1].label, periods[2].label
    content = csv_bytes([*BASE_COLUMNS, q1, f"{q1} Update", q2, f"{q2} Update"], rows)
    assert len(content) > 40 * 1024 * 1024  # as large as the download at 100x (45 MB)
    response = client_as_admin.post(
        reverse("commitments:import"), {"file": SimpleUploadedFile("register.csv", content, content_type="text/csv")}
    )

    page = response.content.decode()
    assert "importing it would change nothing" in page, page[page.find("govuk-error-summary") :][:800]


def test_the_file_built_here_is_the_registers_download(client_as_admin, periods):
    rows = build_register(50, periods)
    q1, q2 = periods[1].label, periods[2].label

    download = client_as_admin.get(reverse("commitments:register_download", args=["csv"]) + "?period=2025-26-q2")

    assert download.content == csv_bytes([*BASE_COLUMNS, q1, f"{q1} Update", q2, f"{q2} Update"], rows)


def _ten_row_file(periods, first: int = 1) -> bytes:
    header = [*BASE_COLUMNS, periods[2].label, f"{periods[2].label} Update"]
    rows = [
        [str(ref), "Area 1 / Area 2", f"Changed text {ref}", "", "", "", "2025-29", "Amber", f"Changed {ref}"]
        for ref in range(first, first + 10)
    ]
    return csv_bytes(header, rows)


def _queries(periods, by, first: int) -> tuple[int, int]:
    """Queries of the preview (a dry run) and of the apply of a 10-row file."""
    with CaptureQueriesContext(connection) as previewed:
        result = plan_import("ten.csv", _ten_row_file(periods, first))
    with CaptureQueriesContext(connection) as applied:
        commitments_import_apply(result=result, by=by)
    assert result.is_valid, result.errors
    assert len(result.changes) == 10
    return len(previewed.captured_queries), len(applied.captured_queries)


def test_a_ten_row_import_runs_the_same_queries_whatever_the_registers_size(periods, register_admin):
    build_register(20, periods)
    small = _queries(periods, register_admin, first=1)

    build_register(3000, periods, start=21)
    large = _queries(periods, register_admin, first=11)

    assert large == small


def test_an_imports_bulk_writes_keep_a_history_record_for_every_change(periods, register_admin):
    build_register(30, periods)
    before = {
        "commitments": Commitment.history.count(),
        "updates": StatusUpdate.history.count(),
        "areas": CommitmentPolicyArea.history.count(),
    }

    result = plan_import("ten.csv", _ten_row_file(periods))
    commitments_import_apply(result=result, by=register_admin)

    assert Commitment.history.count() == before["commitments"] + 10
    assert StatusUpdate.history.count() == before["updates"] + 10
    # The areas of commitments 1-10 change to "Area 1 / Area 2": some removed, some added.
    assert CommitmentPolicyArea.history.count() > before["areas"]
    changed = Commitment.objects.get(ref=3)
    record = changed.history.latest()
    assert (record.text, record.history_user) == ("Changed text 3", register_admin)
    update = StatusUpdate.objects.get(commitment=changed, period=periods[2])
    assert (update.rag, update.narrative, update.state, update.version) == ("amber", "Changed 3", "approved", 2)
    assert update.history.latest().history_user == register_admin
    assert [a.policy_area.name for a in changed.areas.order_by("position")] == ["Area 1", "Area 2"]
