"""export_register and import_register: the whole register out to one JSON file and
back into an empty database, with the committee paper exactly as it was."""

import datetime
import gc
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from commitments.models import Plan
from committee.models import Paper, PublishedFile, PublishedPage, PublishedPaper
from committee.report import build_report
from riskreg.management.commands.export_register import FORMAT, MODELS, NOT_EXPORTED, VERSION, history_models
from riskreg.management.commands.import_register import _header_and_records
from riskreg.models import User
from tests.factories import PASSWORD, CommitmentFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app_label in ("riskreg", "commitments", "risks", "committee", "otp_totp")
        for model in apps.get_app_config(app_label).get_models()
    }


def the_paper() -> dict:
    """The Q2 paper as published and as the register builds it now."""
    paper = Paper.objects.get(period__financial_year=2025, period__quarter=2)
    return {
        "published": list(PublishedPaper.objects.filter(paper=paper).values_list("version", "content")),
        "live": build_report(paper),
    }


def export(path) -> dict:
    call_command("export_register", str(path), stderr=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def assert_restoring_changes_nothing(document: dict, tmp_path, message: str):
    """The document, restored into an empty database, is refused with the message and leaves it empty."""
    (tmp_path / "broken.json").write_text(json.dumps(document))
    empty_the_database()
    before = counts()

    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(tmp_path / "broken.json"))

    assert counts() == before


def empty_the_database():
    # As a fresh database after migrate: the role groups are there, nothing else.
    call_command("flush", interactive=False, verbosity=0)


def test_every_table_of_the_register_is_in_the_export():
    exported = {apps.get_model(label) for label in MODELS + NOT_EXPORTED} | set(history_models())
    for app_label in ("riskreg", "commitments", "risks", "committee", "panel", "kpis", "performance", "api"):
        for model in apps.get_app_config(app_label).get_models():
            assert model in exported, f"{model._meta.label} is not in export_register's MODELS"


