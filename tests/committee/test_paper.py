"""With the demo data, the paper is the Joint Audit Committee's paper of 11 December 2025."""

import html
import re

import pytest

from commitments.models import StatusUpdate
from tests.committee.conftest import PAPER
from tests.downloads import csv_rows, docx_document, docx_numbered, pdf_pages, pdf_text, xlsx_sheets
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
# The paper heads its improving table differently from its red list.
IMPROVING_COLUMNS = ["Reference", "Q1", "Q2", "Title", "Individual Commitment", "Q2 Update"]

# The reference paper's sections in its order. It numbers both "Improving Risks" and "New
# corporate risks" 4; ours numbers on from Improving (README, "Committee papers").
HOUSE_SECTIONS = [
    "1. PURPOSE OF REPORT",
    "2. RISK MANAGEMENT METHODOLOGY",
    "3. RISKS TO THE DELIVERY OF THE POLICE AND CRIME PLAN",
    "4. IMPROVING RISKS",
    "5. NEW CORPORATE RISKS",
    "6. INCREASED CORPORATE RISKS",
    "7. REDUCED CORPORATE RISK SCORES",
    "8. CLOSED AND DE-ESCALATED CORPORATE RISKS",
    "9. RECOMMENDATION",
    "CONTACT OFFICER",
]
APPENDICES = ["APPENDIX 1: MOVEMENT OF DELIVERY STATUS BETWEEN QUARTERS", "APPENDIX 2: THE CURRENT OPCC RISK REGISTER"]
HOUSE_NUMBERS = [
    *["1.1", "1.2", "2.1", "2.2"],
    *[f"3.{n}" for n in range(1, 9)],
    *["4.1", "5.1", "5.2", "6.1", "7.1", "8.1", "9.1"],
]
# Paragraphs 4.1 to 8.1 of the reference paper (our 5.1 to 9.1), word for word.
PAPER_RISK_SENTENCES = [
    ("5.1", "The review of the risk register has identified no new corporate risks for the OPCC."),
    (
        "5.2",
        "One new risk is still being considered and evaluated for inclusion, and that is the risk of funding cuts "
        "to partners making effective collaboration more difficult, and potentially reducing co-commissioning "
        "possibilities. We have continued to analyse partners' medium term financial plans to ensure we are aware "
        "of developing challenges and will review again after medium term plans are refreshed by partners.",
    ),
    (
        "6.1",
        "The risk of a reduction in the VRP Funding is now judged to be higher than it has been, and there is a "
        "lack of positive affirmative communication from the Home Office.",
    ),
    ("7.1", "During the last quarter, no risk scores have decreased."),
    ("8.1", "During the last quarter, no risks have been closed."),
    ("9.1", "The Committee note the contents of the report and appendices."),
    ("", "Name: Jane Heppel"),
    ("", "Title: Chief Finance Officer"),
]
REGISTER_REFS = ["CR01", "CR02", "CR03", "CR04"]


def page_headings(content: bytes) -> list[str]:
    return [
        html.unescape(h)
        for h in re.findall(r'<h2 class="[^"]*riskreg-paper__heading[^"]*">([^<]*)</h2>', content.decode())
    ]


def page_paragraphs(content: bytes) -> list[tuple[str, str]]:
    """(number, text) of each of the paper's paragraphs on the page."""
    found = re.findall(
        r'<p class="govuk-body riskreg-paper__paragraph(?: riskreg-paper__closing)?">'
        r'(?:<span class="riskreg-paper__number">([^<]*)</span> )?([^<]*)</p>',
        content.decode(),
    )
    return [(number, html.unescape(text)) for number, text in found]


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
    improving = all_tables[1]

    assert improving[0] == IMPROVING_COLUMNS
    assert [row[:3] for row in improving[1:]] == IMPROVING
    assert improving[2][3] == "Preventing and Reducing Neighbourhood Crime"


def test_churn_in_appendix_1_counts_every_deliverable_once(committee_client):
    _, _, all_tables = page_tables(committee_client)
    churn = all_tables[2]

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


def test_risk_sections_are_the_papers_sentences_and_no_tables(committee_client):
    response, _, all_tables = page_tables(committee_client)

    assert page_paragraphs(response.content)[-8:] == PAPER_RISK_SENTENCES
    # The paper prints no table in its risk sections: red list, improving, then the appendices.
    assert [t[0][0] for t in all_tables] == ["Ref", "Reference", "Q1 \\ Q2", "Ref"]


