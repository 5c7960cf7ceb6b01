import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from riskreg.roles import Role
from risks.importing import COLUMNS, plan_import
from risks.models import Assessment, Risk, StatusChange
from risks.services import risks_import_apply
from tests.factories import UserFactory
from tests.risks.factories import AssessmentFactory, RiskFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("risks:import")
CONFIRM = reverse("risks:import_confirm")


def _row(**changes) -> dict:
    row = {
        "Ref": "CR01",
        "Title": "VRP funding",
        "Description": "Less Home Office funding",
        "Kind": "Topical",
        "Owner": "smt",
        "Status": "Open",
        "Period": "2025/26 Q2",
        "Inherent L": "4",
        "Inherent I": "4",
        "Current L": "4",
        "Current I": "4",
        "Target L": "2",
        "Target I": "3",
    }
    row.update(changes)
    return row


def _csv(*rows, header=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in (row[c] for c in COLUMNS)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name="risks.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def owners(smt_lead, register_admin):
    return smt_lead


def test_the_preview_lists_what_will_be_created_and_writes_nothing(client_as_admin, periods, owners):
    content = _csv(_row(Period="2025/26 Q1", **{"Current L": "3"}), _row())

    response = _upload(client_as_admin, content)

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Check the changes before you import" in html
    assert "2 rows read from risks.csv: 1 new risk, 0 changed, 2 new assessments, 0 changed" in html
    assert "CR01 VRP funding: new risk" in html
    cell = '<td class="govuk-table__cell riskreg-pre">'
    assert f"Title</th> {cell}–</td> {cell}VRP funding</td>" in html
    assert "2025/26 Q1 assessment (new) (row 2)" in html
    assert not Risk.objects.exists() and not Assessment.objects.exists()


def test_confirming_writes_the_risks_assessments_and_first_status(client_as_admin, periods, owners, register_admin):
    _upload(client_as_admin, _csv(_row(Period="2025/26 Q1", **{"Current L": "3"}), _row()))

    response = client_as_admin.post(CONFIRM, follow=True)

    assert (
        "Imported risks.csv: 1 new and 0 changed risks, 2 new and 0 changed assessments." in response.content.decode()
    )
    risk = Risk.objects.get(ref="CR01")
    assert (risk.title, risk.kind, risk.owner, risk.status) == ("VRP funding", "topical", owners, "open")
    scores = {a.period.quarter: (a.inherent_score, a.current_score, a.target_score) for a in risk.assessments.all()}
    assert scores == {1: (16, 12, 6), 2: (16, 16, 6)}
    assert all(a.assessed_by == register_admin for a in risk.assessments.all())
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.period, change.reason) == (
        "",
        "open",
        periods[1],
        "Imported from risks.csv",
    )
    assert [r.ref for r in Risk.objects.increased_between(periods[1], periods[2])] == ["CR01"]


def test_every_bad_row_is_named_with_its_number_and_nothing_is_written(client_as_admin, periods, owners):
    UserFactory(username="officer2", role=Role.OFFICER)
    rows = [
        _row(Ref="CR02"),  # row 2: fine
        _row(Ref="cr 3"),  # row 3
        _row(Ref="CR04", Kind="Strategic"),  # row 4
        _row(Ref="CR05", Owner="nobody"),  # row 5
        _row(Ref="CR06", Owner="officer2"),  # row 6
        _row(Ref="CR07", Period="Q2 2025"),  # row 7
        _row(Ref="CR08", Period="2030/31 Q1"),  # row 8
        _row(Ref="CR09", **{"Current L": "6"}),  # row 9
        _row(Ref="CR10", **{"Current I": ""}),  # row 10
        _row(Ref="CR11", **{"Target I": ""}),  # row 11
        _row(Ref="CR02", Title="Another title", Period="2025/26 Q1"),  # row 12
        _row(Ref="CR02"),  # row 13: the same quarter again
        _row(Ref="CR12", Status="Pending", Title=""),  # row 14
    ]

    response = _upload(client_as_admin, _csv(*rows))

    html = response.content.decode().replace("&#x27;", "'")
    assert "<title>Error: Import risks" in html
    expected = [
        "Row 3: Ref 'cr 3' must be capital letters then digits, such as CR01",
        "Row 4: Kind 'Strategic' must be Corporate or Topical",
        "Row 5: No user has the username or email 'nobody'",
        "Row 6: officer2 is not an active SMT lead or register admin, so cannot own a risk",
        "Row 7: Period 'Q2 2025' must be a quarter written like 2025/26 Q2",
        "Row 8: There is no reporting period 2030/31 Q1 in the register",
        "Row 9: Current L (likelihood) must be a whole number from 1 to 5, the matrix's scale",
        "Row 10: Enter both Current L and Current I",
        "Row 11: Enter both Target L and Target I, or leave both empty",
        "Row 12: Title of CR02 differs from row 2; give every row of a risk the same title",
        "Row 13: CR02 already has a row for 2025/26 Q2 (row 2)",
        "Row 14: Enter a Title",
        "Row 14: Status 'Pending' must be Under consideration, Open, Closed or De-escalated",
    ]
    for message in expected:
        assert message in html
    assert not Risk.objects.exists()
    assert "Confirm and import" not in html


def test_a_file_without_the_columns_names_what_is_missing(client_as_admin, periods, owners):
    response = _upload(client_as_admin, b"Ref,Title\nCR01,Something\n")

    assert "The file has no column Description, Kind, Owner, Status, Period" in response.content.decode()


def test_a_file_that_is_not_csv_or_xlsx_is_refused(client_as_admin, periods, owners):
    response = _upload(client_as_admin, b"hello", name="risks.txt")

    assert "The file must be a CSV (.csv) or Excel workbook (.xlsx)." in response.content.decode()