def test_the_paper_is_identical_after_export_flush_and_import(demo, tmp_path, client):
    committee = User.objects.get(username="committee")
    committee.set_password(PASSWORD)
    committee.save()
    # A register admin's authenticator app comes back too: no re-enrolling after a restore.
    TOTPDevice.objects.create(user=User.objects.get(username="admin"), name="phone", confirmed=True)
    key = TOTPDevice.objects.get().key
    before, paper_before = counts(), the_paper()
    groups_before = sorted(User.groups.through.objects.values_list("user__username", "group__name"))
    path = tmp_path / "register.json"

    document = export(path)
    empty_the_database()
    assert counts()["committee.PublishedPaper"] == 0
    call_command("import_register", str(path), stderr=io.StringIO())

    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert document["exported_at"]
    assert counts() == before
    assert the_paper() == paper_before
    assert TOTPDevice.objects.get(user__username="admin").key == key
    assert sorted(User.groups.through.objects.values_list("user__username", "group__name")) == groups_before
    # People sign in with the passwords they had, and see the same paper.
    signed_in = client.post("/sign-in/", {"username": "committee", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/committee/2025-26/q2/").status_code == 200


def test_long_columns_are_written_in_pieces_and_come_back_whole(demo, tmp_path, monkeypatch):
    # Pieces of 1,000 characters here (a megabyte in use): the paper's snapshot (JSON), its
    # page (text) and its PDF and Word files (bytes) each go out in several.
    monkeypatch.setattr("riskreg.management.commands.export_register.PIECE", 1000)
    content = PublishedPaper.objects.get().content
    body = PublishedPage.objects.get().body
    files = {file.name: bytes(file.content) for file in PublishedFile.objects.all()}
    assert len(json.dumps(content)) > 10_000
    assert {"report.pdf", "report.docx"} <= set(files)
    path = tmp_path / "register.json"

    first = export(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    empty_the_database()
    call_command("import_register", str(path), stderr=io.StringIO())

    pieces = {(record["model"], record["piece"]) for record in first["data"] if "piece" in record}
    assert {
        ("committee.publishedpaper", "content"),
        ("committee.publishedpage", "body"),
        ("committee.publishedfile", "content"),
    } <= pieces
    # No line of the file holds a whole long column, so neither does the memory reading it.
    assert max(len(line) for line in lines) < 10_000
    assert PublishedPaper.objects.get().content == content
    assert PublishedPage.objects.get().body == body
    assert {file.name: bytes(file.content) for file in PublishedFile.objects.all()} == files
    assert export(tmp_path / "again.json")["data"] == first["data"]


def test_the_restore_reads_no_more_at_a_time_than_its_longest_record(demo, tmp_path, monkeypatch):
    # Reads of 2,000 characters and pieces of 1,000, so records are cut by the end of what was
    # read all through the file: what is read for a cut record follows that record, it does
    # not grow with every record cut before it.
    monkeypatch.setattr("riskreg.management.commands.export_register.PIECE", 1000)
    monkeypatch.setattr("riskreg.management.commands.import_register.READ", 2000)
    path = tmp_path / "register.json"
    records = export(path)["data"]
    longest = max(len(line) for line in path.read_text(encoding="utf-8").splitlines())
    reads = []

    class Reading(io.StringIO):
        name = "register.json"

        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    _, read_back = _header_and_records(Reading(path.read_text(encoding="utf-8")))

    assert list(read_back) == records
    assert len(reads) > 100
    assert max(reads) <= longest


def garbage_left_by(command: str, path) -> int:
    """How many objects the command left in reference cycles, for the garbage collector."""
    gc.collect()
    gc.disable()
    try:
        call_command(command, str(path), stderr=io.StringIO())
        return gc.collect()
    finally:
        gc.enable()


def test_what_the_backups_leave_for_the_garbage_collector_does_not_grow_with_the_register(demo, tmp_path):
    # Rows left in cycles (a row and its prefetched links) wait for the collector's full
    # passes, rarer as the heap grows: the memory grew with the register (tens of MB at 100x).
    smaller, larger = tmp_path / "smaller.json", tmp_path / "larger.json"
    export(smaller)  # once first: what is set up once a process is not counted
    left = {"export": garbage_left_by("export_register", smaller)}
    empty_the_database()
    left["restore"] = garbage_left_by("import_register", smaller)
    # More of the rows with many-to-many links (users' roles, risks' commitments) and of
    # those others refer to by natural key.
    for number in range(30):
        commitment = CommitmentFactory(plan=Plan.objects.get(), ref=9000 + number)
        RiskFactory(ref=f"G{number}").commitments.add(commitment)
    export(larger)

    assert garbage_left_by("export_register", larger) == left["export"]
    empty_the_database()
    assert garbage_left_by("import_register", larger) == left["restore"]


def test_a_version_1_export_still_restores(demo, tmp_path):
    # As export_register wrote before long columns went in pieces: the same records, none of them pieces.
    document = export(tmp_path / "register.json")
    assert not any("piece" in record for record in document["data"])
    (tmp_path / "version1.json").write_text(json.dumps({**document, "version": 1}))
    paper_before = the_paper()
    empty_the_database()

    call_command("import_register", str(tmp_path / "version1.json"), stderr=io.StringIO())

    assert the_paper() == paper_before


def test_a_piece_of_a_row_not_in_the_file_imports_nothing(demo, tmp_path):
    document = export(tmp_path / "register.json")
    at = next(i for i, record in enumerate(document["data"]) if record["model"] == "committee.publishedpage")
    document["data"].insert(at, {"model": "committee.publishedpage", "pk": 999, "piece": "body", "text": "<p>"})

    assert_restoring_changes_nothing(
        document, tmp_path, "pieces of committee.publishedpage 999, a row it does not hold"
    )


def test_the_history_comes_back_and_new_changes_follow_it(demo, tmp_path):
    paper = Paper.objects.get(period__financial_year=2025, period__quarter=2)
    records = list(paper.history.values_list("history_id", "history_type", "title"))
    path = tmp_path / "register.json"
    export(path)
    empty_the_database()
    call_command("import_register", str(path), stderr=io.StringIO())

    paper = Paper.objects.get(period__financial_year=2025, period__quarter=2)
    assert list(paper.history.values_list("history_id", "history_type", "title")) == records
    # Ids go on from where they were (PostgreSQL sequences reset past the restored rows).
    paper.title = "Changed after the restore"
    paper.save()
    assert paper.history.count() == len(records) + 1


def test_a_second_export_of_a_restored_register_is_the_same(demo, tmp_path):
    first = export(tmp_path / "first.json")
    empty_the_database()
    call_command("import_register", str(tmp_path / "first.json"), stderr=io.StringIO())

    second = export(tmp_path / "second.json")

    assert second["data"] == first["data"]


def test_times_come_back_to_the_microsecond(demo, tmp_path):
    # 347 microseconds: none at the millisecond, which is where JSON's usual times stop.
    signed_in = datetime.datetime(2025, 12, 11, 9, 30, 0, 347, tzinfo=datetime.UTC)
    User.objects.filter(username="admin").update(last_login=signed_in)
    export(tmp_path / "register.json")
    empty_the_database()

    call_command("import_register", str(tmp_path / "register.json"), stderr=io.StringIO())

    assert User.objects.get(username="admin").last_login == signed_in


def test_importing_into_a_register_with_data_is_refused_and_changes_nothing(demo, tmp_path):
    path = tmp_path / "register.json"
    export(path)
    before = counts()

    with pytest.raises(CommandError, match="already has data .*nothing was imported"):
        call_command("import_register", str(path))

    assert counts() == before


def test_a_bad_record_imports_nothing(demo, tmp_path):
    document = export(tmp_path / "register.json")
    # A status update naming a commitment that is not in the file, near the end.
    updates = [row for row in document["data"] if row["model"] == "commitments.statusupdate"]
    updates[-1]["fields"]["commitment"] = ["Police and Crime Plan 2025-2029", 99999]

    assert_restoring_changes_nothing(document, tmp_path, "Nothing was imported")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": "something-else", "version": 1, "data": []}', "not a register export"),
        (
            '{"format": "riskreg-register", "version": 3, "data": []}',
            "version 3 export; this register reads versions 1 and 2",
        ),
        ('{"format": "riskreg-register", "version": 1}', "no data list"),
        (
            json.dumps({"format": FORMAT, "version": 1, "data": [{"model": "auth.permission", "pk": 1, "fields": {}}]}),
            "does not restore: auth.permission",
        ),
    ],
)
def test_a_file_that_is_not_a_register_export_is_refused(db, tmp_path, content, message):
    path = tmp_path / "file.json"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(path))


def test_the_export_to_standard_output_is_the_same_document(demo, tmp_path):
    out = io.StringIO()
    call_command("export_register", "-", stdout=out)

    assert json.loads(out.getvalue())["data"] == export(tmp_path / "register.json")["data"]


def test_a_restore_does_not_look_up_references_one_by_one(demo, tmp_path):
    document = export(tmp_path / "register.json")
    empty_the_database()
    references = sum(isinstance(value, list) for record in document["data"] for value in record["fields"].values())

    with CaptureQueriesContext(connection) as queries:
        call_command("import_register", str(tmp_path / "register.json"), stderr=io.StringIO())

    # A few per table and per batch of 500 rows, the references' ids looked up a batch at a
    # time (about 170 in all, 230 with PostgreSQL's sequence resets), not one per reference,
    # of which the demo has over a thousand.
    assert references > 1000
    assert len(queries) < references / 5