def _in_order(text: str, parts: list[str]) -> bool:
    at = -1
    for part in parts:
        at = text.find(part, at + 1)
        if at < 0:
            return False
    return True


def test_the_paper_has_the_house_sections_and_numbering_on_the_page_and_in_the_pdf_and_word(committee_client):
    page = committee_client.get(PAPER).content
    pdf = pdf_text(committee_client.get(PAPER + "report.pdf").content)
    document = docx_document(committee_client.get(PAPER + "report.docx").content)
    paragraphs = page_paragraphs(page)

    assert page_headings(page) == HOUSE_SECTIONS + APPENDICES
    assert [number for number, _ in paragraphs if number] == HOUSE_NUMBERS

    assert _in_order(pdf, HOUSE_SECTIONS + APPENDICES)
    starts = [f"{number} {' '.join(text.split()[:5])}" for number, text in paragraphs if number]
    assert _in_order(pdf, starts), [start for start in starts if start not in pdf]

    word_paragraphs = [tuple(line.split(" ", 1)) for line in docx_numbered(document) if re.match(r"\d+\.\d+ ", line)]
    assert [number for number, _ in word_paragraphs] == HOUSE_NUMBERS
    for number, text in PAPER_RISK_SENTENCES:
        if number:
            assert (number, text) in word_paragraphs


def test_appendix_2_is_the_register_of_the_four_risks_in_every_format(committee_client):
    _, _, all_tables = page_tables(committee_client)
    register = all_tables[3]
    pdf = pdf_text(committee_client.get(PAPER + "report.pdf").content)
    document = docx_document(committee_client.get(PAPER + "report.docx").content)
    sheet = xlsx_sheets(committee_client.get(PAPER + "report.xlsx").content)["Appendix 2 Risk register"]

    assert register[0][:5] == ["Ref", "Title", "Kind", "Status", "Owner"]
    assert [row[0] for row in register[1:]] == REGISTER_REFS
    cr01 = dict(zip(register[0], register[1], strict=True))
    assert cr01["Current score (Q2)"] == "16 (Very high)"
    assert cr01["Direction of travel since Q1"] == "Increased"
    assert cr01["Linked commitments"] == "60"
    assert "Lobby the Home Office" in cr01["Actions (owner, target, RAG)"]
    assert "target: Ongoing" in cr01["Actions (owner, target, RAG)"]
    assert dict(zip(register[0], register[2], strict=True))["Status"] == "Under consideration"

    word_register = document.tables[-1]
    assert [row.cells[0].text for row in word_register.rows] == ["Ref", *REGISTER_REFS]
    # In a landscape section of its own, after the portrait or landscape body.
    assert document.sections[-1].page_width > document.sections[-1].page_height
    assert len(document.sections) >= 2
    assert [row[0] for row in sheet] == ["Ref", *REGISTER_REFS]
    assert [list(map(str, row)) for row in sheet][1] == register[1]
    for ref in REGISTER_REFS:
        assert f"{ref} " in pdf
    assert "APPENDIX 2: THE CURRENT OPCC RISK REGISTER" in pdf
    assert "Funding cuts to partners making collaboration harder" in pdf


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
    assert normal(improving_csv) == all_tables[1]
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
        "Improving",
        "New risks",
        "Under consideration",  # the risk sections' rows, which the paper writes as sentences
        "Increased",
        "Reduced",
        "Closed and de-escalated",
        "Appendix 1 Movement",
        "Appendix 2 Risk register",
    ]
    increased = sheets["Increased"]
    assert len(increased) == 2 and "Violence Reduction Partnership" in increased[1][1]
    assert int(increased[1][4]) > int(increased[1][3])
    red = [[" ".join(str(c if c is not None else "").split()) for c in row] for row in sheets["Red list"]]
    assert red == all_tables[0]


def test_word_document_has_headings_numbered_paragraphs_and_the_tables(committee_client):
    _, _, all_tables = page_tables(committee_client)
    document = docx_document(committee_client.get(PAPER + "report.docx").content)

    shown = docx_numbered(document)
    headings = [shown[i] for i, p in enumerate(document.paragraphs) if p.style.name.startswith("Heading")]
    assert headings == HOUSE_SECTIONS + APPENDICES
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
    assert flat.count("Ref Q1 Q2 Policy Area Individual Commitment Q2 Update") >= 2
    assert "Reference Q1 Q2 Title Individual Commitment Q2 Update" in flat  # the improving list's


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
