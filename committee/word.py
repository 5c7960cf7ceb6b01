"""The paper as a Word file, for clerks who edit and circulate papers in Word.

Built on the office's own template when an admin has uploaded one (committee.models.
WordTemplate: its styles, logo, header and footer), otherwise on python-docx's, set to
the house style: Arial throughout, headings bold capitals in black as in the reference
paper. Either way the paper has Word's own numbering ("1." for a section, "1.1" for its
paragraphs, renumbered by Word when a clerk inserts one), tables whose columns are sized
to their content and the page, the committee, meeting and agenda item at the top of every
page, "Page X of Y" at the foot, and the protective marking at both.
"""

import io
import re
import zipfile
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor, Twips

from committee.document import Block, meeting_date_text
from committee.models import marking_of
from riskreg.exports import xml_safe
from riskreg.tabular import MAX_UNPACKED_RATIO, max_upload_bytes, too_large_message

FONT = "Arial"
LANGUAGE = "en-GB"
BLACK = RGBColor(0x0B, 0x0C, 0x0C)
GREY = RGBColor(0x50, 0x5A, 0x5F)
TABLE_TEXT = "Table Text"  # the cells' paragraph style, added where the template has none
HEADER_FILL = "F3F2F1"
BORDER = "B1B4B6"

# A heading block's text starts with its number ("3. RISKS TO ..."): Word numbers it instead.
NUMBERED_HEADING = re.compile(r"^(\d+)\.\s+(.*)$", re.S)


class WordTemplateError(ValueError):
    """What is wrong with an uploaded template, in words an admin can act on."""


# A .dotx is a .docx whose main part says "template": python-docx opens only documents.
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TOO_LARGE_ADVICE = "Save it without the sample text and large pictures."


def checked_template(content: bytes) -> bytes:
    """The uploaded template as a .docx a paper can be built on, or WordTemplateError.

    Refuses, as the imports do (riskreg.tabular), a file over the upload limit and one
    that would unpack to far more than that (a "zip bomb"); then anything that is not a
    Word document or template, and one a paper cannot be built on."""
    limit = max_upload_bytes()
    if not content:
        raise WordTemplateError("The file is empty.")
    if len(content) > limit:
        raise WordTemplateError(too_large_message(TOO_LARGE_ADVICE))
    not_word = "The file is not a Word document or template (.docx or .dotx)."
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise WordTemplateError(not_word) from None
    if sum(member.file_size for member in members) > MAX_UNPACKED_RATIO * limit:
        raise WordTemplateError("The file unpacks to far more data than a Word template holds: it may be damaged.")
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise WordTemplateError(not_word)
    types = archive.read("[Content_Types].xml")
    if _TEMPLATE_TYPE in types:
        content = _as_document(archive, types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE))
    try:
        paper_docx(SAMPLE, SAMPLE_BLOCKS, status_line="", template=content)
    except Exception:  # python-docx and lxml raise many kinds for a damaged file
        raise WordTemplateError("The Word file could not be opened: it may be damaged.") from None
    return content


# A paper of one section, paragraph and table, built on an uploaded template to check it.
SAMPLE = {
    "committee": "Committee",
    "meeting_date": "",
    "agenda_item": "1",
    "title": "Title",
    "period": {"label": "Quarter"},
    "contact": {"name": "Name", "title": "Title"},
}
SAMPLE_BLOCKS = [
    Block("heading", text="1. HEADING"),
    Block("paragraph", text="Text", number="1.1"),
    Block("table", text="Caption", key="sample", columns=["Ref", "Text"], rows=[["1", "Text"]]),
]


