"""Reading an uploaded CSV or XLSX file into rows, for the register imports.

Every problem with the file itself (type, size, encoding, a damaged workbook) is a
TabularFileError with a message an officer can act on; problems with its rows are
for the importer to name.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from openpyxl import load_workbook

# The register's own download at 100 times the West Midlands plan (35,600 commitments,
# two quarters' updates) is 45 MB as CSV, and imports back.
MAX_UPLOAD_BYTES_DEFAULT = 100 * 1024 * 1024
# Above the 35,600 rows of that download. A small file can still hold millions of rows
# (a compressed workbook, or a CSV of empty lines), and reading them all would tie up a
# server process for minutes.
MAX_ROWS = 50_000
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
        rows = _read_csv(content)
    elif name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    else:
        raise TabularFileError("The file must be a CSV (.csv) or Excel workbook (.xlsx).")
    # Row by row as the file is read: the file's cells are never all held twice.
    with contextlib.closing(rows):
        first = next(rows, None)
        if first is None:
            raise TabularFileError("The file has no header row.")
        _check_width(first)
        header = [str(cell or "").strip() for cell in first]
        duplicates = sorted({column for column in header if column and header.count(column) > 1})
        if duplicates:
            raise TabularFileError(f"The header repeats the column {', '.join(duplicates)}.")
        found = []
        for index, cells in enumerate(rows, start=2):
            if index > MAX_ROWS + 1:
                raise TabularFileError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
            _check_width(cells)
            values = [_text(cell) for cell in cells]
            if not any(values):
                continue
            if len(values) > len(header) and any(values[len(header) :]):
                raise TabularFileError(f"Row {index} has more cells than the header has columns.")
            values += [""] * (len(header) - len(values))
            found.append(TabularRow(index, dict(zip(header, values, strict=False))))
    return header, found


def _check_width(cells) -> None:
    if len(cells) > MAX_COLUMNS:
        raise TabularFileError(f"The file has more than {MAX_COLUMNS} columns. Remove the columns not needed.")


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


def _read_csv(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TabularFileError(
            f"The file is not UTF-8 text (problem at byte {error.start}). Save it as 'CSV UTF-8' and upload it again."
        ) from None
    if "\x00" in text:
        raise TabularFileError("The file is not a text CSV file.")
    return _csv_rows(text)


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise TabularFileError(f"The CSV file could not be read: {error}.") from None


def _read_xlsx(content: bytes) -> Iterator[list[object]]:
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
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook) -> Iterator[list[object]]:
    try:
        sheet = workbook.worksheets[0]
        # At most one column past the limit: enough to refuse the file, without reading
        # a sheet that claims millions of cells; the rows stop at the limit (read_table).
        for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            yield _trimmed(row)
    except TabularFileError:
        raise
    except Exception:
        raise TabularFileError("The workbook's first sheet could not be read: it may be damaged.") from None
    finally:
        workbook.close()
