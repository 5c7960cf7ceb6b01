"""The paper's Word, PDF and Excel files as a clerk circulates them: sized Word tables,
Word's own numbering, header and footer, the house font, properties; a tagged PDF with
bookmarks; spreadsheets of numbers, ready to filter and print; the protective marking on
every page of every format; and the office's own Word template."""

import datetime
import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook
from pypdf import PdfReader

from committee.models import Paper, PublishedPaper, WordTemplate
from riskreg.marking import Marking
from tests.committee.conftest import PAPER
from tests.downloads import docx_document, docx_numbered, pdf_pages
from tests.html import text

pytestmark = pytest.mark.django_db

TEMPLATE_PAGE = "/committee/word-template/"


def _download(client, name, query=""):
    response = client.get(PAPER + name + query)
    assert response.status_code == 200
    return response.content


def _version() -> PublishedPaper:
    return PublishedPaper.objects.get(paper__period__quarter=2, version=1)


def _text_width(document, section: int = 0) -> int:
    """The width between the margins of a section: the paper's body is the first, and
    Appendix 2 is a landscape section of its own, the last."""
    section = document.sections[section]
    return round((section.page_width - section.left_margin - section.right_margin) / 635)


def _grid(table) -> list[int]:
    return [int(column.get(qn("w:w"))) for column in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _fields(part) -> list[str]:
    return [" ".join(t.text.split()) for t in part._element.iter(qn("w:instrText"))]


def _part_text(part) -> str:
    return "\n".join(p.text for p in part.paragraphs)


# Word


def test_word_tables_fill_the_text_width_with_narrow_ref_and_status_columns_and_wide_text(committee_client):
    document = docx_document(_download(committee_client, "report.docx"))
    width = _text_width(document)

    for table in document.tables:
        grid = _grid(table)
        assert sum(grid) == width
        # Each cell says its width too: LibreOffice ignores a grid alone.
        assert [int(cell._tc.tcPr.tcW.w) for cell in table.rows[-1].cells] == grid
    red = document.tables[0]
    assert [cell.text for cell in red.rows[0].cells] == [
        "Ref",
        "Q1",
        "Q2",
        "Policy Area",
        "Individual Commitment",
        "Q2 Update",
    ]
    ref, q1, q2, area, commitment, update = _grid(red)
    assert max(ref, q1, q2) < area < commitment < update
    assert max(ref, q1, q2) < width / 10


def test_every_word_page_has_the_meeting_and_marking_at_the_top_and_page_x_of_y_and_marking_at_the_foot(
    committee_client,
):
    document = docx_document(_download(committee_client, "report.docx"))

    section = document.sections[0]
    header, footer = _part_text(section.header), _part_text(section.footer)
    assert header.splitlines() == ["OFFICIAL", "Joint Audit Committee, 11 December 2025, Agenda Item 12"]
    assert footer.splitlines()[-1] == "OFFICIAL"
    assert _fields(section.footer) == ["PAGE", "NUMPAGES"]
    assert footer.splitlines()[0] == "Page 1 of 1"  # the fields' last values, which Word updates


def test_word_styles_use_one_font_family_and_headings_are_black_bold(committee_client):
    document = docx_document(_download(committee_client, "report.docx"))

    styles = document.styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert fonts
    for element in fonts:
        assert {name.split("}")[1] for name in element.attrib} == {"ascii", "hAnsi", "eastAsia", "cs"}
        assert set(element.attrib.values()) == {"Arial"}
    assert not [c for c in styles.iter(qn("w:color")) if c.get(qn("w:themeColor"))]
    heading = document.styles["Heading 1"]
    assert heading.font.bold and str(heading.font.color.rgb) == "0B0C0C"


def test_word_properties_name_the_office_the_publish_date_and_british_english(committee_client):
    document = docx_document(_download(committee_client, "report.docx"))

    properties = document.core_properties
    published = _version().published_at
    assert properties.author == settings.OFFICE_NAME
    assert properties.title == "OPCC Risk Management Update: 2025/26 Q2"
    assert properties.subject == "Joint Audit Committee, 11 December 2025"
    assert "OFFICIAL" in properties.keywords
    assert properties.language == "en-GB"
    assert properties.created.replace(tzinfo=datetime.UTC) == published.replace(microsecond=0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_word_numbers_the_sections_and_paragraphs_itself_so_an_inserted_one_is_renumbered(committee_client):
    document = docx_document(_download(committee_client, "report.docx"))

    purpose = next(p for p in document.paragraphs if p.text.startswith("To provide members"))
    assert purpose._p.pPr.numPr is not None  # Word's numbering, not typed text
    assert not [p.text for p in document.paragraphs if re.match(r"\d+\.(\d+)?\s", p.text)]
    shown = docx_numbered(document)
    assert "1. PURPOSE OF REPORT" in shown
    assert any(line.startswith("1.1 To provide members of the committee") for line in shown)
    assert any(line.startswith("3.4 10 of the 356 individual deliverables") for line in shown)

    # A clerk inserts a paragraph after 1.1, numbered the same way: what was 1.2 becomes 1.3.
    inserted = purpose.insert_paragraph_before("A new paragraph.")
    inserted._p.get_or_add_pPr().append(purpose._p.pPr.numPr.__copy__())
    shown = docx_numbered(document)
    assert any(line.startswith("1.2 To provide members") for line in shown)
    assert any(line.startswith("1.3 As a separate corporation sole") for line in shown)


@pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("CI") != "true",
    reason="LibreOffice (libreoffice-writer-nogui) is not installed",
)
def test_the_word_file_opened_in_libreoffice_runs_to_about_as_many_pages_as_the_pdf(committee_client, tmp_path):
    (tmp_path / "paper.docx").write_bytes(_download(committee_client, "report.docx"))
    pdf_pages_count = len(PdfReader(io.BytesIO(_download(committee_client, "report.pdf"))).pages)

    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(tmp_path / "paper.docx")],
        check=True,
        capture_output=True,
        timeout=120,
    )

    rendered = PdfReader(tmp_path / "paper.pdf")
    assert len(rendered.pages) <= pdf_pages_count
    pages = [page.extract_text() for page in rendered.pages]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert pages[0].count("OFFICIAL") >= 2
    # The closing ends the body, before the appendices, with the recommendation beside it.
    closing = next(page for page in pages if "CONTACT OFFICER" in page)
    assert "RECOMMENDATION" in closing


