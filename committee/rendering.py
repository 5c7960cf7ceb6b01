"""The paper's downloads: PDF (WeasyPrint), Word (python-docx), XLSX and CSV.

Each takes the report content (committee.report.build_report, or a published
snapshot) and renders the blocks of committee.document, so every format carries the
same sections and tables as the page.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from committee.document import blocks, meeting_date_text, red_then_unreported
from committee.sections import RISK_SECTIONS
from riskreg.checks import load_weasyprint
from riskreg.exports import XLSX_TYPE, csv_bytes, xlsx_bytes, xml_safe

SHEET_TITLES = {
    "red_list": "Red list",
    "red_then_unreported": "Red before, no update",
    "churn": "Churn",
    "improving": "Improving",
    **{section.table_key: section.name for section in RISK_SECTIONS},
}

CSV_TYPE = "text/csv; charset=utf-8"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Download:
    filename: str  # its name in the address, e.g. red-list.csv
    what: str  # what the downloaded file's name ends with: joint-audit-committee-2025-12-11-red-list.csv
    content_type: str
    link: str  # the link's words on the page
    listed_under: str  # "" for the paper itself, "CSV" for the tables as CSV
    # (content, status_line) -> bytes. Lambdas look the renderer up when called, so a
    # test that patches one (mock.patch.object(rendering, "pdf")) patches the table too.
    render: Callable[[dict, str], bytes]
    # Rendered as the paper is published (committee.services), as they are quick: at 100
    # times the real data, about a second each. The Word file takes 7 s there and the PDF
    # over 30 s, which would hang the admin's publish request up to gunicorn's timeout; so
    # the web publish queues those two for the task worker (committee.tasks), and the
    # publish_paper command (no time limit) renders them at once.
    at_publish: bool

    @property
    def extension(self) -> str:
        return self.filename.rsplit(".", 1)[1]

    @property
    def kind(self) -> str:
        """What the file is, to start a sentence: "The PDF", "The Word file"."""
        return FILE_KINDS[self.extension]


FILE_KINDS = {"pdf": "The PDF", "docx": "The Word file", "xlsx": "The Excel file", "csv": "The CSV file"}


DOWNLOADS = {
    download.filename: download
    for download in [
        Download(
            "report.pdf",
            what="risk-management-update",
            content_type="application/pdf",
            link="The paper as PDF",
            listed_under="",
            render=lambda content, status_line: pdf(content, status_line=status_line),
            at_publish=False,
        ),
        Download(
            "report.docx",
            what="risk-management-update",
            content_type=DOCX_TYPE,
            link="as Word",
            listed_under="",
            render=lambda content, status_line: docx(content, status_line=status_line),
            at_publish=False,
        ),
        Download(
            "report.xlsx",
            what="risk-management-update",
            content_type=XLSX_TYPE,
            link="its tables as Excel",
            listed_under="",
            render=lambda content, status_line: xlsx(content),
            at_publish=True,
        ),
        Download(
            "red-list.csv",
            what="red-list",
            content_type=CSV_TYPE,
            link="red list",
            listed_under="CSV",
            render=lambda content, status_line: list_csv(content, "red_list"),
            at_publish=True,
        ),
        Download(
            "red-no-update.csv",
            what="red-last-quarter-no-update",
            content_type=CSV_TYPE,
            link="Red last quarter with no approved update",
            listed_under="CSV",
            render=lambda content, status_line: csv_table(red_then_unreported(content)),
            at_publish=True,
        ),
        Download(
            "improving-list.csv",
            what="improving-list",
            content_type=CSV_TYPE,
            link="improving list",
            listed_under="CSV",
            render=lambda content, status_line: list_csv(content, "improving"),
            at_publish=True,
        ),
        Download(
            "risk-movements.csv",
            what="risk-movements",
            content_type=CSV_TYPE,
            link="risk movements",
            listed_under="CSV",
            render=lambda content, status_line: risk_movements_csv(content),
            at_publish=True,
        ),
    ]
}


def download_links() -> list[tuple[str, list[Download]]]:
    """The downloads as the page lists them: (what a line is headed, its downloads)."""
    lines: dict[str, list[Download]] = {}
    for download in DOWNLOADS.values():
        lines.setdefault(download.listed_under, []).append(download)
    return list(lines.items())


def page_body(content: dict) -> str:
    """The paper's sections as the page shows them (with RAG tags), escaped as any template."""
    return render_to_string("committee/_blocks.html", {"content": content, "blocks": blocks(content), "screen": True})


def download(filename: str, content: dict, *, status_line: str) -> bytes:
    """One of the paper's downloads, by its name in the address (DOWNLOADS)."""
    if filename not in DOWNLOADS:
        raise ValueError(f"No download called {filename!r}")
    return DOWNLOADS[filename].render(content, status_line)


def tables(content: dict) -> list:
    return [block for block in blocks(content) if block.kind == "table"]


def xlsx(content: dict) -> bytes:
    """A sheet per table, in the paper's order."""
    return xlsx_bytes((SHEET_TITLES[t.key], t.columns, t.rows) for t in tables(content))


def list_csv(content: dict, key: str) -> bytes:
    return csv_table(content[key])


def csv_table(table: dict) -> bytes:
    return csv_bytes(table["columns"], table["rows"])


def risk_movements_csv(content: dict) -> bytes:
    # In the paper's order: a published snapshot comes back from PostgreSQL's jsonb
    # with its keys reordered, so never rely on the order of a content dict.
    risk_tables = content["risks"]
    columns = risk_tables[RISK_SECTIONS[0].key]["columns"]
    rows = [[section.name, *row] for section in RISK_SECTIONS for row in risk_tables[section.key]["rows"]]
    return csv_bytes(["Section", *columns], rows)


def pdf(content: dict, *, status_line: str) -> bytes:
    # Loaded here, not at import: loading Pango takes a moment. Without it, the error (and the
    # failed render on the paper's page) names the packages to install.
    HTML = load_weasyprint().HTML

    html = render_to_string(
        "committee/paper_print.html",
        {
            "content": content,
            "blocks": blocks(content),
            "meeting": meeting_date_text(content),
            "status_line": status_line,
        },
    )
    return HTML(string=html).write_pdf()


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def docx(content: dict, *, status_line: str) -> bytes:
    """Real headings, numbered paragraphs and tables, for clerks who edit papers in Word."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.8))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)

    if content["agenda_item"]:
        document.add_paragraph(f"Agenda Item {content['agenda_item']}").runs[0].bold = True
    document.add_paragraph(f"{content['committee'].upper()}\n{meeting_date_text(content).upper()}").runs[0].bold = True
    document.add_heading(content["title"].upper(), level=0)
    document.add_paragraph(status_line).runs[0].italic = True

    for block in blocks(content):
        if block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "paragraph":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(1)
            paragraph.paragraph_format.first_line_indent = Cm(-1)
            paragraph.add_run(f"{block.number}\t").bold = True
            paragraph.add_run(xml_safe(block.text))
        else:
            document.add_paragraph(block.text).runs[0].italic = True
            table = document.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            for cell, heading in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = heading
                cell.paragraphs[0].runs[0].bold = True
            _repeat_header(table.rows[0])
            for row in block.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = xml_safe(value)

    contact = content["contact"]
    if contact["name"] or contact["title"]:
        document.add_heading("CONTACT OFFICER", level=2)
        document.add_paragraph(f"Name: {contact['name']}")
        document.add_paragraph(f"Title: {contact['title']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
