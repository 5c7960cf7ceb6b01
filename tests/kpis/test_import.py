"""Importing KPIs and their quarterly values: the same preview and all-or-nothing
confirmation as the commitments and risks imports."""

import csv
import html
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kpis.importing import COLUMNS
from kpis.models import Kpi, KpiValue
from riskreg.marking import Marking
from tests.factories import PolicyAreaFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("kpis:import")
CONFIRM = reverse("kpis:import_confirm")


def _row(**changes) -> dict:
    row = {
        "Ref": "KPI01",
        "Name": "Victims satisfied with the service",
        "Policy Area": "Protecting Victims and Witnesses",
        "Unit": "%",
        "Definition": "Share of victims surveyed who were satisfied",
        "Source": "Victim survey",
        "Better": "Higher",
        "Target": "80",
        "Period": "2025/26 Q2",
        "Value": "74.1",
        "Note": "",
    }
    row.update(changes)
    return row


def _csv(*rows, header=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(client, content: bytes, name="kpis.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


@pytest.fixture
def area(periods):
    return PolicyAreaFactory(name="Protecting Victims and Witnesses")


def test_the_preview_lists_what_will_be_created_and_writes_nothing(client_as_admin, area):
    response = _upload(client_as_admin, _csv(_row(Period="2025/26 Q1", Value="72.4"), _row()))

    page = _text(response)
    assert "Check the changes before you import" in page
    assert "2 rows read from kpis.csv: 1 new KPI, 0 changed, 2 new values, 0 changed" in page
    assert "2025/26 Q1 value (new) (row 2)" in page
    assert Kpi.objects.count() == KpiValue.objects.count() == 0


def test_confirming_writes_the_kpi_and_its_values_as_official(client_as_admin, area):
    _upload(client_as_admin, _csv(_row(Period="2025/26 Q1", Value="72.4"), _row(Note="Survey of 1,100")))

    response = client_as_admin.post(CONFIRM)

    assert response.status_code == 302 and response["Location"] == reverse("kpis:register")
    kpi = Kpi.objects.get(ref="KPI01")
    assert (kpi.policy_area, kpi.better, kpi.target) == (area, Kpi.Better.HIGHER, Decimal("80"))
    values = list(kpi.values.order_by("period__quarter").values_list("value", "note", "protective_marking"))
    assert values == [(Decimal("72.4"), "", Marking.OFFICIAL), (Decimal("74.1"), "Survey of 1,100", Marking.OFFICIAL)]


def test_every_bad_row_is_named_with_its_reason_and_nothing_is_written(client_as_admin, area):
    content = _csv(
        _row(Ref="kpi one"),
        _row(Ref="KPI02", **{"Policy Area": "Astronomy"}),
        _row(Ref="KPI03", Better="Sideways"),
        _row(Ref="KPI04", Value="lots"),
        _row(Ref="KPI05", Period="2031/32 Q1"),
        _row(Ref="KPI06", Value="1.234"),
        _row(Ref="KPI07", Period="", Value="3"),
        _row(Ref="KPI08", Name=""),
        _row(),  # good on its own, but the file as a whole is refused
        _row(Name="Another name", Period="2025/26 Q1"),
        _row(),
    )

    page = _text(_upload(client_as_admin, content))

    assert "The file cannot be imported: nothing has changed" in page
    for message in [
        "Row 2: Ref: Enter a reference of capital letters then digits, such as KPI01",
        "Row 3: Policy Area 'Astronomy' is not a policy area of the plan",
        "Row 4: Better 'Sideways' must be Higher or Lower",
        "Row 5: Value 'lots' must be a number, such as 75 or 12.5",
        "Row 6: There is no reporting period 2031/32 Q1 in the register",
        "Row 7: Value: Ensure that there are no more than 2 decimal places",
        "Row 8: Enter the Period the Value is for, written like 2025/26 Q2",
        "Row 9: Enter the KPI's Name",
        "Row 11: Name of KPI01 differs from row 10; give every row of a KPI the same name",
        "Row 12: KPI01 already has a row for 2025/26 Q2 (row 10)",
    ]:
        assert message in page
    assert "Confirm and import" not in page
    assert Kpi.objects.count() == 0


def test_an_excel_file_imports_and_a_second_import_changes_only_what_differs(client_as_admin, area):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append([_row()[c] if c not in ("Value", "Target") else float(_row()[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _upload(client_as_admin, buffer.getvalue(), name="kpis.xlsx")
    client_as_admin.post(CONFIRM)
    assert KpiValue.objects.get().value == Decimal("74.1")

    page = _text(_upload(client_as_admin, _csv(_row(Value="75"))))

    assert "0 new KPIs, 0 changed, 0 new values, 1 changed" in page
    assert "74.1" in page and "75" in page
    page = _text(_upload(client_as_admin, _csv(_row())))
    assert "importing it would change nothing" in page


def test_a_register_changed_after_the_preview_is_not_imported(client_as_admin, area):
    _upload(client_as_admin, _csv(_row()))
    _upload_elsewhere = Kpi.objects.create(
        ref="KPI01", name="Changed meanwhile", policy_area=area, unit="%", better="lower"
    )

    response = client_as_admin.post(CONFIRM)

    assert "The register changed after the preview, so nothing was imported" in _text(response)
    assert Kpi.objects.get().name == "Changed meanwhile" == _upload_elsewhere.name
    assert KpiValue.objects.count() == 0


def test_a_changed_value_keeps_its_marking(client_as_admin, area):
    _upload(client_as_admin, _csv(_row()))
    client_as_admin.post(CONFIRM)
    KpiValue.objects.update(protective_marking=Marking.OFFICIAL_SENSITIVE)

    _upload(client_as_admin, _csv(_row(Value="76")))
    client_as_admin.post(CONFIRM)

    value = KpiValue.objects.get()
    assert (value.value, value.protective_marking) == (Decimal("76"), Marking.OFFICIAL_SENSITIVE)


def test_only_admins_import(client_as_smt_lead, area):
    assert _upload(client_as_smt_lead, _csv(_row())).status_code == 403
    assert Kpi.objects.count() == 0
