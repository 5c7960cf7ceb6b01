"""CSV and XLSX downloads, shared by the register pages and the committee paper.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return, or their fullwidth look-alikes, even behind spaces or invisible
characters) are prefixed with an apostrophe, so a hostile narrative cannot run in the
reader's spreadsheet.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font

# With the fullwidth forms, which some spreadsheets and input methods read as the plain ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]


def xml_safe(text: str) -> str:
    """Without the control characters XML (so XLSX and DOCX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def xml_safe_all(value):
    """`value` with xml_safe applied to every string in it, however deep in its lists and
    dicts (a committee paper's content, which may hold text from before forms refused
    control characters)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [xml_safe_all(item) for item in value]
    if isinstance(value, dict):
        return {key: xml_safe_all(item) for key, item in value.items()}
    return value


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might run the text: a formula start, first or behind leading
    spaces and invisible characters (a zero-width space, a byte order mark), which a
    spreadsheet may drop before it reads the cell."""
    start = 0
    while start < len(text) and (text[start].isspace() or unicodedata.category(text[start]) == "Cf"):
        start += 1
    return text.startswith(FORMULA_STARTS) or text[start:].startswith(FORMULA_STARTS)


def _needs_apostrophe(text: str) -> bool:
    # Text that already starts with apostrophes before a formula gets one more, so that
    # unneutralise, taking one off, gives back exactly what was written.
    return looks_like_formula(text.lstrip("'"))


def neutralise(value):
    if isinstance(value, str):
        value = xml_safe(value)
        return "'" + value if _needs_apostrophe(value) else value
    return "" if value is None else value


def unneutralise(value: str) -> str:
    """The text as written, from a cell that neutralise() prefixed: imports read exports back."""
    if value.startswith("'") and _needs_apostrophe(value[1:]):
        return value[1:]
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_bytes(header: Row, rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> HttpResponse:
    return _attachment(HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8"), filename)


def _header_text(text: str) -> str:
    """Text for a print header or footer, where "&" starts a code (&P is the page number)."""
    return text.replace("&", "&&")


def xlsx_bytes(
    sheets: Iterable[tuple[str, Row, Iterable[Row]]], *, marking: str = "", properties: dict | None = None
) -> bytes:
    """One worksheet per (title, header, rows), each ready to sort, filter and print: the
    header frozen and filtered, landscape on A4, one page wide, the header row repeated
    on every printed page, and "Page X of Y" (and the protective marking, if given) in
    the print header and footer. Numbers and dates stay numbers and dates; text is
    neutralised. `properties`: the workbook's (title, subject, creator, keywords, ...)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, value in (properties or {}).items():
        setattr(workbook.properties, name, value)
    if marking:
        workbook.custom_doc_props.append(StringProperty(name="Protective marking", value=marking))
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(value) for value in row])
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column[:50])
            sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 60)
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.is_date:
                    cell.number_format = DATE_FORMAT
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        _print_set_up(sheet, marking)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DATE_FORMAT = "d mmmm yyyy"  # as the pages write dates: 11 December 2025


def _print_set_up(sheet, marking: str) -> None:
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.left.text = "&A"  # the sheet's name
    sheet.oddFooter.right.text = "Page &P of &N"
    if marking:
        for part in (sheet.oddHeader.center, sheet.oddFooter.center):
            part.text = _header_text(marking)
            part.font = "Arial,Bold"


def xlsx_response(filename: str, sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), filename)
