"""The Panel's report for 2025/26 Q2 of a small register: what it says, what it leaves
out, and that its page and every file carry the same tables."""

import datetime
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from commitments.models import PolicyArea, StatusUpdate
from panel.models import PanelReport
from panel.report import build_panel_report
from panel.services import panel_report_publish
from riskreg.marking import Marking
from riskreg.roles import Role
from tests.downloads import csv_rows, docx_document, docx_numbered, docx_text, pdf_text, xlsx_sheets
from tests.factories import CommitmentFactory, PolicyAreaFactory, StatusUpdateFactory, UserFactory
from tests.html import tables
from tests.kpis.factories import KpiFactory, KpiValueFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/panel/2025-26/q2/"
SENSITIVE = "OFFICIAL-SENSITIVE"
# Words that must never reach the Panel: sensitive, unapproved, a risk, an officer's name.
SECRETS = ["SECRETCOMMITMENT", "SECRETUPDATE", "UNAPPROVEDTEXT", "SECRETRISK", "Secretname", "99,999.5", "SECRETNOTE"]
FILES = ["report.pdf", "report.docx", "report.xlsx", "commitments.csv"]


def _update(commitment, period, rag, narrative="", **kwargs):
    return StatusUpdateFactory(
        commitment=commitment, period=period, rag=rag, narrative=narrative or f"Update of {commitment.ref}", **kwargs
    )


@pytest.fixture
def register(periods):
    """Two policy areas, "Youth Violence" first in the plan (commitment 10) though second
    by name; commitment 11 under both."""
    q1, q2 = periods[1], periods[2]
    lead = UserFactory(first_name="Olga", last_name="Secretname", role=Role.OFFICER)
    youth = ["Youth Violence"]
    c10 = CommitmentFactory(ref=10, text="Fund youth workers", areas=youth, officer_lead=lead)
    _update(c10, q1, "red")
    _update(c10, q2, "amber", "Youth workers funded in two boroughs")
    c11 = CommitmentFactory(ref=11, text="Tackle violence against women", areas=["VAWG", "Youth Violence"])
    _update(c11, q1, "green")
    _update(c11, q2, "red")
    c12 = CommitmentFactory(ref=12, text="Open a refuge", areas=["VAWG"])
    _update(c12, q2, "green")
    c13 = CommitmentFactory(
        ref=13, text="SECRETCOMMITMENT", areas=["VAWG"], protective_marking=Marking.OFFICIAL_SENSITIVE
    )
    _update(c13, q2, "red")
    c14 = CommitmentFactory(ref=14, text="Mentor young people", areas=youth)
    _update(c14, q1, "amber")
    _update(c14, q2, "green", "SECRETUPDATE", protective_marking=Marking.OFFICIAL_SENSITIVE)
    CommitmentFactory(ref=15, text="Withdrawn commitment", areas=youth, active=False)
    c16 = CommitmentFactory(ref=16, text="Train call handlers", areas=["VAWG"])
    _update(c16, q2, "green", "UNAPPROVEDTEXT", state=StatusUpdate.State.SUBMITTED)
    vawg_kpi = KpiFactory(
        ref="KPI01", name="Refuge places", policy_area=PolicyArea.objects.get(name="VAWG"), unit="places", target=40
    )
    KpiValueFactory(kpi=vawg_kpi, period=q1, value=30)
    KpiValueFactory(kpi=vawg_kpi, period=q2, value=35.5)
    youth_kpi = KpiFactory(
        ref="KPI02", name="Knife crime", policy_area=PolicyArea.objects.get(name="Youth Violence"), unit="offences"
    )
    KpiValueFactory(kpi=youth_kpi, period=q1, value=1204)
    KpiValueFactory(
        kpi=youth_kpi, period=q2, value=99999.5, note="SECRETNOTE", protective_marking=Marking.OFFICIAL_SENSITIVE
    )
    RiskFactory(ref="CR10", title="SECRETRISK")
    return PanelReport.objects.create(period=q2, meeting_date=datetime.date(2026, 2, 4), introduction="Welcome.")


@pytest.fixture
def reader(committee_member):
    client = Client()
    client.force_login(committee_member)
    return client


def _areas(content):
    return {area["name"]: area for area in content["areas"]}


def test_policy_areas_come_in_the_plans_order_with_their_commitments_by_ref(register):
    content = build_panel_report(register)

    assert [area["name"] for area in content["areas"]] == ["Youth Violence", "VAWG"]
    youth, vawg = _areas(content)["Youth Violence"], _areas(content)["VAWG"]
    assert youth["commitments"]["columns"] == ["Ref", "Q1", "Q2", "Individual Commitment", "Q2 Update"]
    # 11 is under both; 15 is withdrawn; 13 is sensitive; 16's update is not approved.
    assert youth["commitments"]["rows"] == [
        ["10", "Red", "Amber", "Fund youth workers", "Youth workers funded in two boroughs"],
        ["11", "Green", "Red", "Tackle violence against women", "Update of 11"],
        ["14", "Amber", "Withheld", "Mentor young people", ""],
    ]
    assert [row[:3] for row in vawg["commitments"]["rows"]] == [
        ["11", "Green", "Red"],
        ["12", "Not assessed", "Green"],
        ["16", "Not assessed", "Not assessed"],
    ]


