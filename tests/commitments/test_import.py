import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from commitments.importing import plan_import
from commitments.models import Commitment, StatusUpdate
from commitments.services import commitments_import_apply
from tests.factories import CommitmentFactory, PlanFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

HEADER = ["Ref", "Policy Area", "Individual Commitment", "SMT Lead", "Officer Lead", "WMP Lead", "Timescale"]
IMPORT = reverse("commitments:import")


def csv_file(rows, header=HEADER, name="plan.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="plan.xlsx"):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


ROW_36 = [
    "36",
    "VAWG / Protecting Victims and Witnesses",
    "Campaign regionally.",
    "smt",
    "officer@example.org",
    "",
    "2025-29",
]


@pytest.fixture
def plan(periods, officer, smt_lead):
    return PlanFactory()


def test_preview_lists_each_change_and_writes_nothing(client_as_admin, plan):
    response = client_as_admin.post(IMPORT, {"file": csv_file([ROW_36])})

    assert response.status_code == 200
    assert b"Check the changes before you import" in response.content
    assert b"VAWG / Protecting Victims and Witnesses" in response.content
    assert b"New" in response.content
    assert not Commitment.objects.exists()


def test_confirming_applies_the_previewed_import(client_as_admin, plan, officer, smt_lead):
    client_as_admin.post(IMPORT, {"file": xlsx_file([ROW_36])})

    response = client_as_admin.post(reverse("commitments:import_confirm"))

    assert response.status_code == 302
    commitment = Commitment.objects.with_people().get(ref=36)
    assert commitment.policy_area_names == "VAWG / Protecting Victims and Witnesses"
    assert (commitment.smt_lead, commitment.officer_lead, commitment.timescale) == (smt_lead, officer, "2025-29")
    assert commitment.history.first().history_user.username == "admin"


def test_every_bad_row_is_named_and_nothing_is_written(client_as_admin, plan):
    rows = [
        ROW_36,
        ["x", "Partnerships", "Text", "", "", "", ""],
        ["37", "Partnerships", "", "nobody", "", "", ""],
        ["36", "Partnerships", "Again", "", "", "", ""],
    ]

    response = client_as_admin.post(IMPORT, {"file": csv_file(rows)})

    content = response.content.decode()
    assert "The file cannot be imported: nothing has changed" in content
    assert "Row 3: Ref must be a whole number" in content
    assert "Row 4 (commitment 37): Individual Commitment is empty; SMT Lead &#x27;nobody&#x27; is not a user" in content
    assert "Row 5: commitment 36 is also on row 2." in content
    assert client_as_admin.post(reverse("commitments:import_confirm")).status_code == 302
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("plan.pdf", b"%PDF-1.4"), "must be a CSV (.csv) or Excel workbook (.xlsx)"),
        (SimpleUploadedFile("plan.csv", "Ref,Texte\n1,é".encode("latin-1")), "not UTF-8 text"),
        (SimpleUploadedFile("plan.xlsx", b"not a zip"), "not an Excel .xlsx workbook"),
        (SimpleUploadedFile("plan.csv", b"Ref,Text\n1,x\n"), "missing the columns: Policy Area"),
        (
            SimpleUploadedFile("plan.csv", b",".join(h.encode() for h in HEADER) + b",Colour\n"),
            "'Colour' is not an import column",
        ),
        (
            SimpleUploadedFile("plan.csv", b",".join(h.encode() for h in HEADER) + b",2030/31 Q1\n"),
            "does not exist in the register",
        ),
        (
            SimpleUploadedFile("plan.csv", b",".join(h.encode() for h in HEADER) + b"\n"),
            "has a header but no commitments",
        ),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(client_as_admin, plan, upload, message):
    response = client_as_admin.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Commitment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_as_admin, plan, settings):
    settings.RISKREG_MAX_UPLOAD_BYTES = 100

    response = client_as_admin.post(IMPORT, {"file": csv_file([ROW_36] * 5)})

    assert "larger than" in response.content.decode()
    assert not Commitment.objects.exists()


