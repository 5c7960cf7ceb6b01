"""The paper as an ordered list of blocks: headings, numbered paragraphs and tables.

The page, the PDF and the Word document all walk the same blocks, so their sections,
numbering, sentences and tables are the same.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from committee.sections import RISK_SECTIONS


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "table"
    text: str = ""
    number: str = ""  # paragraphs of the body: "3.4"; "" for the contact officer's lines
    key: str = ""  # tables: which table (red_list, improving, churn, register, ...)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    rag_columns: tuple[int, ...] = ()  # columns holding RAG statuses, shown as tags on screen
    appendix: bool = False  # a heading that starts an appendix, on a new page
    landscape: bool = False  # an appendix heading whose appendix is printed landscape (Appendix 2)
    wide: bool = False  # a table that scrolls in its own region on a narrow screen
    closing: bool = False  # the recommendation and contact officer: printed with what precedes them


RED_MEANING = (
    "Red classification meant that some additional support or action was needed in order to support "
    "delivery of the plan item, not that it could not be achieved in the end."
)


def meeting_date_text(content: dict) -> str:
    if not content["meeting_date"]:
        return "meeting date not set"
    return date.fromisoformat(content["meeting_date"]).strftime("%-d %B %Y")


def published_status_line(content: dict, *, version: int, correction_reason: str) -> str:
    """What a published version says of itself, on the page and in its PDF and Word files."""
    line = f"As presented to the {content['committee']} on {meeting_date_text(content)}"
    if version > 1:
        line += f" (version {version}, corrected: {correction_reason})"
    return line + "."


def deliverables(content: dict) -> int:
    """The M of "N of the M individual deliverables", and of the churn table's "all M
    deliverables": committee.report.deliverables_count."""
    return content["headline"]["total"]


def red_then_unreported(content: dict) -> dict:
    """The commitments Red last quarter with no approved update in this one
    (Commitment.objects.red_then_unreported). Papers published before the paper listed
    them have no such table: for those, an empty one, so they render as they were."""
    if "red_then_unreported" in content:
        return content["red_then_unreported"]
    p = content["previous"]["short"] if content["previous"] else "Previous"
    q = content["period"]["short"]
    return {"columns": ["Ref", p, q, "Policy Area", "Individual Commitment"], "rows": []}


def headline(content: dict) -> str:
    h = content["headline"]
    when = f" in {h['assessed_in']}" if h["assessed_in"] else f" for {content['period']['label']}"
    sentence = (
        f"{h['red']} of the {deliverables(content)} individual deliverables in the Plan were marked as being at "
        f"Red status for deliverability{when}"
    )
    unreported = len(red_then_unreported(content)["rows"])
    if unreported:
        sentence += (
            f"; {unreported} more {'was' if unreported == 1 else 'were'} Red last quarter and "
            f"{'has' if unreported == 1 else 'have'} no approved update"
        )
    return f"{sentence}. {RED_MEANING}"


class Numbering:
    def __init__(self):
        self.sections, self.paragraphs = 0, 0

    def heading(self, text: str) -> Block:
        self.sections, self.paragraphs = self.sections + 1, 0
        return Block("heading", text=f"{self.sections}. {text.upper()}")

    def paragraph(self, text: str) -> Block:
        self.paragraphs += 1
        return Block("paragraph", text=text, number=f"{self.sections}.{self.paragraphs}")


def risk_paragraphs(content: dict) -> dict[str, list[str]] | None:
    """Each risk section's paragraphs (committee.sections): None for papers published
    before the paper wrote them as sentences, which print their tables instead."""
    return content.get("risk_paragraphs")


def churn_appendix(content: dict) -> bool:
    """Whether Appendix 1 (movement between quarters) is printed: the admin's choice;
    papers published before it was asked printed the table, so they keep it."""
    return content.get("include_churn_appendix", True) and content["previous"] is not None


def risk_register(content: dict) -> dict | None:
    """Appendix 2, the register as presented; None for papers published before it was attached."""
    return content.get("register")


