"""The Panel report's page and downloads: PDF, Word, Excel and the commitments as CSV.

Each takes the report's content (panel.report.build_panel_report, or a published
version's) and renders the blocks of panel.document with the committee paper's
renderers (committee.rendering, committee.word), so every format has the page's tables.
"""

from django.template.loader import render_to_string

from committee.models import WordTemplate, marking_of
from committee.rendering import CSV_TYPE, DOCX_TYPE, Download, spreadsheet_cell, workbook_properties
from committee.rendering import pdf as paper_pdf
from committee.word import paper_docx
from panel.document import (
    SUMMARY_COLUMNS,
    blocks,
    commitment_columns,
    commitment_rows,
    kpi_columns,
    kpi_rows,
    summary_rows,
)
from riskreg.exports import XLSX_TYPE, csv_bytes, xlsx_bytes, xml_safe, xml_safe_all

BLOCKS_TEMPLATE = "panel/_blocks.html"
WHAT = "delivery-report"

DOWNLOADS = {
    download.filename: download
    for download in [
        Download(
            "report.pdf",
            what=WHAT,
            content_type="application/pdf",
            link="The report as PDF",
            listed_under="",
            render=lambda content, status_line: pdf(content, status_line=status_line),
            at_publish=False,
        ),
        Download(
            "report.docx",
            what=WHAT,
            content_type=DOCX_TYPE,
            link="as Word",
            listed_under="",
            render=lambda content, status_line: docx(content, status_line=status_line),
            at_publish=False,
        ),
        Download(
            "report.xlsx",
            what=WHAT,
            content_type=XLSX_TYPE,
            link="its tables as Excel",
            listed_under="",
            render=lambda content, status_line: xlsx(content),
            at_publish=True,
        ),
        Download(
            "commitments.csv",
            what="commitments",
            content_type=CSV_TYPE,
            link="the commitments as CSV",
            listed_under="",
            render=lambda content, status_line: commitments_csv(content),
            at_publish=True,
        ),
    ]
}
RENDERED_AT_PUBLISH = [name for name, download in DOWNLOADS.items() if download.at_publish]
RENDERED_BY_WORKER = [name for name, download in DOWNLOADS.items() if not download.at_publish]

# The workbook's sheets: (title, columns, rows) from the content.
SHEETS = [
    ("Summary by policy area", lambda content: SUMMARY_COLUMNS, summary_rows),
    ("Commitments", commitment_columns, commitment_rows),
    ("KPIs", kpi_columns, kpi_rows),
]


def page_body(content: dict) -> str:
    """The report's sections as the page shows them (RAG tags, charts), escaped as any template."""
    return render_to_string(BLOCKS_TEMPLATE, {"content": content, "blocks": blocks(content), "screen": True})


def download(filename: str, content: dict, *, status_line: str) -> bytes:
    if filename not in DOWNLOADS:
        raise ValueError(f"No download called {filename!r}")
    return DOWNLOADS[filename].render(xml_safe_all(content), xml_safe(status_line))


def pdf(content: dict, *, status_line: str) -> bytes:
    return paper_pdf(content, status_line=status_line, block_list=blocks(content), blocks_template=BLOCKS_TEMPLATE)


def docx(content: dict, *, status_line: str) -> bytes:
    """Built on the office's Word template, as the committee paper's, when an admin has uploaded one."""
    template = WordTemplate.objects.in_use()
    return paper_docx(
        content, blocks(content), status_line=status_line, template=bytes(template.content) if template else None
    )


def xlsx(content: dict) -> bytes:
    """A sheet per table: every policy area's summary, commitments and KPIs, each in one
    sheet with the area in the first column, so the Panel's officers can filter them."""
    sheets = [
        (title, columns(content), [[spreadsheet_cell(value) for value in row] for row in rows(content)])
        for title, columns, rows in SHEETS
    ]
    return xlsx_bytes(sheets, marking=marking_of(content), properties=workbook_properties(content))


def commitments_csv(content: dict) -> bytes:
    return csv_bytes(commitment_columns(content), commitment_rows(content))