# PDF


def test_the_pdf_writer_lists_its_pages_anew_only_when_pages_are_added():
    # The tagging reads the list of pages for every tagged item (hours at 100x, made anew
    # each time); kept between reads, it still follows the pages added since.
    import pydyf

    from committee.rendering import page_references_kept

    page_references_kept(pydyf)
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = document.page_references
    assert document.page_references is first
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))

    assert len(document.page_references) == 4
    assert document.page_references == tuple(f"{n} 0 R".encode() for n in document.pages["Kids"][::3])


def test_the_pdf_is_tagged_with_bookmarks_and_properties(committee_client):
    reader = PdfReader(io.BytesIO(_download(committee_client, "report.pdf")))

    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    structure = catalog["/StructTreeRoot"].get_object()
    kinds = set()

    def walk(element, depth=0):
        element = element.get_object()
        if isinstance(element, dict) and "/S" in element:
            kinds.add(element["/S"])
        children = element.get("/K", []) if isinstance(element, dict) else []
        for child in children if isinstance(children, list) else [children]:
            if depth < 12 and hasattr(child, "get_object") and isinstance(child.get_object(), dict):
                walk(child, depth + 1)

    walk(structure)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Caption", "/P"} <= kinds
    outline = [item.title for item in reader.outline[1]]
    assert outline[:2] == ["1. PURPOSE OF REPORT", "2. RISK MANAGEMENT METHODOLOGY"]
    metadata = reader.metadata
    assert metadata.title == "OPCC Risk Management Update: 2025/26 Q2"
    assert metadata.author == settings.OFFICE_NAME
    assert metadata.subject == "Joint Audit Committee, 11 December 2025"
    assert "OFFICIAL" in metadata["/Keywords"]
    assert metadata["/ProtectiveMarking"] == "OFFICIAL"


def test_no_pdf_page_holds_a_caption_without_its_table_or_only_the_closing(committee_client):
    pages = pdf_pages(_download(committee_client, "report.pdf"))

    for page in pages:
        lines = [line.strip() for line in page.splitlines()]
        for caption in ("Commitments at Red status in Q2", "Commitments at Red in Q1 and Amber or Green in Q2"):
            if caption in lines:
                assert lines.index(caption) < len(lines) - 4  # rows follow it on the page
    # The closing is the last page of the body, before the appendices (each on new pages).
    closing = next(" ".join(page.split()) for page in pages if "CONTACT OFFICER" in page)
    assert "RECOMMENDATION" in closing
    assert "CORPORATE RISKS" in closing  # the section before comes along


# Excel


