"""Shared by the security tests: a snapshot of the register's tables, and readers for
every kind of download."""

import csv
import io

from django.apps import apps
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

# The apps whose tables are the register (history tables included: they are models of
# these apps), and auth for the role groups.
REGISTER_APPS = ("riskreg", "commitments", "risks", "committee", "auth", "otp_totp")


def db_counts() -> dict[str, int]:
    """Rows per table. Every write to a model with history adds a history row, so equal
    counts before and after mean nothing was created, changed or deleted."""
    return {
        model._meta.label: model._base_manager.count()
        for app_label in REGISTER_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


def csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_cells(content: bytes) -> list[list[object]]:
    """Every cell of every sheet, as openpyxl reads it (a formula would read as '=...')."""
    workbook = load_workbook(io.BytesIO(content))
    return [[cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]


def xlsx_formulas(content: bytes) -> list[str]:
    """Cells that a spreadsheet would run: openpyxl marks them data_type 'f'."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace made single spaces (lines wrap anywhere)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())
