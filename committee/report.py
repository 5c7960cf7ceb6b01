"""The quarter's Risk Management Update, built from the register.

build_report() composes the rules owned by the commitments and risks apps into one
plain structure (lists, dicts, strings): the page, every download and a published
snapshot are all rendered from it, so they cannot disagree.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects

from commitments.models import NOT_ASSESSED, Commitment, Plan, Rag, rag_label
from committee.sections import RISK_SECTIONS
from risks.models import Risk

STATUSES = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, ""]


def paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def _commitment_table(commitments, previous, current) -> dict:
    p, q = previous.short_label if previous else "Previous", current.short_label
    rows = []
    for commitment in commitments:
        before, now = commitment.update_in(previous), commitment.update_in(current)
        rows.append(
            [
                str(commitment.ref),
                before.rag_label if before else NOT_ASSESSED,
                now.rag_label if now else NOT_ASSESSED,
                commitment.policy_area_names,
                commitment.text,
                now.narrative if now else "",
            ]
        )
    return {"columns": ["Ref", p, q, "Policy Area", "Individual Commitment", f"{q} Update"], "rows": rows}


NO_APPROVED_UPDATE = "No approved update"


def _unreported_table(commitments, previous, current) -> dict:
    """Red in P, and no approved update in Q: the columns of the red list that apply."""
    p, q = previous.short_label if previous else "Previous", current.short_label
    rows = [[str(c.ref), rag_label(Rag.RED), NO_APPROVED_UPDATE, c.policy_area_names, c.text] for c in commitments]
    return {"columns": ["Ref", p, q, "Policy Area", "Individual Commitment"], "rows": rows}


def _risk_table(risks, previous, current) -> dict:
    p = previous.short_label if previous else "Previous"
    columns = ["Ref", "Title", "Owner", f"Score {p}", f"Score {current.short_label}", "Band", "Reason"]
    rows = []
    for risk in risks:
        score_before = "" if risk.previous_score is None else str(risk.previous_score)
        score_now = "" if risk.current_score is None else str(risk.current_score)
        rows.append(
            [
                risk.ref,
                risk.title + (" (scores illustrative)" if risk.scores_illustrative else ""),
                str(risk.owner),
                score_before,
                score_now,
                risk.current_band or "",
                " ".join((getattr(risk, "reason", "") or "").split()),
            ]
        )
    return {"columns": columns, "rows": rows}


def deliverables_count(plan_commitments, transitions: dict | None) -> int:
    """The M of "N of the M individual deliverables": every active commitment of the plan.

    The churn table (`transitions`, when there is a quarter before) puts each of them in
    exactly one cell, so its sum is M without another query; without it, M is counted.
    """
    return sum(transitions.values()) if transitions is not None else plan_commitments.count()


def build_report(paper) -> dict:
    """Everything the paper shows for `paper.period` (Q) against the quarter before (P)."""
    current = paper.period
    previous = current.previous()
    plan_commitments = Commitment.objects.in_plan(Plan.objects.current()).active()
    shown = [p for p in (previous, current) if p]

    # Without their leads, whom the paper does not name: at 100 times the plan, thousands
    # of rows, and two people built for each.
    red = plan_commitments.red_in(current).with_policy_areas().with_updates_in(shown).order_by("ref")
    improving = (
        plan_commitments.improving_between(previous, current).with_policy_areas().with_updates_in(shown).order_by("ref")
        if previous
        else Commitment.objects.none()
    )
    # Red last quarter with nothing approved this quarter: named under the red list.
    unreported = (
        plan_commitments.red_then_unreported(previous, current).with_policy_areas().order_by("ref")
        if previous
        else Commitment.objects.none()
    )
    transitions = plan_commitments.status_transitions(previous, current) if previous else None
    red_table = _commitment_table(red, previous, current)
    unreported_table = _unreported_table(unreported, previous, current)

    # The owners in one query for all sections, not joined to each: PostgreSQL cannot
    # estimate how many risks a section's subquery filters keep, guesses one, and joins
    # every user to every risk (at 100x, 3 million rows and 0.3 s a section).
    risk_sections = {
        section.key: list(section.risks(Risk.objects.all(), previous, current).select_related(None))
        for section in RISK_SECTIONS
    }
    prefetch_related_objects([risk for section in risk_sections.values() for risk in section], "owner")
    return {
        "office": settings.OFFICE_NAME,
        "committee": paper.committee_name,
        "meeting_date": paper.meeting_date.isoformat() if paper.meeting_date else "",
        "agenda_item": paper.agenda_item,
        "title": paper.title,
        "protective_marking": paper.protective_marking,
        "period": {
            "label": current.label,
            "short": current.short_label,
            "slug": current.slug,
            "fy": current.financial_year_slug,
            "q": current.quarter_slug,
        },
        "previous": {"label": previous.label, "short": previous.short_label} if previous else None,
        "purpose": paragraphs(paper.purpose),
        "methodology": paragraphs(paper.methodology),
        "delivery_introduction": paragraphs(paper.delivery_introduction),
        "headline": {
            "red": len(red_table["rows"]),
            "total": deliverables_count(plan_commitments, transitions),
            "assessed_in": paper.statuses_assessed_in,
        },
        "red_list": red_table,
        # Papers published before this key existed lack it: committee.document reads it
        # with red_then_unreported(content).
        "red_then_unreported": unreported_table,
        "delivery_narrative": paragraphs(paper.delivery_narrative),
        "churn": {
            "statuses": [rag_label(s) for s in STATUSES],
            "matrix": [[(transitions or {}).get((before, after), 0) for after in STATUSES] for before in STATUSES],
        },
        "improving": _commitment_table(improving, previous, current),
        "risks": {key: _risk_table(rows, previous, current) for key, rows in risk_sections.items()},
        "recommendation": paragraphs(paper.recommendation),
        "contact": {"name": paper.contact_name, "title": paper.contact_title},
    }