def test_an_xlsx_file_imports_like_a_csv(client_as_admin, periods, owners):
    _upload(client_as_admin, _xlsx(_row(Owner="SMT@example.org")), name="risks.xlsx")
    client_as_admin.post(CONFIRM)

    assert Risk.objects.get(ref="CR01").owner == owners
    assert Assessment.objects.get().current_score == 16


def test_changes_to_an_existing_risk_are_listed_per_field_and_status_changes_are_recorded(periods, owners):
    risk = RiskFactory(ref="CR01", title="Old title", description="Less Home Office funding", kind="topical")
    risk.owner = owners
    risk.save()
    AssessmentFactory(
        risk=risk,
        period=periods[2],
        current_likelihood=4,
        current_impact=4,
        inherent_likelihood=4,
        inherent_impact=4,
        target_likelihood=2,
        target_impact=3,
    )

    plan = plan_import("risks.csv", _csv(_row(Title="VRP funding", Status="Closed", **{"Current L": "2"})))

    assert plan.errors == []
    [risk_plan] = plan.risks
    assert [(c.field, c.before, c.after) for c in risk_plan.changes] == [
        ("Title", "Old title", "VRP funding"),
        ("Status", "Open", "Closed"),
    ]
    assert [(c.field, c.before, c.after) for c in risk_plan.assessments[0].changes] == [("Current L", "4", "2")]

    risks_import_apply(result=plan, by=None)

    risk.refresh_from_db()
    assert (risk.title, risk.status) == ("VRP funding", "closed")
    assessment = Assessment.objects.get()
    assert (assessment.current_score, assessment.version) == (8, 2)
    assert [r.ref for r in Risk.objects.closed_or_deescalated_during(periods[2])] == ["CR01"]


def test_an_unchanged_file_says_so(client_as_admin, periods, owners):
    _upload(client_as_admin, _csv(_row()))
    client_as_admin.post(CONFIRM)

    html = _upload(client_as_admin, _csv(_row())).content.decode()

    assert "importing it would change nothing" in html
    assert "Confirm and import" not in html


def test_a_register_changed_after_the_preview_is_not_imported(client_as_admin, periods, owners):
    _upload(client_as_admin, _csv(_row()))
    RiskFactory(ref="CR01", title="Someone else's risk")

    response = client_as_admin.post(CONFIRM)

    assert "The register changed after the preview, so nothing was imported" in response.content.decode()
    assert Risk.objects.get(ref="CR01").title == "Someone else's risk"
    assert not Assessment.objects.exists()


def test_confirming_without_a_preview_asks_for_the_file_again(client_as_admin):
    response = client_as_admin.post(CONFIRM, follow=True)

    assert "There is no import waiting to be confirmed" in response.content.decode()


def test_the_command_previews_then_writes_with_yes(tmp_path, periods, owners):
    path = tmp_path / "risks.csv"
    path.write_bytes(_csv(_row()))
    out = StringIO()

    call_command("import_risks", str(path), "--dry-run", stdout=out)
    assert "CR01 VRP funding (new risk)" in out.getvalue() and "Dry run: nothing written." in out.getvalue()
    assert not Risk.objects.exists()

    call_command("import_risks", str(path), "--yes", "--user", "admin", stdout=StringIO())
    assert Assessment.objects.get().assessed_by.username == "admin"


def test_the_command_names_bad_rows_and_writes_nothing(tmp_path, periods, owners):
    path = tmp_path / "risks.csv"
    path.write_bytes(_csv(_row(Ref="CR02"), _row(Owner="nobody")))
    err = StringIO()

    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import_risks", str(path), "--yes", stderr=err)

    assert "Row 3: No user has the username or email 'nobody'" in err.getvalue()
    assert not Risk.objects.exists()


def test_the_command_asks_before_writing(tmp_path, periods, owners, monkeypatch):
    path = tmp_path / "risks.csv"
    path.write_bytes(_csv(_row()))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")

    call_command("import_risks", str(path), stdout=StringIO())

    assert not Risk.objects.exists()


def test_a_title_longer_than_the_register_keeps_is_refused_by_name(periods, owners):
    plan = plan_import("risks.csv", _csv(_row(Title="T" * 201)))

    assert plan.errors == ["Row 2: Title: Ensure this value has at most 200 characters (it has 201)"]


def _risks(count: int, **changes) -> bytes:
    return _csv(*(_row(Ref=f"CR{n:02}", **changes) for n in range(1, count + 1)))


@pytest.mark.parametrize("count", [3, 30])
def test_an_import_writes_in_bulk_with_history_for_every_change(
    count, periods, owners, register_admin, django_assert_max_num_queries
):
    risks_import_apply(result=plan_import("risks.csv", _risks(count)), by=register_admin)
    plan = plan_import("risks.csv", _risks(count, Title="Changed", Status="Closed", **{"Current L": "2"}))

    # The same few queries for 3 risks as for 30: none per row.
    with django_assert_max_num_queries(12):
        risks_import_apply(result=plan, by=register_admin)

    assert set(Risk.objects.values_list("title", "status")) == {("Changed", "closed")}
    assert set(Assessment.objects.values_list("current_likelihood", "version")) == {(2, 2)}
    assert StatusChange.objects.filter(from_status="open", to_status="closed").count() == count
    # Each risk and assessment added, then changed; a status change added by each import.
    for model, kinds in ((Risk, ["+", "~"]), (Assessment, ["+", "~"]), (StatusChange, ["+", "+"])):
        assert sorted(model.history.values_list("history_type", flat=True)) == sorted(kinds * count)
        assert set(model.history.values_list("history_user", flat=True)) == {register_admin.pk}
    assert list(Risk.history.filter(ref="CR01").values_list("title", flat=True)) == ["Changed", "VRP funding"]