def test_excel_holds_numbers_as_numbers_with_a_filter_frozen_header_and_print_set_up(committee_client):
    workbook = load_workbook(io.BytesIO(_download(committee_client, "report.xlsx")))

    red, churn, increased = workbook["Red list"], workbook["Appendix 1 Movement"], workbook["Increased"]
    assert red["A2"].value == 36 and red["A2"].data_type == "n"
    assert red["B2"].value == "Green" and red["B2"].data_type == "s"
    assert [cell.data_type for cell in churn[2][1:]] == ["n"] * 5
    assert (increased["A2"].value, increased["A2"].data_type) == ("CR01", "s")  # a risk's ref is a code
    assert increased["D2"].data_type == "n" and increased["E2"].data_type == "n"
    for sheet in workbook.worksheets:
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.freeze_panes == "A2"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.center.text == sheet.oddFooter.center.text == "OFFICIAL"
        assert sheet.oddFooter.right.text == "Page &P of &N"
    assert workbook.properties.creator == settings.OFFICE_NAME
    assert workbook.properties.language == "en-GB"
    assert [(p.name, p.value) for p in workbook.custom_doc_props.props] == [("Protective marking", "OFFICIAL")]


def test_the_workbook_has_the_same_sheets_every_quarter_an_empty_one_saying_so(admin_client_demo):
    q2 = load_workbook(io.BytesIO(_download(admin_client_demo, "report.xlsx")))
    q3_response = admin_client_demo.get("/committee/2025-26/q3/report.xlsx?live=1")
    q3 = load_workbook(io.BytesIO(q3_response.content))

    assert q2.sheetnames == q3.sheetnames
    assert q2["Red list"].max_row == 11
    assert q3["Red list"]["A2"].value == "No commitments in this table for Q3."
    assert q2["New risks"]["A2"].value == "No risks in this table for Q2."
    assert [c.value for c in q2["New risks"][1]][:3] == ["Ref", "Title", "Owner"]


# The protective marking


def test_an_official_sensitive_paper_says_so_at_the_top_and_bottom_of_every_page_of_every_format(admin_client_demo):
    paper = Paper.objects.get(period__quarter=2)
    paper.protective_marking = Marking.OFFICIAL_SENSITIVE
    paper.save()
    response = admin_client_demo.post(PAPER + "publish/", {"correction_reason": "Marked sensitive"})
    assert response.status_code == 302

    page = text(admin_client_demo.get(PAPER).content)
    pdf = PdfReader(io.BytesIO(_download(admin_client_demo, "report.pdf")))
    word = docx_document(_download(admin_client_demo, "report.docx"))
    workbook = load_workbook(io.BytesIO(_download(admin_client_demo, "report.xlsx")))

    assert page.count("OFFICIAL-SENSITIVE") == 2
    for pdf_page in pdf.pages:
        assert pdf_page.extract_text().count("OFFICIAL-SENSITIVE") == 2  # the top and bottom margin boxes
    assert pdf.metadata["/ProtectiveMarking"] == "OFFICIAL-SENSITIVE"
    assert _part_text(word.sections[0].header).startswith("OFFICIAL-SENSITIVE")
    assert _part_text(word.sections[0].footer).endswith("OFFICIAL-SENSITIVE")
    assert word.core_properties.category == "OFFICIAL-SENSITIVE"
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.center.text == sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert workbook.properties.category == "OFFICIAL-SENSITIVE"
    # The version published before keeps the marking it was published with.
    assert "OFFICIAL-SENSITIVE" not in text(admin_client_demo.get(PAPER + "?version=1").content)


def test_a_paper_published_before_papers_carried_a_marking_is_official(committee_client):
    version = _version()
    del version.content["protective_marking"]
    version.save()
    version.files.all().delete()
    version.page.delete()

    page = committee_client.get(PAPER).content.decode()
    workbook = load_workbook(io.BytesIO(_download(committee_client, "report.xlsx")))

    assert page.count('riskreg-paper__marking">OFFICIAL</p>') == 2
    assert workbook.worksheets[0].oddHeader.center.text == "OFFICIAL"


def test_the_marking_is_chosen_on_the_papers_edit_page_and_a_wrong_one_refused(admin_client_demo):
    form = admin_client_demo.get(PAPER + "edit/").content.decode()
    assert 'value="official-sensitive"' in form and "OFFICIAL-SENSITIVE" in form

    data = {"committee_name": "Joint Audit Committee", "title": "Update", "purpose": "P", "recommendation": "R"}
    refused = admin_client_demo.post(PAPER + "edit/", {**data, "protective_marking": "SECRET"})

    assert "Select OFFICIAL or OFFICIAL-SENSITIVE" in text(refused.content)
    assert Paper.objects.get(period__quarter=2).protective_marking == Marking.OFFICIAL


