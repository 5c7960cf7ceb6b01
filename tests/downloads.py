"""Reading downloads back: every test reads a CSV, XLSX, Word or PDF response the same way."""

import csv
import io

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows as a spreadsheet reads them: without the byte order mark, newlines in cells kept."""
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_sheets(content: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows of values, by the sheet's title, in the workbook's order."""
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def xlsx_rows(content: bytes) -> list[tuple]:
    """The rows of values of the sheet the workbook opens on."""
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def xlsx_cells(content: bytes) -> list[list[object]]:
    """Every cell of every sheet, as openpyxl reads it (a formula would read as '=...')."""
    return [list(row) for rows in xlsx_sheets(content).values() for row in rows]


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


def docx_document(content: bytes):
    """The python-docx Document, for tests of its structure (styles, tables, headers)."""
    return Document(io.BytesIO(content))


def docx_text(content: bytes) -> str:
    document = docx_document(content)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text as pypdf extracts it, line breaks kept."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace made single spaces (lines wrap anywhere)."""
    return " ".join("\n".join(pdf_pages(content)).split())


def docx_numbered(document) -> list[str]:
    """Each paragraph of the body as Word shows it: the number Word's own numbering gives
    it (numbering.xml's levels, counted as Word counts them) before its text."""
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    abstract = {
        a.get(qn("w:abstractNumId")): {
            int(lvl.get(qn("w:ilvl"))): lvl.find(qn("w:lvlText")).get(qn("w:val")) for lvl in a.findall(qn("w:lvl"))
        }
        for a in numbering.findall(qn("w:abstractNum"))
    }
    levels = {
        int(num.get(qn("w:numId"))): abstract[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
        for num in numbering.findall(qn("w:num"))
    }
    counters: dict[int, list[int]] = {}
    shown = []
    for paragraph in document.paragraphs:
        numbered = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if numbered is None or numbered.numId is None:
            shown.append(paragraph.text)
            continue
        num_id, level = numbered.numId.val, numbered.ilvl.val if numbered.ilvl is not None else 0
        counts = counters.setdefault(num_id, [0] * 9)
        counts[level] += 1
        counts[level + 1 :] = [0] * (8 - level)
        number = levels[num_id][level]
        for n in range(level + 1):
            number = number.replace(f"%{n + 1}", str(counts[n]))
        shown.append(f"{number} {paragraph.text}")
    return shown