def blocks(content: dict) -> list[Block]:
    """The paper in the house structure and order: 1 Purpose, 2 Methodology, 3 Risks to
    the delivery of the plan, 4 Improving risks, 5 New corporate risks, 6 Increased,
    7 Reduced, 8 Closed and de-escalated, 9 Recommendation, the contact officer, then
    the appendices. (The reference paper numbers both Improving and New corporate risks
    4; the sections after Improving are numbered on from it.)"""
    n = Numbering()
    q = content["period"]["short"]
    p = content["previous"]["short"] if content["previous"] else "the previous quarter"
    out = [n.heading("Purpose of report"), *(n.paragraph(t) for t in content["purpose"])]
    if content["methodology"]:
        out += [n.heading("Risk management methodology"), *(n.paragraph(t) for t in content["methodology"])]

    out.append(n.heading("Risks to the delivery of the Police and Crime Plan"))
    out += [n.paragraph(t) for t in content["delivery_introduction"]]
    out.append(n.paragraph(headline(content)))
    if content["red_list"]["rows"]:
        out.append(_table("red_list", f"Commitments at Red status in {q}", content["red_list"], rag=(1, 2)))
    if red_then_unreported(content)["rows"]:
        caption = f"Commitments at Red in {p} with no approved update in {q}"
        out.append(_table("red_then_unreported", caption, red_then_unreported(content), rag=(1,)))
    out += [n.paragraph(t) for t in content["delivery_narrative"]]

    out.append(n.heading("Improving risks"))
    if content["improving"]["rows"]:
        out.append(
            n.paragraph(
                "In the previous quarter's report, we recorded the following as red, but they are now downgraded "
                "following successful work to improve the expected deliverability of the promise."
            )
        )
        out.append(
            _table(
                "improving", f"Commitments at Red in {p} and Amber or Green in {q}", content["improving"], rag=(1, 2)
            )
        )
    else:
        out.append(n.paragraph(f"No commitment recorded as Red in {p} has improved in {q}."))

    out += _risk_sections(content, n)
    closing = [n.heading("Recommendation"), *(n.paragraph(t) for t in content["recommendation"]), *_contact(content)]
    for block in closing:
        block.closing = True
    out += closing
    out += _appendices(content, p, q)
    return out


def _risk_sections(content: dict, n: "Numbering") -> list[Block]:
    written = risk_paragraphs(content)
    out = []
    for section in RISK_SECTIONS:
        if section.heading:
            out.append(n.heading(section.heading))
        if written is not None:
            out += [n.paragraph(t) for t in written[section.key]]
            continue
        # Published before the sections were sentences: its count and its table, as it was.
        table = content["risks"][section.key]
        if table["rows"] or section.empty:
            out.append(n.paragraph(section.count_sentence(len(table["rows"]))))
        if table["rows"]:
            out.append(_table(section.table_key, section.name, table))
    return out


def _contact(content: dict) -> list[Block]:
    contact = content["contact"]
    if not (contact["name"] or contact["title"]):
        return []
    return [
        Block("heading", text="CONTACT OFFICER"),
        Block("paragraph", text=f"Name: {contact['name']}"),
        Block("paragraph", text=f"Title: {contact['title']}"),
    ]


def _appendices(content: dict, p: str, q: str) -> list[Block]:
    out = []
    if churn_appendix(content):
        churn = content["churn"]
        out.append(Block("heading", text="APPENDIX 1: MOVEMENT OF DELIVERY STATUS BETWEEN QUARTERS", appendix=True))
        out.append(
            Block(
                "table",
                key="churn",
                text=(
                    f"How the approved statuses of all {deliverables(content)} deliverables moved from {p} to {q}: "
                    f"by status in {p} (rows) and {q} (columns)"
                ),
                columns=[f"{p} \\ {q}", *churn["statuses"], "Total"],
                rows=[
                    [status, *map(str, counts), str(sum(counts))]
                    for status, counts in zip(churn["statuses"], churn["matrix"], strict=True)
                ],
            )
        )
    register = risk_register(content)
    if register is not None:
        out.append(Block("heading", text="APPENDIX 2: THE CURRENT OPCC RISK REGISTER", appendix=True, landscape=True))
        caption = f"The risk register at the end of {q}: every risk open or under consideration"
        out.append(
            Block("table", key="register", text=caption, columns=register["columns"], rows=register["rows"], wide=True)
        )
    return out


APPENDIX_TABLES = ("churn", "register")


def spreadsheet_tables(content: dict) -> list[Block]:
    """The paper's tables for its workbook, in the paper's order: those it prints, with
    the risk sections' tables (which the paper writes as sentences) after the improving
    list, so every row of the paper's risk sections is in the workbook too."""
    printed = [block for block in blocks(content) if block.kind == "table"]
    if risk_paragraphs(content) is None:
        return printed  # published before: its risk tables are printed
    risk_tables = [
        _table(section.table_key, section.name, content["risks"][section.key])
        for section in RISK_SECTIONS
        if content["risks"][section.key]["rows"]
    ]
    body = [block for block in printed if block.key not in APPENDIX_TABLES]
    return body + risk_tables + [block for block in printed if block.key in APPENDIX_TABLES]


def _table(key: str, caption: str, table: dict, rag: tuple[int, ...] = ()) -> Block:
    return Block("table", key=key, text=caption, columns=table["columns"], rows=table["rows"], rag_columns=rag)


def download_name(content: dict, what: str, extension: str) -> str:
    """e.g. joint-audit-committee-2025-12-11-red-list.csv: the committee and the meeting."""
    committee = slugify(content["committee"]) or "committee"
    when = content["meeting_date"] or content["period"]["slug"]
    return f"{committee}-{when}-{what}.{extension}"