def _as_document(archive: zipfile.ZipFile, types: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member in archive.infolist():
            data = types if member.filename == "[Content_Types].xml" else archive.read(member)
            out.writestr(member, data)
    return buffer.getvalue()


def paper_docx(content: dict, blocks: list, *, status_line: str, template: bytes | None) -> bytes:
    """The paper's blocks (committee.document.blocks) as a .docx."""
    if template:
        document = Document(io.BytesIO(template))
        _empty_body(document)
    else:
        document = Document()
        _page(document.sections[0])
        _house_styles(document)
    _styles(document)
    _properties(document, content)
    marking = marking_of(content)
    _header_and_footer(document, content, marking)
    numbering = _numbering(document)
    text_width = _text_width(document.sections[-1])

    if content["agenda_item"]:
        _bold(document.add_paragraph(), f"Agenda Item {content['agenda_item']}")
    lines = document.add_paragraph()
    _bold(lines, content["committee"].upper())
    lines.add_run().add_break()
    _bold(lines, meeting_date_text(content).upper())
    document.add_paragraph(content["title"].upper(), style="Title")
    document.add_paragraph().add_run(status_line).italic = True

    closing = []  # the recommendation and the contact officer: kept together with what precedes them
    for block in blocks:
        if block.kind == "heading":
            if _start_appendix(document, block):
                text_width = _text_width(document.sections[-1])
            paragraph = _heading(document, block.text, numbering)
        elif block.kind == "paragraph":
            paragraph = document.add_paragraph(xml_safe(block.text))
            if block.number:
                _number(paragraph, numbering, level=block.number.count("."))
        else:
            paragraph = document.add_paragraph(xml_safe(block.text), style="Caption")
            paragraph.paragraph_format.keep_with_next = True  # the caption goes with its table
            _table(document, block, text_width)
        if block.closing:
            closing.append(paragraph)
    # No page holding only the recommendation and the contact officer.
    for paragraph in closing[:-1]:
        paragraph.paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _start_appendix(document, block) -> bool:
    """An appendix starts on a new page; Appendix 2 (the register's wide table) in a
    landscape section of its own. True when a new section began (its width may differ)."""
    if block.landscape:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        if section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        return True
    if block.appendix:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    return False


def _empty_body(document) -> None:
    """The template without its sample text; its last section (page, header, footer) stays."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _page(section) -> None:
    """A4 landscape, as the PDF: the paper's tables have six columns."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(2)
    section.header_distance = section.footer_distance = Cm(0.8)


def _text_width(section) -> int:
    """The width between the margins, in twips."""
    return round((section.page_width - section.left_margin - section.right_margin) / 635)


def _fonts(rpr) -> None:
    """Arial for every script, in place of the theme's Calibri and Cambria."""
    fonts = rpr.get_or_add_rFonts()
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _house_styles(document) -> None:
    """python-docx's template in the house style: one font family, black bold headings."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    rpr.find(qn("w:lang")).set(qn("w:val"), LANGUAGE)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "252")
    for fonts in styles.iter(qn("w:rFonts")):
        _fonts(fonts.getparent())
    for colour in styles.iter(qn("w:color")):
        colour.set(qn("w:val"), str(BLACK))
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(theme), None)

    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    for name, size, before in [("Title", 14, 6), ("Heading 1", 11, 12), ("Heading 2", 10, 10)]:
        style = document.styles[name]
        ppr = style.element.find(qn("w:pPr"))
        for unwanted in ("w:pBdr", "w:contextualSpacing"):  # Title's rule beneath, its tight spacing
            if ppr is not None and ppr.find(qn(unwanted)) is not None:
                ppr.remove(ppr.find(qn(unwanted)))
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = BLACK
        rpr = style.element.get_or_add_rPr()
        for unwanted in ("w:spacing", "w:kern"):  # Title's letter-spacing
            if rpr.find(qn(unwanted)) is not None:
                rpr.remove(rpr.find(qn(unwanted)))
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
    caption = document.styles["Caption"]
    caption.font.size = Pt(9)
    caption.font.bold = True
    caption.font.color.rgb = BLACK


def _style(document, name: str, *, base: str = "Normal"):
    """The template's style `name`, or a plain one added on `base` where it has none."""
    try:
        return document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base] if base else None
        return style


