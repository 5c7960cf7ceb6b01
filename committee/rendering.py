"""The paper's downloads: PDF (WeasyPrint), Word (python-docx), XLSX and CSV.

Each takes the report content (committee.report.build_report, or a published
snapshot) and renders the blocks of committee.document, so every format carries the
same sections and tables as the page.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from committee.document import blocks, churn_appendix, meeting_date_text, red_then_unreported, spreadsheet_tables
from committee.models import WordTemplate, marking_of
from committee.sections import RISK_SECTIONS
from committee.word import paper_docx
from riskreg.checks import load_weasyprint
from riskreg.exports import XLSX_TYPE, csv_bytes, xlsx_bytes, xml_safe, xml_safe_all

SHEET_TITLES = {
    "red_list": "Red list",
    "red_then_unreported": "Red before, no update",
    "improving": "Improving",
    **{section.table_key: section.name for section in RISK_SECTIONS},
    "churn": "Appendix 1 Movement",
    "register": "Appendix 2 Risk register",
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
    content = xml_safe_all(content)  # a snapshot from before control characters were refused
    return render_to_string("committee/_blocks.html", {"content": content, "blocks": blocks(content), "screen": True})


def download(filename: str, content: dict, *, status_line: str) -> bytes:
    """One of the paper's downloads, by its name in the address (DOWNLOADS)."""
    if filename not in DOWNLOADS:
        raise ValueError(f"No download called {filename!r}")
    # Without the control characters a snapshot from before they were refused may hold,
    # which XML (so Word and Excel) cannot: a download never fails on them.
    return DOWNLOADS[filename].render(xml_safe_all(content), xml_safe(status_line))


def tables(content: dict) -> list:
    return spreadsheet_tables(content)


def xlsx(content: dict) -> bytes:
    """A sheet per table of the paper, in its order, and the same sheets every quarter:
    a table the paper leaves out for having no rows is a sheet saying so."""
    shown = {table.key: table for table in tables(content)}
    sheets = []
    for key, title in SHEET_TITLES.items():
        table = shown.pop(key, None)
        if table is not None:
            sheets.append((title, table.columns, [[spreadsheet_cell(value) for value in row] for row in table.rows]))
        else:
            sheets.append((title, *_empty_sheet(content, key)))
    # A table added to the paper before it is given a sheet title here still has its sheet.
    sheets += [(table.text[:31], table.columns, table.rows) for table in shown.values()]
    return xlsx_bytes(sheets, marking=marking_of(content), properties=workbook_properties(content))


def keywords(content: dict) -> str:
    """What a file's keywords say it is about: risk management, or the content's own
    (the Panel report's: delivery of the plan)."""
    return content.get("keywords", "risk management")


def workbook_properties(content: dict) -> dict:
    """A workbook's title, subject, author, marking and dates, from the content."""
    marking = marking_of(content)
    published = content.get("published_at")
    properties = {
        "title": f"{content['title']}: {content['period']['label']}",
        "subject": f"{content['committee']}, {meeting_date_text(content)}",
        "creator": settings.OFFICE_NAME,
        "lastModifiedBy": settings.OFFICE_NAME,
        "keywords": f"{marking}; {keywords(content)}; {content['period']['label']}",
        "category": marking,
        "language": "en-GB",
        "created": _utc(datetime.fromisoformat(published) if published else timezone.now()),
    }
    properties["modified"] = properties["created"]
    return properties


def _utc(moment: datetime) -> datetime:
    """As openpyxl writes a file's times: UTC, without a time zone."""
    return moment.astimezone(UTC).replace(tzinfo=None)


WHOLE_NUMBER = re.compile(r"^(0|-?[1-9][0-9]{0,14})$")  # not "007", which is a code
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def spreadsheet_cell(value):
    """A cell of the paper (all text in its content) as a spreadsheet holds it: refs,
    scores and counts as numbers, dates as dates."""
    if isinstance(value, str):
        if WHOLE_NUMBER.match(value):
            return int(value)
        if ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
    return value


def _empty_sheet(content: dict, key: str) -> tuple[list[str], list[list[str]]]:
    """The columns of a table with no rows, and a row saying so."""
    if key == "red_then_unreported":
        table = red_then_unreported(content)
    elif key.startswith("risks_"):
        table = content["risks"].get(key.removeprefix("risks_"))
    else:
        table = content.get(key)
    columns = table["columns"] if isinstance(table, dict) and "columns" in table else [""]
    if key == "churn" and content["previous"] is not None and not churn_appendix(content):
        return [""], [["The admin left this appendix out of this paper."]]
    if table is None:
        return columns, [["This table is not in this paper."]]
    what = "risks" if key.startswith("risks_") else "commitments"
    return columns, [[f"No {what} in this table for {content['period']['short']}."]]


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


def page_references_kept(pydyf) -> None:
    """WeasyPrint's PDF/UA tagging reads pydyf's PDF.page_references for every tagged item,
    and pydyf builds that tuple of every page anew each time: a time that grows with pages
    times items, an hour and gigabytes for the Panel report at 100 times the demo's size.
    The tuple is kept while the number of pages stays the same, and made again when it changes."""
    if getattr(pydyf.PDF, "page_references_kept", False):
        return

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_kept_page_references")
        if kept is None or kept[0] != len(kids):
            kept = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_kept_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF.page_references_kept = True


def pdf(
    content: dict, *, status_line: str, block_list: list | None = None, blocks_template: str = "committee/_blocks.html"
) -> bytes:
    """Tagged (PDF/UA-1): headings, paragraphs and tables in its structure tree for screen
    readers, the headings as bookmarks, and its title, author, subject and language set.

    The paper's blocks by default; the Panel report passes its own, and the template
    that draws them (its charts)."""
    import pydyf  # WeasyPrint's PDF writer

    page_references_kept(pydyf)
    # Loaded here, not at import: loading Pango takes a moment. Without it, the error (and the
    # failed render on the paper's page) names the packages to install.
    HTML = load_weasyprint().HTML

    html = render_to_string(
        "committee/paper_print.html",
        {
            "content": content,
            "blocks": blocks(content) if block_list is None else block_list,
            "blocks_template": blocks_template,
            "keywords": keywords(content),
            "meeting": meeting_date_text(content),
            "status_line": status_line,
            "marking": marking_of(content),
            "office": settings.OFFICE_NAME,
            "created": content.get("published_at") or timezone.now().isoformat(),
        },
    )
    marking = marking_of(content)

    def with_marking(document, pdf) -> None:
        pdf.info["ProtectiveMarking"] = pydyf.String(marking)  # a custom property, as Word's and Excel's

    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", finisher=with_marking)


def docx(content: dict, *, status_line: str) -> bytes:
    """Built on the office's Word template when an admin has uploaded one (committee.word)."""
    template = WordTemplate.objects.in_use()
    return paper_docx(
        content, blocks(content), status_line=status_line, template=bytes(template.content) if template else None
    )
