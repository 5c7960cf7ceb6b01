"""With the demo data, the paper is the Joint Audit Committee's paper of 11 December 2025."""

import pytest

from commitments.models import StatusUpdate
from tests.committee.conftest import PAPER
from tests.downloads import csv_rows, docx_document, docx_numbered, pdf_pages, xlsx_sheets
from tests.html import tables

pytestmark = pytest.mark.django_db

RED_REFS = ["36", "60", "75", "96", "101", "103", "164", "243", "307", "314"]
IMPROVING = [
    ["52", "Red", "Green"],
    ["146", "Red", "Amber"],
    ["152", "Red", "Green"],
    ["256", "Red", "Amber"],
    ["310", "Red", "Amber"],
]
LIST_COLUMNS = ["Ref", "Q1", "Q2", "Policy Area", "Individual Commitment", "Q2 Update"]


def page_tables(client, url=PAPER):
    response = client.get(url)
    assert response.status_code == 200
    return response, {t[0][0] if t else "": t for t in tables(response.content)}, tables(response.content)


def test_the_red_list_is_the_papers_ten_rows(committee_client):
    response, _, all_tables = page_tables(committee_client)
    red = all_tables[0]

    assert red[0] == LIST_COLUMNS
    assert [row[0] for row in red[1:]] == RED_REFS
    assert red[1][1:4] == ["Green", "Red", "VAWG / Protecting Victims and Witnesses"]
    assert red[1][4].startswith("Campaign regionally and nationally to advocate for victims' and survivors' rights")
    assert (
        red[1][5] == "Red until funding confirmed by MOJ. Note – it was confirmed wc 1 December but only for 2 years."
    )
    assert [row[1] for row in red[1:]] == [
        "Green",
        "Amber",
        "Green",
        "Green",
        "Red",
        "Red",
        "Green",
        "Amber",
        "Red",
        "Amber",
    ]
    assert (
        "10 of the 356 individual deliverables in the Plan were marked as being at Red status "
        "for deliverability in November 2025" in response.content.decode()
    )


def test_the_improving_list_is_the_papers_five_rows(committee_client):
    _, _, all_tables = page_tables(committee_client)
    improving = all_tables[2]

    assert improving[0] == LIST_COLUMNS
    assert [row[:3] for row in improving[1:]] == IMPROVING
    assert improving[2][3] == "Preventing and Reducing Neighbourhood Crime"


def test_churn_counts_every_deliverable_once(committee_client):
    _, _, all_tables = page_tables(committee_client)
    churn = all_tables[1]

    assert churn[0] == ["Q1 \\ Q2", "Red", "Amber", "Green", "Not assessed", "Total"]
    assert churn[1] == [
        "Red",
        "3",
        "3",
        "2",
        "0",
        "8",
    ]  # 101, 103, 307 stayed Red; 146, 256, 310 to Amber; 52, 152 to Green
    assert churn[3] == ["Green", "4", "0", "0", "0", "4"]
    assert sum(int(row[-1]) for row in churn[1:]) == 356


def test_risk_sections_agree_with_the_paper(committee_client):
    response, _, all_tables = page_tables(committee_client)
    text = response.content.decode()

    assert "The review of the risk register has identified no new corporate risks for the OPCC." in text
    assert "1 new risk is still being considered and evaluated for inclusion." in text
    assert "During the last quarter, 1 risk score has increased." in text
    assert "During the last quarter, no risk scores have decreased." in text
    assert "During the last quarter, no risks have been closed." in text
    considered, increased = all_tables[3], all_tables[4]
    assert len(considered) == 2 and "Funding cuts to partners" in considered[1][1]
    assert len(increased) == 2 and "Violence Reduction Partnership" in increased[1][1]
    assert int(increased[1][4]) > int(increased[1][3])
    assert "illustrative" in increased[1][1]


def test_paper_says_when_and_to_whom_it_was_presented(committee_client):
    text = committee_client.get(PAPER).content.decode()

    assert "As presented to the Joint Audit Committee on 11 December 2025." in text
    assert "Agenda item 12" in text
    assert "Jane Heppel" in text and "Chief Finance Officer" in text


def _csv(client, name):
    response = client.get(PAPER + name)
    assert response.status_code == 200
    return csv_rows(response.content)


def test_csv_downloads_have_the_pages_rows(committee_client):
    _, _, all_tables = page_tables(committee_client)
    red_csv = _csv(committee_client, "red-list.csv")
    improving_csv = _csv(committee_client, "improving-list.csv")
    movements = _csv(committee_client, "risk-movements.csv")

    normal = lambda rows: [[" ".join(c.split()) for c in row] for row in rows]  # noqa: E731
    assert normal(red_csv) == all_tables[0]
    assert normal(improving_csv) == all_tables[2]
    assert [row[0] for row in movements[1:]] == ["Under consideration", "Increased"]