def test_quarter_columns_set_approved_statuses_and_bad_ones_are_named(plan, periods, register_admin):
    header = [*HEADER, "2025/26 Q1", "2025/26 Q1 Update"]
    good = plan_import("p.csv", csv_file([[*ROW_36, "Amber", "Waiting for MOJ."]], header).read())
    assert good.is_valid, good.errors
    commitments_import_apply(result=good, by=register_admin)
    update = StatusUpdate.objects.get(commitment__ref=36, period=periods[1])
    assert (update.rag, update.narrative, update.state, update.reviewer) == (
        "amber",
        "Waiting for MOJ.",
        "approved",
        register_admin,
    )

    bad = plan_import(
        "p.csv", csv_file([[*ROW_36, "Purple", ""], ["37", "", "Text", "", "", "", "", "", "Words"]], header).read()
    )
    assert bad.errors == [
        "Row 2 (commitment 36): 2025/26 Q1 must be Red, Amber or Green (it is 'Purple').",
        "Row 3 (commitment 37): 2025/26 Q1 Update is given without a 2025/26 Q1 status.",
    ]


def test_import_will_not_overwrite_an_update_waiting_for_review(plan, periods, officer):
    commitment = CommitmentFactory(ref=36, plan=plan)
    StatusUpdateFactory(commitment=commitment, period=periods[3], state="submitted", rag="red")
    header = [*HEADER, "2025/26 Q3"]

    result = plan_import("p.csv", csv_file([[*ROW_36, "Green"]], header).read())

    assert result.errors == [
        "Row 2 (commitment 36): the 2025/26 Q3 update is submitted for review in the register: "
        "finish or return it there first."
    ]


def test_preview_that_no_longer_matches_the_register_is_not_applied(client_as_admin, plan):
    client_as_admin.post(IMPORT, {"file": csv_file([ROW_36])})
    CommitmentFactory(ref=36, plan=plan, text="Someone else's text")

    response = client_as_admin.post(reverse("commitments:import_confirm"))

    assert "The register changed after the preview" in response.content.decode()
    assert Commitment.objects.get(ref=36).text == "Someone else's text"


def test_exporting_the_register_and_importing_it_back_changes_nothing(client, db, settings):
    from riskreg.models import User

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    for extension in ("csv", "xlsx"):
        for query in ("", "?period=2025-26-q2"):
            download = client.get(reverse("commitments:register_download", args=[extension]) + query)
            assert download.status_code == 200
            result = plan_import(f"register.{extension}", download.content)
            assert result.is_valid, result.errors
            assert result.rows_read == 356
            assert not result.has_changes, result.changes[:3]


def test_import_command_previews_then_applies(plan, tmp_path, officer):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_file([ROW_36]).read())
    out = io.StringIO()

    call_command("import_commitments", str(path), "--dry-run", stdout=out)
    assert "36" in out.getvalue() and not Commitment.objects.exists()

    call_command("import_commitments", str(path), stdout=out)
    assert Commitment.objects.filter(ref=36).exists()


def test_import_command_fails_with_the_reasons(plan, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "plan.csv"
    path.write_bytes(csv_file([["x", "", "", "", "", "", ""]]).read())

    with pytest.raises(CommandError, match="Row 2: Ref must be a whole number"):
        call_command("import_commitments", str(path), stdout=io.StringIO())
    assert not Commitment.objects.exists()


def test_a_row_longer_than_the_register_keeps_is_refused_by_name_and_nothing_is_written(plan):
    too_long = [*ROW_36[:5], "W" * 201, "T" * 101]

    result = plan_import("p.csv", csv_file([too_long]).read())

    assert result.errors == [
        "Row 2 (commitment 36): WMP lead: Ensure this value has at most 200 characters (it has 201); "
        "Timescale: Ensure this value has at most 100 characters (it has 101)."
    ]
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_formulas_and_their_look_alikes_download_and_import_back_unchanged(client_as_admin, plan, extension):
    texts = ["=1+1", "\uff1d1+1", "\uff201", "\u200b=1+1", "\ufeff@SUM(1)", "\u00a0-1", "'=quoted", "- a list"]
    for ref, text in enumerate(texts, start=1):
        CommitmentFactory(plan=plan, ref=ref, text=text, wmp_lead=text, timescale=text[:20])

    download = client_as_admin.get(reverse("commitments:register_download", args=[extension]))
    result = plan_import(f"register.{extension}", download.content)

    assert result.is_valid, result.errors
    assert result.rows_read == len(texts)
    assert not result.has_changes, result.changes
