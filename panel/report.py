"""The quarter's delivery report to the Police and Crime Panel, built from the register.

build_panel_report() makes one plain structure (lists, dicts, strings) that the page,
every download and a published version are rendered from, so they cannot disagree.

The Panel meets in public, so the report keeps the public rules (performance.snapshot):
only the plan's active commitments and their approved statuses; nothing marked
OFFICIAL-SENSITIVE (a sensitive commitment is left out and counted, a sensitive update
shows its commitment as "Withheld", a sensitive KPI value is left out and counted); no
names of officers; no risks.
"""

from django.conf import settings

from commitments.models import NOT_ASSESSED, Commitment, Plan, Rag, ReportingPeriod
from committee.report import paragraphs
from performance import snapshot
from performance.snapshot import WITHHELD, approved_updates, public_kpis, public_status, quarters_up_to, status_counts
from riskreg.exports import xml_safe_all
from riskreg.marking import is_sensitive

FORMAT = 1
NO_POLICY_AREA = "Not under a policy area"

# The counts of a policy area's summary, in the order its chart and tables give them.
STATUS_KEYS = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, snapshot.NOT_ASSESSED, WITHHELD]
STATUS_LABELS = {**{rag.value: rag.label for rag in Rag}, snapshot.NOT_ASSESSED: NOT_ASSESSED, WITHHELD: "Withheld"}

# Direction of travel since the quarter before, by the approved RAG of each.
IMPROVED, SAME, WORSENED, NOT_COMPARED = "improved", "same", "worsened", "not_compared"
DIRECTION_KEYS = [IMPROVED, SAME, WORSENED, NOT_COMPARED]
DIRECTION_LABELS = {
    IMPROVED: "Improved",
    SAME: "Stayed the same",
    WORSENED: "Worsened",
    NOT_COMPARED: "Not compared",
}
RAG_RANK = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2}


def direction(before: str, now: str) -> str:
    """Improved (Red to Amber...), stayed the same, or worsened; not compared when either
    quarter has no public status (not assessed or withheld)."""
    if before not in RAG_RANK or now not in RAG_RANK:
        return NOT_COMPARED
    if RAG_RANK[now] > RAG_RANK[before]:
        return IMPROVED
    return WORSENED if RAG_RANK[now] < RAG_RANK[before] else SAME


def period_of(period: ReportingPeriod) -> dict:
    return {
        "label": period.label,
        "short": period.short_label,
        "slug": period.slug,
        "fy": period.financial_year_slug,
        "q": period.quarter_slug,
    }


def plan_order(commitments: list[Commitment]) -> list[tuple[str, list[Commitment]]]:
    """The plan's policy areas, each with its commitments by ref: the areas in the order
    the plan reaches them (by the lowest ref in each), a commitment under two areas under
    both, and those under none at the end. `commitments` come by ref."""
    areas: dict[str, list[Commitment]] = {}
    unplaced = []
    for commitment in commitments:
        names = [area.policy_area.name for area in commitment.areas_in_order]
        for name in names:
            areas.setdefault(name, []).append(commitment)
        if not names:
            unplaced.append(commitment)
    ordered = list(areas.items())  # dicts keep the order areas were first met: by lowest ref
    if unplaced:
        ordered.append((NO_POLICY_AREA, unplaced))
    return ordered


def build_panel_report(report) -> dict:
    """Everything the Panel's report shows for `report.period` (Q) against the quarter before (P)."""
    current = report.period
    quarters = quarters_up_to(current)
    previous = current.previous(among=quarters)
    plan = Plan.objects.current()
    commitments = list(Commitment.objects.in_plan(plan).active().with_policy_areas().order_by("ref") if plan else [])
    approved = approved_updates(commitments, [q for q in (previous, current) if q])
    kpis = public_kpis(quarters, {"kpi_value": []})
    p, q = previous.short_label if previous else "Previous", current.short_label
    commitment_columns = ["Ref", p, q, "Individual Commitment", f"{q} Update"]
    kpi_columns = ["Ref", "KPI", "Unit", "Target", "Better", *(quarter.short_label for quarter in quarters)]
    ordered = plan_order(commitments)
    # A KPI under a policy area with no active commitment still reaches the Panel: its
    # area is listed after the plan's, by name, before the commitments under none.
    named = {name for name, _ in ordered}
    kpi_only = [(name, []) for name in sorted({kpi["policy_area"] for kpi in kpis} - named)]
    at = len(ordered) - (1 if ordered and ordered[-1][0] == NO_POLICY_AREA else 0)
    ordered[at:at] = kpi_only
    areas = []
    for name, members in ordered:
        shown = [c for c in members if not is_sensitive(c)]
        rows, directions = [], dict.fromkeys(DIRECTION_KEYS, 0)
        for commitment in shown:
            before = public_status(approved.get((commitment.pk, previous.pk)) if previous else None)
            now = public_status(approved.get((commitment.pk, current.pk)))
            directions[direction(before.rag, now.rag)] += 1
            rows.append([str(commitment.ref), before.label, now.label, commitment.text, now.narrative])
        counts = status_counts(members, approved, current)
        area_kpis = [kpi for kpi in kpis if kpi["policy_area"] == name]
        areas.append(
            {
                "name": name,
                "total": len(members),
                "commitments_withheld": len(members) - len(shown),
                "updates_withheld": sum(1 for row in rows if row[2] == "Withheld"),
                "counts": {key: counts[key] for key in STATUS_KEYS},
                "direction": directions,
                "commitments": {"columns": commitment_columns, "rows": rows},
                "kpis": {"columns": kpi_columns, "rows": [_kpi_row(kpi, quarters) for kpi in area_kpis]},
                "kpi_values_withheld": sum(kpi["withheld"] for kpi in area_kpis),
            }
        )
    withheld = {
        "commitments": sum(1 for c in commitments if is_sensitive(c)),
        "updates": sum(area["updates_withheld"] for area in areas),
        "kpi_values": sum(kpi["withheld"] for kpi in kpis),
    }
    content = {
        "format": FORMAT,
        "office": settings.OFFICE_NAME,
        # "committee" and "agenda_item": the keys committee.document and committee.word
        # read a meeting's body and item from, for the status line, the files' names and headers.
        "committee": report.panel_name,
        "meeting_date": report.meeting_date.isoformat() if report.meeting_date else "",
        "agenda_item": report.agenda_item,
        "title": report.title,
        "keywords": "delivery of the Police and Crime Plan",
        "period": period_of(current),
        "previous": {"label": previous.label, "short": previous.short_label} if previous else None,
        "plan": plan.title if plan else "",
        "introduction": paragraphs(report.introduction),
        "commitments_total": len(commitments),
        "withheld": withheld,
        "areas": areas,
    }
    # Control characters typed before the forms refused them cannot go into Word or Excel.
    return xml_safe_all(content)


def _kpi_row(kpi: dict, quarters) -> list[str]:
    by_quarter = {value["period"]: value["value_text"] for value in kpi["values"]}
    return [
        kpi["ref"],
        kpi["name"] + (" (illustrative)" if kpi["illustrative"] else ""),
        kpi["unit"],
        kpi["target_text"],
        kpi["better_label"],
        *(by_quarter.get(quarter.label, "") for quarter in quarters),
    ]


def withheld_total(content: dict) -> int:
    return sum(content["withheld"].values())
