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
from openpyxl.styles import Alignment, Font

# With the fullwidth forms, which some spreadsheets and input methods read as the plain ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]


def xml_safe(text: str) -> str:
    """Without the control characters XML (so XLSX and DOCX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


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


def xlsx_bytes(sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> bytes:
    """One worksheet per (title, header, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
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
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), filename)