def _styles(document) -> None:
    """The styles the paper uses, added where an uploaded template lacks them."""
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        if name not in [style.name for style in document.styles]:
            style = _style(document, name)
            style.font.bold = True
    for name in ("Heading 1", "Heading 2", "Caption"):
        document.styles[name].paragraph_format.keep_with_next = True
    if TABLE_TEXT not in [style.name for style in document.styles]:  # a template's own is kept
        table_text = _style(document, TABLE_TEXT)
        table_text.font.size = Pt(8.5)
        table_text.paragraph_format.space_after = Pt(0)
        table_text.paragraph_format.line_spacing = 1.0


def _properties(document, content: dict) -> None:
    properties = document.core_properties
    properties.title = f"{content['title']}: {content['period']['label']}"
    properties.subject = f"{content['committee']}, {meeting_date_text(content)}"
    properties.author = properties.last_modified_by = settings.OFFICE_NAME
    # The paper's subject, or the content's own (the Panel report's).
    properties.keywords = (
        f"{marking_of(content)}; {content.get('keywords', 'risk management')}; {content['period']['label']}"
    )
    properties.category = marking_of(content)
    properties.comments = ""
    properties.language = LANGUAGE
    published = content.get("published_at")
    created = datetime.fromisoformat(published) if published else timezone.now()
    properties.created = properties.modified = created.astimezone(UTC).replace(tzinfo=None)
    properties.revision = 1


