"""The Panel's report as an ordered list of blocks (committee.document.Block): the page,
the PDF and the Word file walk the same blocks, so their sections and tables agree.

A block of kind "chart" is a policy area's statuses: the page and the PDF draw it as a
bar chart beside its table; Word, which walks any block it does not know as a table,
gives the table.
"""

from committee.document import RED_MEANING, Block, Numbering
from panel.report import DIRECTION_KEYS, DIRECTION_LABELS, STATUS_KEYS, STATUS_LABELS

SUMMARY_COLUMNS = [
    "Policy Area",
    *(STATUS_LABELS[key] for key in STATUS_KEYS),
    "Total",
    *(DIRECTION_LABELS[key] for key in DIRECTION_KEYS),
]


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def withheld_sentence(content: dict) -> str:
    """'3 items are withheld: ...', or "" when none is."""
    withheld = content["withheld"]
    parts = [
        _plural(withheld["commitments"], "commitment"),
        _plural(withheld["updates"], "quarterly update"),
        _plural(withheld["kpi_values"], "KPI value"),
    ]
    parts = [part for part, key in zip(parts, ["commitments", "updates", "kpi_values"], strict=True) if withheld[key]]
    total = sum(withheld.values())
    if not total:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "is withheld because it is" if total == 1 else "are withheld because they are"
    return (
        f"{_plural(total, 'item')} {verb} marked OFFICIAL-SENSITIVE: {listed}. "
        "They are counted in the totals; a commitment whose update is withheld is shown as Withheld."
    )


def area_sentence(area: dict, p: str | None, q: str) -> str:
    counts, directions = area["counts"], area["direction"]
    said = ", ".join(f"{counts[key]} {STATUS_LABELS[key].lower()}" for key in STATUS_KEYS)
    sentence = f"{_plural(area['total'], 'commitment')} in {q}: {said}."
    if p:
        sentence += (
            f" Since {p}: {directions['improved']} improved, {directions['same']} stayed the same, "
            f"{directions['worsened']} worsened and {directions['not_compared']} could not be compared."
        )
    return sentence


def blocks(content: dict) -> list[Block]:
    """1 Introduction, 2 Summary by policy area, then a section per policy area in the
    plan's order: its summary (chart and table), its commitments, its KPIs."""
    n = Numbering()
    q = content["period"]["short"]
    p = content["previous"]["short"] if content["previous"] else None
    out = [n.heading("Introduction"), *(n.paragraph(t) for t in content["introduction"])]
    out.append(
        n.paragraph(
            f"This report gives the approved delivery status of each of the plan's {content['commitments_total']} "
            f"active commitments in {content['period']['label']}"
            + (f" and {content['previous']['label']}" if p else "")
            + f", and its {q} update, by policy area in the plan's order, with each policy area's key "
            "performance indicators (KPIs). A commitment under two policy areas is listed under both."
        )
    )
    if sentence := withheld_sentence(content):
        out.append(n.paragraph(sentence))
    out.append(n.paragraph(RED_MEANING))

    out.append(n.heading("Summary by policy area"))
    out.append(
        Block(
            "table",
            key="summary",
            text=f"Commitments by policy area: status in {q}" + (f" and direction of travel since {p}" if p else ""),
            columns=SUMMARY_COLUMNS,
            rows=summary_rows(content),
            wide=True,
        )
    )
    for index, area in enumerate(content["areas"], start=1):
        out += _area(area, index, n, p, q)
    return out


def summary_rows(content: dict) -> list[list[str]]:
    return [
        [
            area["name"],
            *(str(area["counts"][key]) for key in STATUS_KEYS),
            str(area["total"]),
            *(str(area["direction"][key]) for key in DIRECTION_KEYS),
        ]
        for area in content["areas"]
    ]


def _area(area: dict, index: int, n: Numbering, p: str | None, q: str) -> list[Block]:
    name = area["name"]
    key = f"area-{index}"
    out = [n.heading(name), n.paragraph(area_sentence(area, p, q))]
    out.append(
        Block(
            "chart",
            key=f"{key}-statuses",
            text=f"{name}: commitments by status in {q}",
            columns=["Status", "Commitments"],
            rows=[[STATUS_LABELS[status], str(area["counts"][status])] for status in STATUS_KEYS],
        )
    )
    if p:
        out.append(
            Block(
                "table",
                key=f"{key}-direction",
                text=f"{name}: direction of travel since {p}",
                columns=[f"Since {p}", "Commitments"],
                rows=[[DIRECTION_LABELS[d], str(area["direction"][d])] for d in DIRECTION_KEYS],
            )
        )
    if area["commitments"]["rows"]:
        out.append(
            Block(
                "table",
                key=f"{key}-commitments",
                text=f"{name}: commitments, their status and the {q} update",
                columns=area["commitments"]["columns"],
                rows=area["commitments"]["rows"],
                rag_columns=(1, 2) if p else (2,),
            )
        )
    if area["commitments_withheld"]:
        out.append(Block("paragraph", text=f"{_plural(area['commitments_withheld'], 'commitment')} withheld."))
    if area["kpis"]["rows"]:
        out.append(
            Block(
                "table",
                key=f"{key}-kpis",
                text=f"{name}: key performance indicators by quarter",
                columns=area["kpis"]["columns"],
                rows=area["kpis"]["rows"],
            )
        )
    else:
        out.append(Block("paragraph", text="No KPIs are reported under this policy area."))
    if area["kpi_values_withheld"]:
        out.append(Block("paragraph", text=f"{_plural(area['kpi_values_withheld'], 'KPI value')} withheld."))
    return out


def commitment_rows(content: dict) -> list[list[str]]:
    """Every policy area's commitments in one table, the area first: the CSV's and the
    workbook's, row for row the page's tables."""
    return [[area["name"], *row] for area in content["areas"] for row in area["commitments"]["rows"]]


def commitment_columns(content: dict) -> list[str]:
    q = content["period"]["short"]
    p = content["previous"]["short"] if content["previous"] else "Previous"
    return ["Policy Area", "Ref", p, q, "Individual Commitment", f"{q} Update"]


def kpi_rows(content: dict) -> list[list[str]]:
    return [[area["name"], *row] for area in content["areas"] for row in area["kpis"]["rows"]]


def kpi_columns(content: dict) -> list[str]:
    columns = next((area["kpis"]["columns"] for area in content["areas"]), ["Ref", "KPI", "Unit", "Target", "Better"])
    return ["Policy Area", *columns]