# The office's Word template


def _template(**extra) -> bytes:
    """A house template as an office would make one in Word: its own heading font, a
    letterhead in the header, sample text in the body, portrait A4."""
    document = Document()
    document.styles["Heading 1"].font.name = "Georgia"
    document.styles["Heading 1"].font.size = Pt(13)
    document.sections[0].header.paragraphs[0].text = "WEST MIDLANDS OPCC LETTERHEAD"
    document.add_paragraph("Sample text to be replaced")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(client, name: str, content: bytes):
    return client.post(TEMPLATE_PAGE, {"file": SimpleUploadedFile(name, content)})


def test_an_uploaded_template_is_what_every_papers_word_file_is_built_on(admin_client_demo):
    response = _upload(admin_client_demo, "opcc-house.docx", _template())
    assert response.status_code == 302
    assert "In use: opcc-house.docx" in text(admin_client_demo.get(TEMPLATE_PAGE).content)

    document = docx_document(_download(admin_client_demo, "report.docx", "?live=1"))

    assert document.styles["Heading 1"].font.name == "Georgia"
    header = _part_text(document.sections[0].header).splitlines()
    assert header[:2] == ["WEST MIDLANDS OPCC LETTERHEAD", "OFFICIAL"]
    assert "Sample text to be replaced" not in "\n".join(p.text for p in document.paragraphs)
    assert document.sections[0].page_width < document.sections[0].page_height  # its portrait page
    *body, register = document.tables
    for table in body:
        assert sum(_grid(table)) == _text_width(document)
    assert sum(_grid(register)) == _text_width(document, -1) > _text_width(document)

    admin_client_demo.post(TEMPLATE_PAGE, {"remove": "1"})
    assert not WordTemplate.objects.exists()
    document = docx_document(_download(admin_client_demo, "report.docx", "?live=1"))
    assert "LETTERHEAD" not in _part_text(document.sections[0].header)


def test_a_word_template_dotx_is_taken_as_a_template(admin_client_demo):
    source = zipfile.ZipFile(io.BytesIO(_template()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dotx:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dotx.writestr(member, data)

    assert _upload(admin_client_demo, "house.dotx", buffer.getvalue()).status_code == 302
    document = docx_document(_download(admin_client_demo, "report.docx", "?live=1"))
    assert "WEST MIDLANDS OPCC LETTERHEAD" in _part_text(document.sections[0].header)


def _zip(main: str, data: bytes) -> bytes:
    """A zip with a content types part and one other, as a Word or Excel file has."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(main, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", b"Just some text", "The file is not a Word document or template (.docx or .dotx)."),
        ("notes.txt", _template(), "The file must be a Word document or template (.docx or .dotx)"),
        ("table.docx", _zip("xl/workbook.xml", b"<x/>"), "not a Word document or template"),
        ("broken.docx", _zip("word/document.xml", b"<not xml"), "could not be opened: it may be damaged"),
        ("bomb.docx", _zip("word/document.xml", b"\0" * 3_000_000), "unpacks to far more data"),
        ("empty.docx", b"", "The selected file is empty"),
    ],
)
def test_a_template_that_is_not_a_usable_word_file_is_refused_with_the_reason(
    admin_client_demo, settings, name, content, message
):
    settings.RISKREG_MAX_UPLOAD_BYTES = 200_000

    response = _upload(admin_client_demo, name, content)

    assert response.status_code == 200
    page = text(response.content)
    assert page.startswith("Error: ") or "Error:" in page
    assert message in page
    assert not WordTemplate.objects.exists()


def test_a_template_over_the_upload_limit_is_refused_before_it_is_read(admin_client_demo, settings):
    settings.RISKREG_MAX_UPLOAD_BYTES = 10 * 1024

    response = _upload(admin_client_demo, "big.docx", _template())

    assert "The file is larger than 10 KB" in text(response.content)
    assert not WordTemplate.objects.exists()


def test_only_register_admins_see_or_change_the_word_template(client, demo):
    from riskreg.models import User

    for username in ("officer", "smt", "committee"):
        client.force_login(User.objects.get(username=username))
        assert client.get(TEMPLATE_PAGE).status_code == 403
        assert _upload(client, "house.docx", _template()).status_code == 403
    assert not WordTemplate.objects.exists()
