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
    number: str = ""
    key: str = ""  # tables: which table (red_list, improving, churn, risks_new, ...)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    rag_columns: tuple[int, ...] = ()  # columns holding RAG statuses, shown as tags on screen


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


class _Numbering:
    def __init__(self):
        self.sections, self.paragraphs = 0, 0

    def heading(self, text: str) -> Block:
        self.sections, self.paragraphs = self.sections + 1, 0
        return Block("heading", text=f"{self.sections}. {text.upper()}")

    def paragraph(self, text: str) -> Block:
        self.paragraphs += 1
        return Block("paragraph", text=text, number=f"{self.sections}.{self.paragraphs}")


def blocks(content: dict) -> list[Block]:
    n = _Numbering()
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
    out.append(
        n.paragraph(f"How the approved statuses of all {deliverables(content)} deliverables moved from {p} to {q}:")
    )
    churn = content["churn"]
    out.append(
        Block(
            "table",
            key="churn",
            text=f"Deliverables by status in {p} (rows) and {q} (columns)",
            columns=[f"{p} \\ {q}", *churn["statuses"], "Total"],
            rows=[
                [status, *map(str, counts), str(sum(counts))]
                for status, counts in zip(churn["statuses"], churn["matrix"], strict=True)
            ],
        )
    )

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

    for section in RISK_SECTIONS:
        table = content["risks"][section.key]
        if not table["rows"] and not section.listed_when_empty:
            continue
        out.append(n.heading(section.heading))
        if table["rows"]:
            out.append(n.paragraph(section.sentence(len(table["rows"]), q)))
            out.append(_table(section.table_key, section.caption.format(p=p, q=q), table))
        else:
            out.append(n.paragraph(section.empty))

    out += [n.heading("Recommendation"), *(n.paragraph(t) for t in content["recommendation"])]
    return out


def _table(key: str, caption: str, table: dict, rag: tuple[int, ...] = ()) -> Block:
    return Block("table", key=key, text=caption, columns=table["columns"], rows=table["rows"], rag_columns=rag)


def download_name(content: dict, what: str, extension: str) -> str:
    """e.g. joint-audit-committee-2025-12-11-red-list.csv: the committee and the meeting."""
    committee = slugify(content["committee"]) or "committee"
    when = content["meeting_date"] or content["period"]["slug"]
    return f"{committee}-{when}-{what}.{extension}"