def test_each_area_counts_its_statuses_and_direction_of_travel(register):
    areas = _areas(build_panel_report(register))

    youth, vawg = areas["Youth Violence"], areas["VAWG"]
    assert youth["counts"] == {"red": 1, "amber": 1, "green": 0, "not_assessed": 0, "withheld": 1}
    assert youth["direction"] == {"improved": 1, "same": 0, "worsened": 1, "not_compared": 1}
    # The sensitive commitment 13 is counted as withheld, in the total, and not listed.
    assert vawg["counts"] == {"red": 1, "amber": 0, "green": 1, "not_assessed": 1, "withheld": 1}
    assert vawg["total"] == 4 and vawg["commitments_withheld"] == 1
    assert vawg["direction"] == {"improved": 0, "same": 0, "worsened": 1, "not_compared": 2}


def test_each_area_has_its_kpis_values_by_quarter_without_the_sensitive_one(register):
    content = build_panel_report(register)
    youth, vawg = _areas(content)["Youth Violence"], _areas(content)["VAWG"]

    assert vawg["kpis"]["columns"] == ["Ref", "KPI", "Unit", "Target", "Better", "Q1", "Q2"]
    assert vawg["kpis"]["rows"] == [["KPI01", "Refuge places", "places", "40", "Higher is better", "30", "35.5"]]
    assert youth["kpis"]["rows"][0][5:] == ["1,204", ""]
    assert youth["kpi_values_withheld"] == 1
    assert content["withheld"] == {"commitments": 1, "updates": 1, "kpi_values": 1}


def test_the_page_says_how_many_items_are_withheld_and_shows_no_sensitive_text(register, reader):
    page = reader.get(URL).content.decode()

    assert "3 items are withheld because they are marked OFFICIAL-SENSITIVE" in page
    assert "1 commitment, 1 quarterly update and 1 KPI value" in page
    for secret in SECRETS:
        assert secret not in page


def test_no_sensitive_or_unapproved_text_is_in_any_file_draft_or_published(register, reader):
    texts = []
    for query in ("", "?version=1"):
        if query:
            panel_report_publish(report=register, by=None, render_now=True)
        files = {name: reader.get(URL + name + query) for name in FILES}
        assert all(response.status_code == 200 for response in files.values())
        texts += [
            pdf_text(files["report.pdf"].content),
            docx_text(files["report.docx"].content),
            str(xlsx_sheets(files["report.xlsx"].content)),
            str(csv_rows(files["commitments.csv"].content)),
            reader.get(URL + query).content.decode(),
        ]
    for text in texts:
        assert "Fund youth workers" in text
        for secret in SECRETS:
            assert secret not in text


def _normal(rows):
    return [[" ".join(str("" if cell is None else cell).split()) for cell in row] for row in rows]


def test_the_tables_read_back_equal_from_the_page_and_every_file(register, reader):
    panel_report_publish(report=register, by=None, render_now=True)
    page_tables = tables(reader.get(URL).content)
    files = {name: reader.get(URL + name).content for name in FILES}

    # The page: the summary, then per area its statuses (the chart's table), direction,
    # commitments and KPIs.
    assert [table[0] for table in page_tables[:2]] == [
        [
            "Policy Area",
            "Red",
            "Amber",
            "Green",
            "Not assessed",
            "Withheld",
            "Total",
            "Improved",
            "Stayed the same",
            "Worsened",
            "Not compared",
        ],
        ["Status", "Commitments"],
    ]
    assert page_tables[0][1:] == [
        ["Youth Violence", "1", "1", "0", "0", "1", "3", "1", "0", "1", "1"],
        ["VAWG", "1", "0", "1", "1", "1", "4", "0", "0", "1", "2"],
    ]
    assert len(page_tables) == 1 + 2 * 4
    word = docx_document(files["report.docx"])
    assert [_normal([[c.text for c in row.cells] for row in table.rows]) for table in word.tables] == page_tables

    sheets = xlsx_sheets(files["report.xlsx"])
    assert list(sheets) == ["Summary by policy area", "Commitments", "KPIs"]
    assert _normal(sheets["Summary by policy area"]) == page_tables[0]
    commitments = [["Policy Area", *page_tables[3][0]]] + [
        [area, *row]
        for area, table in [("Youth Violence", page_tables[3]), ("VAWG", page_tables[7])]
        for row in table[1:]
    ]
    assert _normal(sheets["Commitments"]) == commitments
    assert _normal(csv_rows(files["commitments.csv"])) == commitments
    kpis = [["Policy Area", *page_tables[4][0]]] + [
        [area, *row]
        for area, table in [("Youth Violence", page_tables[4]), ("VAWG", page_tables[8])]
        for row in table[1:]
    ]
    assert _normal(sheets["KPIs"]) == kpis

    pdf = pdf_text(files["report.pdf"])
    for table in page_tables:
        for row in table:
            assert " ".join(" ".join(row).split()) in pdf, row


