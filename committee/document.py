"""The paper as an ordered list of blocks: headings, numbered paragraphs and tables.

The page, the PDF and the Word document all walk the same blocks, so their sections,
numbering, sentences and tables are the same.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify


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

EMPTY_RISK_SECTIONS = {
    "new": "The review of the risk register has identified no new corporate risks for the OPCC.",
    "under_consideration": "No new risks are being considered for inclusion.",
    "increased": "During the last quarter, no risk scores have increased.",
    "reduced": "During the last quarter, no risk scores have decreased.",
    "closed": "During the last quarter, no risks have been closed.",
}

RISK_SECTIONS = [
    ("new", "New corporate risks", "New corporate risks: became open during {q}"),
    ("under_consideration", "Risks under consideration", "Risks being considered for inclusion at the end of {q}"),
    ("increased", "Increased corporate risks", "Corporate risks whose score increased from {p} to {q}"),
    ("reduced", "Reduced corporate risk scores", "Corporate risks whose score reduced from {p} to {q}"),
    ("closed", "Closed and de-escalated corporate risks", "Corporate risks closed or de-escalated during {q}"),
]


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


def headline(content: dict) -> str:
    h = content["headline"]
    when = f" in {h['assessed_in']}" if h["assessed_in"] else f" for {content['period']['label']}"
    return (
        f"{h['red']} of the {h['total']} individual deliverables in the Plan were marked as being at Red status "
        f"for deliverability{when}. {RED_MEANING}"
    )


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
    out += [n.paragraph(t) for t in content["delivery_narrative"]]
    out.append(
        n.paragraph(
            f"How the approved statuses of all {content['headline']['total']} deliverables moved from {p} to {q}:"
        )
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

    for key, heading, caption in RISK_SECTIONS:
        table = content["risks"][key]
        if key == "under_consideration" and not table["rows"]:
            continue  # the paper mentions proposed risks only when there are some
        out.append(n.heading(heading))
        if table["rows"]:
            count = len(table["rows"])
            out.append(n.paragraph(_risk_sentence(key, count, q)))
            out.append(_table(f"risks_{key}", caption.format(p=p, q=q), table))
        else:
            out.append(n.paragraph(EMPTY_RISK_SECTIONS[key]))

    out += [n.heading("Recommendation"), *(n.paragraph(t) for t in content["recommendation"])]
    return out


def _risk_sentence(key: str, count: int, q: str) -> str:
    one = count == 1
    risks, scores_have = ("risk", "score has") if one else ("risks", "scores have")
    return {
        "new": f"The review of the risk register has identified {count} new corporate {risks} during {q}.",
        "under_consideration": (
            f"{count} new {risks} {'is' if one else 'are'} still being considered and evaluated for inclusion."
        ),
        "increased": f"During the last quarter, {count} risk {scores_have} increased.",
        "reduced": f"During the last quarter, {count} risk {scores_have} decreased.",
        "closed": f"During the last quarter, {count} {risks} {'has' if one else 'have'} been closed or de-escalated.",
    }[key]


def _table(key: str, caption: str, table: dict, rag: tuple[int, ...] = ()) -> Block:
    return Block("table", key=key, text=caption, columns=table["columns"], rows=table["rows"], rag_columns=rag)


def download_name(content: dict, what: str, extension: str) -> str:
    """e.g. joint-audit-committee-2025-12-11-red-list.csv: the committee and the meeting."""
    committee = slugify(content["committee"]) or "committee"
    when = content["meeting_date"] or content["period"]["slug"]
    return f"{committee}-{when}-{what}.{extension}"
