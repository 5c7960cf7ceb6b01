"""Reading an uploaded CSV or XLSX file into rows, for the register imports.

Every problem with the file itself (type, size, encoding, a damaged workbook) is a
TabularFileError with a message an officer can act on; problems with its rows are
for the importer to name.
"""

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass

from django.conf import settings
from openpyxl import load_workbook

MAX_UPLOAD_BYTES_DEFAULT = 5 * 1024 * 1024
# Far more than any real import (the plan has 356 commitments; a risk has a row per
# quarter). A small file can still hold millions of rows (a compressed workbook, or a
# CSV of empty lines), and reading them all would tie up a server process for minutes.
MAX_ROWS = 10_000
MAX_COLUMNS = 100
# A workbook is a zip: its parts, unpacked, may be at most this many times the upload
# limit. A real workbook unpacks to a few times its size; a "zip bomb" to thousands.
MAX_UNPACKED_RATIO = 10


class TabularFileError(ValueError):
    pass


@dataclass
class TabularRow:
    number: int  # as the officer sees it in their spreadsheet: the header is row 1
    values: dict[str, str]


def max_upload_bytes() -> int:
    return getattr(settings, "RISKREG_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES_DEFAULT)


def too_large_message(advice: str = "Split it or remove rows.") -> str:
    limit = max_upload_bytes()
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KB"
    return f"The file is larger than {size}. {advice}"


def read_table(filename: str, content: bytes) -> tuple[list[str], list[TabularRow]]:
    """The header and the non-empty rows of a .csv or .xlsx file."""
    limit = max_upload_bytes()
    if len(content) > limit:
        raise TabularFileError(too_large_message())
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
    if len(table) > MAX_ROWS + 1:
        raise TabularFileError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    if any(len(cells) > MAX_COLUMNS for cells in table):
        raise TabularFileError(f"The file has more than {MAX_COLUMNS} columns. Remove the columns not needed.")
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


def _trimmed(row) -> list[object]:
    """The row without its trailing empty cells: read-only sheets pad rows to the widest."""
    cells = list(row)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


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
        # One row past the limit is enough to say the file is too long.
        return list(itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2))
    except csv.Error as error:
        raise TabularFileError(f"The CSV file could not be read: {error}.") from None


def _read_xlsx(content: bytes) -> list[list[object]]:
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TabularFileError("The file is not an Excel .xlsx workbook.")
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except zipfile.BadZipFile:
        raise TabularFileError("The workbook could not be opened: it may be damaged or not an .xlsx file.") from None
    if unpacked > MAX_UNPACKED_RATIO * max_upload_bytes():
        raise TabularFileError("The workbook unpacks to far more data than an import holds: it may be damaged.")
    try:
        # openpyxl parses with defusedxml when it is installed (requirements.txt),
        # and never evaluates formulas: data_only reads the cached values.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TabularFileError("The workbook could not be opened: it may be damaged or not an .xlsx file.") from None
    try:
        sheet = workbook.worksheets[0]
        # Read one row and one column past the limits: enough to refuse the file, without
        # reading a sheet that claims millions of cells.
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        return [_trimmed(row) for row in itertools.islice(rows, MAX_ROWS + 2)]
    except Exception:
        raise TabularFileError("The workbook's first sheet could not be read: it may be damaged.") from None
    finally:
        workbook.close()