def test_the_page_and_pdf_draw_each_areas_chart_and_the_pdf_is_tagged(register, reader):
    panel_report_publish(report=register, by=None, render_now=True)
    pdf = PdfReader(io.BytesIO(reader.get(URL + "report.pdf").content))
    page = reader.get(URL).content.decode()

    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog
    assert [item.title for item in pdf.outline[1]][:2] == ["1. INTRODUCTION", "2. SUMMARY BY POLICY AREA"]
    assert pdf.metadata.title == "Delivery of the Police and Crime Plan: 2025/26 Q2"
    assert pdf.metadata.subject == "Police and Crime Panel, 4 February 2026"
    assert "delivery of the Police and Crime Plan" in pdf.metadata["/Keywords"]
    # The charts are drawn in the PDF as vectors: the red and amber bars' fills (#d4351c, #f47738).
    drawn = "".join(p.get_contents().get_data().decode("latin-1") for p in pdf.pages)
    assert "0.831373 0.207843 0.109804 rg" in drawn and "0.956863 0.466667 0.219608 rg" in drawn
    # Each table beside its chart: its caption starts to the right of the chart's key.
    starts = {}

    def where(text, cm, tm, font, size):
        starts.setdefault(text.strip()[:30], tm[4])

    for pdf_page in pdf.pages:
        pdf_page.extract_text(visitor_text=where)
    assert starts["Youth Violence: commitments by"] > starts["Each bar is the number of comm"] + 200
    assert page.count('<svg class="panel-chart__svg"') == 2
    assert "Youth Violence: commitments by status in Q2: Red 1, Amber 1, Green 0, Not assessed 0, Withheld 1." in page


def test_the_first_quarter_of_the_register_has_no_quarter_before_to_compare(periods):
    commitment = CommitmentFactory(ref=1, text="Fund youth workers", areas=["Youth Violence"])
    _update(commitment, periods[1], "green")
    report = PanelReport.objects.create(period=periods[1], meeting_date=datetime.date(2025, 9, 1))

    content = build_panel_report(report)

    assert content["previous"] is None
    area = content["areas"][0]
    assert area["commitments"]["rows"] == [["1", "Not assessed", "Green", "Fund youth workers", "Update of 1"]]
    assert area["direction"]["not_compared"] == 1
    client = Client()
    client.force_login(UserFactory(role=Role.COMMITTEE_MEMBER))
    page = client.get("/panel/2025-26/q1/").content.decode()
    assert "direction of travel" not in page
    assert all(client.get(f"/panel/2025-26/q1/{name}").status_code == 200 for name in FILES)


def test_the_word_file_has_words_own_numbering_the_sections_and_the_status_line(register, reader):
    panel_report_publish(report=register, by=None, render_now=True)
    document = docx_document(reader.get(URL + "report.docx").content)

    shown = docx_numbered(document)
    headings = [shown[i] for i, p in enumerate(document.paragraphs) if p.style.name.startswith("Heading")]
    assert headings == ["1. INTRODUCTION", "2. SUMMARY BY POLICY AREA", "3. YOUTH VIOLENCE", "4. VAWG"]
    assert "1.1 Welcome." in shown
    assert any(line.startswith("3.1 3 commitments in Q2: 1 red, 1 amber") for line in shown)
    assert "As presented to the Police and Crime Panel on 4 February 2026." in shown
    assert document.core_properties.title == "Delivery of the Police and Crime Plan: 2025/26 Q2"


def test_a_kpi_whose_area_has_no_commitment_is_listed_before_the_commitments_under_no_area(register, periods):
    unplaced = CommitmentFactory(ref=20, text="Review the plan")
    unplaced.areas.all().delete()  # under no policy area
    kpi = KpiFactory(ref="KPI03", name="Road deaths", policy_area=PolicyAreaFactory(name="Roads"), unit="deaths")
    KpiValueFactory(kpi=kpi, period=periods[2], value=3)

    areas = build_panel_report(register)["areas"]

    assert [area["name"] for area in areas] == ["Youth Violence", "VAWG", "Roads", "Not under a policy area"]
    assert areas[2]["total"] == 0 and areas[2]["kpis"]["rows"][0][:2] == ["KPI03", "Road deaths"]
    assert [row[0] for row in areas[3]["commitments"]["rows"]] == ["20"]
