"""A risk's page: its assessments newest first, each with its bands and direction of
travel, the trend chart, the commitments it threatens, its actions and its history."""

from django.db.models import OuterRef, Prefetch, Subquery

from commitments.models import Commitment, ReportingPeriod, StatusUpdate
from risks.charts import trend_chart
from risks.history import risk_history
from risks.models import ARROWS, Action, Assessment, Risk, ScoringMatrix, StatusChange, direction_of_travel


def _latest_approved(field: str) -> Subquery:
    return Subquery(
        StatusUpdate.objects.approved()
        .filter(commitment=OuterRef("pk"))
        .order_by("-period__financial_year", "-period__quarter")
        .values(field)[:1]
    )


def detail_queryset():
    """Risks with everything their page shows loaded, in a fixed number of queries."""
    commitments = (
        Commitment.objects.select_related("plan")
        .annotate(
            latest_rag=_latest_approved("rag"),
            latest_year=_latest_approved("period__financial_year"),
            latest_quarter=_latest_approved("period__quarter"),
        )
        .order_by("ref")
    )
    return Risk.objects.select_related("owner").prefetch_related(
        "policy_areas",
        Prefetch("commitments", queryset=commitments),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("period", "assessed_by").order_by(
                "period__financial_year", "period__quarter"
            ),
        ),
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("pk")),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("period", "changed_by").order_by(
                "-period__financial_year", "-period__quarter", "-date", "-pk"
            ),
        ),
    )


class LinkedCommitment:
    def __init__(self, commitment: Commitment):
        self.commitment = commitment
        self.rag = commitment.latest_rag or ""
        self.period_label = (
            ReportingPeriod(financial_year=commitment.latest_year, quarter=commitment.latest_quarter).label
            if commitment.latest_year
            else ""
        )


def assessment_rows(assessments: list[Assessment], matrix: ScoringMatrix | None) -> list[dict]:
    """One row per assessment, oldest first, with its bands and its direction of travel
    from the quarter before (a first score if that quarter was not assessed)."""
    periods = [a.period for a in assessments]
    scores = {a.period_id: a.current_score for a in assessments}
    rows = []
    for assessment in assessments:
        before = assessment.period.previous(among=periods)
        direction = direction_of_travel(scores.get(before.pk) if before else None, assessment.current_score)
        rows.append(
            {
                "assessment": assessment,
                "inherent_band": matrix.band_for(assessment.inherent_score) if matrix else None,
                "current_band": matrix.band_for(assessment.current_score) if matrix else None,
                "target_band": matrix.band_for(assessment.target_score) if matrix else None,
                "direction": direction,
                "arrow": ARROWS.get(direction, ""),
            }
        )
    return rows


def risk_page(risk: Risk, matrix: ScoringMatrix | None) -> dict:
    """What the page shows of a risk loaded with detail_queryset()."""
    assessments = list(risk.assessments.all())
    rows = assessment_rows(assessments, matrix)
    return {
        "risk": risk,
        "matrix": matrix,
        "rows": list(reversed(rows)),
        "latest": rows[-1] if rows else None,
        "chart": trend_chart(assessments, matrix),
        "linked": [LinkedCommitment(c) for c in risk.commitments.all()],
        "actions": list(risk.actions.all()),
        "status_changes": list(risk.status_changes.all()),
        "history": risk_history(risk),
    }