def test_download_names_name_the_committee_and_the_meeting(committee_client):
    response = committee_client.get(PAPER + "report.pdf")

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="joint-audit-committee-2025-12-11-risk-management-update.pdf"'
    )


def test_xlsx_has_a_sheet_per_table_with_the_pages_cells(committee_client):
    _, _, all_tables = page_tables(committee_client)
    sheets = xlsx_sheets(committee_client.get(PAPER + "report.xlsx").content)

    assert list(sheets) == [
        "Red list",
        "Red before, no update",
        "Churn",
        "Improving",
        "New risks",
        "Under consideration",
        "Increased",
        "Reduced",
        "Closed and de-escalated",
    ]
    red = [[" ".join(str(c if c is not None else "").split()) for c in row] for row in sheets["Red list"]]
    assert red == all_tables[0]


def test_word_document_has_headings_numbered_paragraphs_and_the_tables(committee_client):
    _, _, all_tables = page_tables(committee_client)
    document = docx_document(committee_client.get(PAPER + "report.docx").content)

    shown = docx_numbered(document)
    headings = [shown[i] for i, p in enumerate(document.paragraphs) if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        "1. PURPOSE OF REPORT",
        "2. RISK MANAGEMENT METHODOLOGY",
        "3. RISKS TO THE DELIVERY OF THE POLICE AND CRIME PLAN",
        "4. IMPROVING RISKS",
    ]
    assert any(line.startswith("3.4 10 of the 356 individual deliverables") for line in shown)
    word_tables = [
        [[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    assert word_tables == all_tables
    assert document.tables[0].rows[0]._tr.trPr.xml.count("tblHeader") == 1  # header repeats across pages


def test_pdf_carries_the_tables_and_page_numbers(committee_client):
    pages = pdf_pages(committee_client.get(PAPER + "report.pdf").content)
    text = "\n".join(pages)
    flat = " ".join(text.split())

    assert f"Page 1 of {len(pages)}" in flat
    assert "10 of the 356 individual deliverables" in flat
    for ref in RED_REFS + [row[0] for row in IMPROVING]:
        assert f"\n{ref} " in text or f"\n{ref}\n" in text
    assert "However, over 13,000 showing as not completed and over 5,000 cancelled." in flat
    # The table header is repeated on every page the red list spans.
    assert flat.count("Ref Q1 Q2 Policy Area Individual Commitment Q2 Update") >= 3


def test_a_published_paper_is_frozen_and_the_live_view_moves_on(demo, client):
    from riskreg.models import User

    client.force_login(User.objects.get(username="officer"))
    StatusUpdate.objects.filter(commitment__ref=36, period__quarter=2).update(rag="green")

    published = tables(client.get(PAPER).content)[0]
    response = client.get(PAPER + "?live=1")
    assert response.status_code == 200, response.content[:3000]
    live = tables(response.content)[0]

    assert [row[0] for row in published[1:]] == RED_REFS
    assert "36" not in [row[0] for row in live[1:]]
    assert "Live view of 2025/26 Q2" in client.get(PAPER + "?live=1").content.decode()
    red_csv = client.get(PAPER + "red-list.csv").content.decode()
    assert "\n36," in red_csv


def test_committee_members_never_see_the_live_view_or_unpublished_papers(committee_client):
    assert committee_client.get(PAPER + "?live=1").status_code == 404
    assert committee_client.get("/committee/2025-26/q3/").status_code == 404
    assert committee_client.get("/committee/2025-26/q3/report.pdf").status_code == 404
    listing = committee_client.get("/committee/").content.decode()
    assert "2025/26 Q2" in listing and "2025/26 Q3" not in listing


def test_a_correction_needs_a_reason_and_both_versions_stay_visible(admin_client_demo, client):
    url = PAPER + "publish/"
    refused = admin_client_demo.post(url, {"correction_reason": ""})
    assert "Enter the reason for the correction" in refused.content.decode()

    StatusUpdate.objects.filter(commitment__ref=36, period__quarter=2).update(rag="amber")
    admin_client_demo.post(url, {"correction_reason": "Ref 36 was Amber, not Red."})

    page = admin_client_demo.get(PAPER).content.decode()
    assert "version 2, corrected: Ref 36 was Amber, not Red." in page
    assert "Version 1" in page and "Version 2" in page
    first = tables(admin_client_demo.get(PAPER + "?version=1").content)[0]
    second = tables(admin_client_demo.get(PAPER).content)[0]
    assert len(first) == 11 and len(second) == 10
    assert admin_client_demo.get(PAPER + "?version=3").status_code == 404


@pytest.mark.parametrize(
    "bad", ["/committee/2025-26/q9/", "/committee/2025-27/q1/", "/committee/2025-26/q2/report.exe"]
)
def test_bad_addresses_are_404(committee_client, bad):
    assert committee_client.get(bad).status_code == 404
