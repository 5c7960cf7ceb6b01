"""The quarter's Risk Management Update, built from the register.

build_report() composes the rules owned by the commitments and risks apps into one
plain structure (lists, dicts, strings): the page, every download and a published
snapshot are all rendered from it, so they cannot disagree.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects

from commitments.models import NOT_ASSESSED, Commitment, Plan, Rag, rag_label
from committee.sections import RISK_SECTIONS, RiskSection
from riskreg.exports import xml_safe_all
from risks.models import Action, Assessment, Risk, ScoringMatrix, direction_of_travel

STATUSES = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, ""]


def paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def _commitment_table(commitments, previous, current, *, ref="Ref", area="Policy Area") -> dict:
    """The paper's columns: the red list's, or (`ref`, `area`) the improving list's, which
    the paper heads Reference and Title."""
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
    return {"columns": [ref, p, q, area, "Individual Commitment", f"{q} Update"], "rows": rows}


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


def _scored(score, matrix) -> str:
    if score is None:
        return NOT_ASSESSED
    band = matrix.band_for(score) if matrix else None
    return f"{score} ({band.label})" if band else str(score)


def _action_line(action) -> str:
    owner = str(action.owner) if action.owner else action.owner_name or "not set"
    what = " ".join(action.description.split())
    return f"{what} (owner: {owner}; target: {action.target_label}; RAG: {rag_label(action.rag)})"


def _register_table(previous, current) -> dict:
    """Appendix 2, the risk register as presented: every risk open or under consideration
    at the end of Q with its scores in Q, its actions and the commitments it threatens.
    Seven queries whatever its size: the risks (with their owners and scores in Q and P),
    the matrix's bands (three), and Q's assessments, the actions and the commitments."""
    matrix = ScoringMatrix.objects.active()
    risks = (
        Risk.objects.on_register_in(current)
        .select_related("owner")
        .with_scores(current, previous)
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.in_period(current).order_by(), to_attr="in_q"),
            Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("pk")),
            Prefetch("commitments", queryset=Commitment.objects.only("pk", "ref").order_by("ref")),
        )
        .order_by("ref")
    )
    p = previous.short_label if previous else "the previous quarter"
    columns = [
        "Ref",
        "Title",
        "Kind",
        "Status",
        "Owner",
        "Description",
        "Causes",
        "Consequences",
        "Inherent score",
        f"Current score ({current.short_label})",
        "Target score",
        f"Direction of travel since {p}",
        "Controls",
        "Actions (owner, target, RAG)",
        "Linked commitments",
    ]
    rows = []
    for risk in risks:
        assessment = risk.in_q[0] if risk.in_q else None
        direction = direction_of_travel(risk.previous_score, risk.current_score)
        rows.append(
            [
                risk.ref,
                risk.title + (" (scores illustrative)" if risk.scores_illustrative else ""),
                risk.get_kind_display(),
                Risk.Status(risk.status_then).label,  # at the end of Q
                str(risk.owner),
                risk.description,
                risk.causes,
                risk.consequences,
                _scored(assessment.inherent_score if assessment else None, matrix),
                _scored(risk.current_score, matrix),
                _scored(assessment.target_score if assessment else None, matrix),
                direction.label.capitalize() if direction else NOT_ASSESSED,
                assessment.controls if assessment else "",
                "\n".join(_action_line(action) for action in risk.actions.all()) or "None recorded",
                ", ".join(str(c.ref) for c in risk.commitments.all()) or "None",
            ]
        )
    return {"columns": columns, "rows": rows}


def deliverables_count(plan_commitments, transitions: dict | None) -> int:
    """The M of "N of the M individual deliverables": every active commitment of the plan.

    The churn table (`transitions`, when there is a quarter before) puts each of them in
    exactly one cell, so its sum is M without another query; without it, M is counted.
    """
    return sum(transitions.values()) if transitions is not None else plan_commitments.count()


def risk_sections(previous, current) -> dict[str, list[Risk]]:
    """Each risk section's risks (committee.sections), by its key, with their owners."""
    # The owners in one query for all sections, not joined to each: PostgreSQL cannot
    # estimate how many risks a section's subquery filters keep, guesses one, and joins
    # every user to every risk (at 100x, 3 million rows and 0.3 s a section).
    sections = {
        section.key: list(section.risks(Risk.objects.all(), previous, current).select_related(None))
        for section in RISK_SECTIONS
    }
    prefetch_related_objects([risk for section in sections.values() for risk in section], "owner")
    return sections


@dataclass(frozen=True)
class RiskSentence:
    """One risk's paragraph in a risk section, for the paper's edit page: the sentence
    composed from the register, which the admin's words (Paper.risk_sentences) replace."""

    section: RiskSection
    risk: Risk
    composed: str

    @property
    def field_name(self) -> str:
        return f"sentence-{self.section.key}-{self.risk.ref}"


def risk_sentences(period) -> list[RiskSentence]:
    """Every risk the paper for `period` writes a sentence for, in the paper's order."""
    previous = period.previous()
    p, q = previous.short_label if previous else "the previous quarter", period.short_label
    sections = risk_sections(previous, period)
    return [
        RiskSentence(section, risk, section.composed(risk, p, q, len(sections[section.key])))
        for section in RISK_SECTIONS
        for risk in sections[section.key]
    ]


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

    sections = risk_sections(previous, current)
    p, q = previous.short_label if previous else "the previous quarter", current.short_label
    content = {
        "office": settings.OFFICE_NAME,
        "committee": paper.committee_name,
        "meeting_date": paper.meeting_date.isoformat() if paper.meeting_date else "",
        "agenda_item": paper.agenda_item,
        "title": paper.title,
        "protective_marking": paper.get_protective_marking_display(),  # as printed
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
        "improving": _commitment_table(improving, previous, current, ref="Reference", area="Title"),
        # The risk sections' rows, for the spreadsheets; the paper prints risk_paragraphs.
        "risks": {key: _risk_table(rows, previous, current) for key, rows in sections.items()},
        # Papers published before these keys existed lack them: committee.document reads
        # them with risk_paragraphs(), churn_appendix() and risk_register().
        "risk_paragraphs": {
            section.key: section.paragraphs(
                sections[section.key], (paper.risk_sentences or {}).get(section.key, {}), p, q
            )
            for section in RISK_SECTIONS
        },
        "include_churn_appendix": paper.include_churn_appendix,
        "register": _register_table(previous, current),
        "recommendation": paragraphs(paper.recommendation),
        "contact": {"name": paper.contact_name, "title": paper.contact_title},
    }
    # Control characters typed before the forms refused them, or imported, cannot go
    # into the Word and Excel files: none is kept in the content or its snapshot.
    return xml_safe_all(content)
