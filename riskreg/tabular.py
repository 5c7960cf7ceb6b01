"""Reading an uploaded CSV or XLSX file into rows, for the register imports.

Every problem with the file itself (type, size, encoding, a damaged workbook) is a
TabularFileError with a message an officer can act on; problems with its rows are
for the importer to name.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from openpyxl import load_workbook

MAX_UPLOAD_BYTES_DEFAULT = 5 * 1024 * 1024


class TabularFileError(ValueError):
    pass


@dataclass
class TabularRow:
    number: int  # as the officer sees it in their spreadsheet: the header is row 1
    values: dict[str, str]


def max_upload_bytes() -> int:
    return getattr(settings, "RISKREG_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES_DEFAULT)


def read_table(filename: str, content: bytes) -> tuple[list[str], list[TabularRow]]:
    """The header and the non-empty rows of a .csv or .xlsx file."""
    limit = max_upload_bytes()
    if len(content) > limit:
        raise TabularFileError(f"The file is larger than {limit // (1024 * 1024) or 1} MB. Split it or remove rows.")
    if not content:
        raise TabularFileError("The file is empty.")
    name = filename.lower()
    if name.endswith(".csv"):
        table = _read_csv(content)
    elif name.endswith(".xlsx"):
        table = _read_xlsx(content)
    else:
        raise TabularFileError("The file must be a CSV (.csv) or Excel workbook (.xlsx).")
    if not table:
        raise TabularFileError("The file has no header row.")
    header = [str(cell or "").strip() for cell in table[0]]
    duplicates = sorted({column for column in header if column and header.count(column) > 1})
    if duplicates:
        raise TabularFileError(f"The header repeats the column {', '.join(duplicates)}.")
    rows = []
    for index, cells in enumerate(table[1:], start=2):
        values = [_text(cell) for cell in cells]
        if not any(values):
            continue
        if len(values) > len(header) and any(values[len(header) :]):
            raise TabularFileError(f"Row {index} has more cells than the header has columns.")
        values += [""] * (len(header) - len(values))
        rows.append(TabularRow(index, dict(zip(header, values, strict=False))))
    return header, rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TabularFileError(
            f"The file is not UTF-8 text (problem at byte {error.start}). Save it as 'CSV UTF-8' and upload it again."
        ) from None
    if "\x00" in text:
        raise TabularFileError("The file is not a text CSV file.")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise TabularFileError(f"The CSV file could not be read: {error}.") from None


def _read_xlsx(content: bytes) -> list[list[object]]:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TabularFileError("The file is not an Excel .xlsx workbook.")
    try:
        # openpyxl parses with defusedxml when it is installed (requirements.txt),
        # and never evaluates formulas: data_only reads the cached values.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TabularFileError("The workbook could not be opened: it may be damaged or not an .xlsx file.") from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception:
        raise TabularFileError("The workbook's first sheet could not be read: it may be damaged.") from None
    finally:
        workbook.close()