def _header_and_footer(document, content: dict, marking: str) -> None:
    """On every page: the marking, and the meeting, at the top; the page number and the
    marking at the foot. After a template's own header and footer (its logo)."""
    meeting = ", ".join(
        part
        for part in [
            content["committee"],
            meeting_date_text(content),
            f"Agenda Item {content['agenda_item']}" if content["agenda_item"] else "",
        ]
        if part
    )
    for section in document.sections:
        headers, footers = [section.header], [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            header.is_linked_to_previous = False
            _marking(_line(header), marking)
            _small(_line(header, WD_ALIGN_PARAGRAPH.RIGHT), meeting)
        for footer in footers:
            footer.is_linked_to_previous = False
            page = _line(footer)
            _small(page, "Page ")
            _field(page, "PAGE", "1")
            _small(page, " of ")
            _field(page, "NUMPAGES", "1")
            _marking(_line(footer), marking)


def _line(part, alignment=WD_ALIGN_PARAGRAPH.CENTER):
    """A new line of a header or footer (its first, empty, paragraph if it has nothing yet)."""
    paragraphs = part.paragraphs
    empty = len(paragraphs) == 1 and not paragraphs[0].text and not paragraphs[0]._p.xpath(".//w:drawing")
    paragraph = paragraphs[0] if empty else part.add_paragraph()
    paragraph.alignment = alignment
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _marking(paragraph, marking: str) -> None:
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(10)


def _small(paragraph, text: str):
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    return run


def _field(paragraph, code: str, shown: str) -> None:
    """A field Word (and LibreOffice) fills in as it lays out pages: PAGE, NUMPAGES."""
    for kind in ("begin", None, "separate", shown, "end"):
        run = _small(paragraph, "")
        if kind in ("begin", "separate", "end"):
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif kind is None:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f" {code} "
            run._r.append(instruction)
        else:
            run.text = kind


def _numbering(document) -> int:
    """A multi-level list: "1." for the sections, "1.1" for their paragraphs. Its numId."""
    numbering = document.part.numbering_part.element
    ids = [int(n) for n in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    abstract_id = max(ids, default=-1) + 1
    abstract = parse_xml(
        f"<w:abstractNum {nsdecls('w')} w:abstractNumId='{abstract_id}'>"
        "<w:multiLevelType w:val='multilevel'/>"
        "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:lvlText w:val='%1.'/>"
        "<w:lvlJc w:val='left'/><w:pPr><w:ind w:left='567' w:hanging='567'/></w:pPr></w:lvl>"
        "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:lvlText w:val='%1.%2'/>"
        "<w:lvlJc w:val='left'/><w:pPr><w:ind w:left='567' w:hanging='567'/></w:pPr>"
        "<w:rPr><w:b/></w:rPr></w:lvl>"
        "</w:abstractNum>"
    )
    nums = numbering.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)  # the schema puts every abstractNum before the nums
    else:
        numbering.append(abstract)
    return numbering.add_num(abstract_id).numId


def _number(paragraph, num_id: int, *, level: int) -> None:
    numbered = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbered.get_or_add_ilvl().val = level
    numbered.get_or_add_numId().val = num_id


def _heading(document, text: str, numbering: int):
    numbered = NUMBERED_HEADING.match(text)
    paragraph = document.add_paragraph(numbered.group(2) if numbered else text, style="Heading 1")
    if numbered:
        _number(paragraph, numbering, level=0)
    return paragraph


def _bold(paragraph, text: str) -> None:
    paragraph.add_run(text).bold = True


# Column sizing, in characters of the table's text: a column is at least as wide as its
# longest word (up to LONGEST_WORD), and the rest of the line is shared out by how much
# text each column holds, so Ref and status columns are narrow and text columns wide.
CHARACTER_TWIPS = 110  # an average character of 8.5 pt Arial, bold headings included
CELL_PADDING_TWIPS = 2 * 108 + 60  # Word's default left and right cell margins, and the borders
LONGEST_WORD = 14


def column_widths(columns: list[str], rows: list[list[str]], text_width: int) -> list[int]:
    """Each column's width in twips, summing to `text_width`."""
    least, wanted = [], []
    for index, heading in enumerate(columns):
        cells = [heading] + [str(row[index]) for row in rows]
        word = max((len(word) for cell in cells for word in cell.split()), default=1)
        least.append((min(word, LONGEST_WORD) + 1) * CHARACTER_TWIPS + CELL_PADDING_TWIPS)
        # The mean length, so one long cell does not widen its column for all the rest.
        wanted.append(sum(len(cell) for cell in cells) / len(cells) * CHARACTER_TWIPS + CELL_PADDING_TWIPS)
    spare = text_width - sum(least)
    if spare <= 0:  # more columns than the page holds at their narrowest: in proportion
        widths = [text_width * width / sum(least) for width in least]
    else:
        extra = [max(want - low, 0) for want, low in zip(wanted, least, strict=True)]
        if sum(extra) == 0:
            extra = [1] * len(columns)
        widths = [low + spare * more / sum(extra) for low, more in zip(least, extra, strict=True)]
    widths = [int(width) for width in widths]
    widths[widths.index(max(widths))] += text_width - sum(widths)
    return widths


def _table(document, block, text_width: int) -> None:
    widths = column_widths(block.columns, block.rows, text_width)
    table = document.add_table(rows=1, cols=len(block.columns))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    # Widths LibreOffice and Word both honour: a fixed layout, the grid, and each cell.
    table.autofit = False
    properties = table._tbl.tblPr
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f"<w:{edge} w:val='single' w:sz='4' w:space='0' w:color='{BORDER}'/>"
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    properties.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
    table_width = properties.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        properties.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(text_width))
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width))

    header = table.rows[0]
    for cell, heading, width in zip(header.cells, block.columns, widths, strict=True):
        cell.width = Twips(width)
        cell._tc.get_or_add_tcPr().append(parse_xml(f"<w:shd {nsdecls('w')} w:val='clear' w:fill='{HEADER_FILL}'/>"))
        paragraph = cell.paragraphs[0]
        paragraph.style = TABLE_TEXT
        paragraph.add_run(heading).bold = True
    _row_properties(header, "w:tblHeader")  # repeated at the top of every page
    for values in block.rows:
        row = table.add_row()
        _row_properties(row, "w:cantSplit")  # a row is not split across pages, as in the PDF
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = Twips(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = TABLE_TEXT
            paragraph.add_run(xml_safe(str(value)))


def _row_properties(row, *tags: str) -> None:
    properties = row._tr.get_or_add_trPr()
    for tag in tags:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)
