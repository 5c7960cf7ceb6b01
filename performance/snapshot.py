"""What the public may see of a quarter, built once from the register when an admin
publishes it, as plain data: the pages, the downloads and the API read only this.

The rules, in one place:
- only the plan's active commitments, with their approved status and narrative (never a
  draft, a submitted or a returned update);
- nothing marked OFFICIAL-SENSITIVE: a sensitive commitment is left out, a sensitive
  update leaves its commitment shown without a status, a sensitive KPI value is left
  out; each is counted as withheld, so the counts stay honest;
- no names: no SMT, officer or WMP leads, no authors or reviewers; no risks at all;
- quarters up to the published one only.
"""

from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from commitments.models import Commitment, Plan, Rag, ReportingPeriod, StatusUpdate, rag_label
from kpis.models import Kpi, number_text
from riskreg.marking import is_sensitive

FORMAT = 1
NOT_ASSESSED = "not_assessed"
WITHHELD = "withheld"


def quarters_up_to(period: ReportingPeriod) -> list[ReportingPeriod]:
    return [p for p in ReportingPeriod.objects.started().order_by("financial_year", "quarter") if p.key <= period.key]


def period_data(period: ReportingPeriod) -> dict:
    return {"label": period.label, "slug": period.slug, "fy": period.financial_year_slug, "q": period.quarter_slug}


def build_snapshot(period: ReportingPeriod) -> tuple[dict, dict]:
    """(the public snapshot of the quarter, the register rows it shows by kind)."""
    plan = Plan.objects.current()
    quarters = quarters_up_to(period)
    shown = {"commitment": [], "update": [], "kpi_value": []}
    commitments = list(Commitment.objects.in_plan(plan).active().with_policy_areas().order_by("ref") if plan else [])
    approved = approved_updates(commitments, quarters)
    rows, areas, withheld_commitments = [], {}, 0
    for commitment in commitments:
        names = [area.policy_area.name for area in commitment.areas_in_order]
        for name in names:
            areas.setdefault(name, {"name": name, "refs": [], "withheld": 0})
        if is_sensitive(commitment):
            withheld_commitments += 1
            for name in names:
                areas[name]["withheld"] += 1
            continue
        shown["commitment"].append(commitment.pk)
        update = approved.get((commitment.pk, period.pk))
        row = {
            "ref": commitment.ref,
            "text": commitment.text,
            "policy_areas": names,
            "timescale": commitment.timescale,
            "status": "",
            "status_label": rag_label(""),
            "update": "",
            "update_withheld": False,
        }
        status = public_status(update)
        if status.withheld:
            row["update_withheld"] = True
            row["status_label"] = status.label
        elif update is not None:
            shown["update"].append(update.pk)
            row.update(status=status.rag, status_label=status.label, update=status.narrative)
        rows.append(row)
        for name in names:
            areas[name]["refs"].append(commitment.ref)
    content = {
        "format": FORMAT,
        "period": period_data(period),
        "plan": plan.title if plan else "",
        "published_at": timezone.now().isoformat(),
        "commitments_total": len(commitments),
        "commitments_withheld": withheld_commitments,
        "updates_withheld": sum(1 for row in rows if row["update_withheld"]),
        "areas": sorted(areas.values(), key=lambda area: area["name"]),
        "commitments": rows,
        "summary": _summary(commitments, approved, quarters),
        "kpis": public_kpis(quarters, shown),
    }
    content["kpi_values_withheld"] = sum(kpi["withheld"] for kpi in content["kpis"])
    return content, shown


def approved_updates(commitments, quarters) -> dict[tuple[int, int], StatusUpdate]:
    """The approved updates of `commitments` in `quarters`, by (commitment id, period id): one query."""
    return {
        (u.commitment_id, u.period_id): u
        for u in StatusUpdate.objects.approved()
        .filter(commitment__in=[c.pk for c in commitments], period__in=quarters)
        .only("pk", "commitment_id", "period_id", "rag", "narrative", "protective_marking")
        .order_by()
    }


@dataclass(frozen=True)
class PublicStatus:
    """A commitment's approved status in a quarter as a public page shows it."""

    rag: str  # "" when not assessed or withheld
    label: str  # Red, Amber, Green, Not assessed or Withheld
    narrative: str
    withheld: bool


def public_status(update: StatusUpdate | None) -> PublicStatus:
    """The status an approved update (or None) shows: a sensitive update is withheld,
    its RAG and narrative with it."""
    if update is None:
        return PublicStatus("", rag_label(""), "", False)
    if is_sensitive(update):
        return PublicStatus("", "Withheld", "", True)
    return PublicStatus(update.rag, rag_label(update.rag), update.narrative, False)


def status_counts(commitments, approved, quarter) -> Counter:
    """How many of `commitments` had each approved status in `quarter` (by Rag value):
    a sensitive commitment or update counts as WITHHELD, one without an approved status
    as NOT_ASSESSED."""
    counts = Counter()
    for commitment in commitments:
        update = approved.get((commitment.pk, quarter.pk))
        if is_sensitive(commitment) or public_status(update).withheld:
            counts[WITHHELD] += 1
        elif update is None or not update.rag:
            counts[NOT_ASSESSED] += 1
        else:
            counts[update.rag] += 1
    return counts


def _summary(commitments, approved, quarters) -> list[dict]:
    """Each quarter's approved statuses, counted over every active commitment: a sensitive
    commitment or update counts as withheld, one without an approved status as not assessed."""
    summary = []
    for quarter in quarters:
        counts = status_counts(commitments, approved, quarter)
        summary.append(
            {
                "period": quarter.label,
                **{rag: counts[rag] for rag in Rag.values},
                NOT_ASSESSED: counts[NOT_ASSESSED],
                WITHHELD: counts[WITHHELD],
                "total": len(commitments),
            }
        )
    return summary


def public_kpis(quarters, shown) -> list[dict]:
    """Every KPI with its values up to the last of `quarters`, sensitive ones left out and
    counted (`withheld`); the values shown are added to `shown["kpi_value"]`."""
    in_quarters = {q.pk for q in quarters}
    found = []
    for kpi in Kpi.objects.with_values():
        values = [v for v in kpi.values_in_order if v.period_id in in_quarters]
        official = [v for v in values if not is_sensitive(v)]
        shown["kpi_value"] += [v.pk for v in official]
        found.append(
            {
                "ref": kpi.ref,
                "name": kpi.name,
                "policy_area": kpi.policy_area.name,
                "unit": kpi.unit,
                "definition": kpi.definition,
                "source": kpi.source,
                "better": kpi.better,
                "better_label": kpi.better_label,
                "target": str(kpi.target) if kpi.target is not None else None,
                "target_text": number_text(kpi.target),
                "illustrative": kpi.illustrative,
                "values": [
                    {
                        "period": v.period.label,
                        "value": str(v.value),
                        "value_text": number_text(v.value),
                        "note": v.note,
                    }
                    for v in official
                ],
                "withheld": len(values) - len(official),
            }
        )
    return found
