"""The corporate risk register as shown and downloaded: the quarter its scores are as at,
the risks that match its filters, and the rows of the page and of its CSV and XLSX."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet

from commitments.models import ReportingPeriod
from risks.forms import RegisterFilterForm
from risks.models import ARROWS, ILLUSTRATIVE_NOTE, Assessment, Risk, ScoringMatrix, direction_of_travel

# A page at a time, counted in SQL: the whole register at a hundred times the data was
# 4,000 rows and 3.6 MB (benchmarks/); the downloads still carry every row.
REGISTER_PAGE_SIZE = 100

EXPORT_HEADER = [
    "Ref",
    "Title",
    "Kind",
    "Owner",
    "Status",
    "Period",
    "Current score",
    "Band",
    "Previous period",
    "Previous score",
    "Direction of travel",
    "Note",
]


def periods_with_assessments() -> list[ReportingPeriod]:
    """Every quarter, oldest first, each with `assessed`: whether any risk has an assessment in it."""
    return list(
        ReportingPeriod.objects.annotate(assessed=Exists(Assessment.objects.filter(period=OuterRef("pk")))).order_by(
            "financial_year", "quarter"
        )
    )


def default_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The latest quarter with assessments, else the latest started."""
    assessed = [p for p in periods if p.assessed]
    started = [p for p in periods if p.status != ReportingPeriod.Status.UPCOMING]
    return (assessed or started or [None])[-1]


class RegisterRow:
    def __init__(self, risk: Risk, matrix: ScoringMatrix | None):
        self.risk = risk
        self.current_score = risk.current_score
        self.previous_score = risk.previous_score
        self.band = matrix.band_for(risk.current_score) if matrix else None
        self.previous_band = matrix.band_for(risk.previous_score) if matrix else None
        self.direction = direction_of_travel(risk.previous_score, risk.current_score)
        self.arrow = ARROWS.get(self.direction, "")


@dataclass
class Register:
    form: RegisterFilterForm
    risks: QuerySet
    period: ReportingPeriod | None
    previous: ReportingPeriod | None
    matrix: ScoringMatrix | None

    def page(self, number) -> dict:
        """One page of the register, for its template."""
        page = Paginator(self.risks, REGISTER_PAGE_SIZE).get_page(number)
        rows = [RegisterRow(risk, self.matrix) for risk in page.object_list]
        return {
            "form": self.form,
            "page": page,
            "rows": rows,
            "period": self.period,
            "previous": self.previous,
            "matrix": self.matrix,
            "any_illustrative": any(row.risk.scores_illustrative for row in rows),
            "illustrative_note": ILLUSTRATIVE_NOTE,
        }

    def filename(self, extension: str) -> str:
        return f"risk-register-{self.period.slug if self.period else 'unscored'}.{extension}"

    def export_rows(self):
        """Every matching risk, one row each, under EXPORT_HEADER."""
        period, previous = self.period, self.previous
        for risk in self.risks:
            row = RegisterRow(risk, self.matrix)
            yield [
                risk.ref,
                risk.title,
                risk.get_kind_display(),
                str(risk.owner),
                risk.get_status_display(),
                period.label if period else "",
                row.current_score,
                row.band.label if row.band else "",
                previous.label if previous else "",
                row.previous_score,
                row.direction.label if row.direction else "not assessed",
                ILLUSTRATIVE_NOTE if risk.scores_illustrative else "",
            ]


def build_register(query) -> Register:
    """The register filtered by `query` (the page's GET parameters): scores as at the
    quarter asked for, or the default one, against the quarter before."""
    matrix = ScoringMatrix.objects.active()
    periods = [p for p in periods_with_assessments() if p.assessed or p.status != ReportingPeriod.Status.UPCOMING]
    default = default_period(periods)
    form = RegisterFilterForm(
        query or None, periods=periods, matrix=matrix, initial={"period": default.slug if default else ""}
    )
    period = default
    if form.is_bound:
        if not form.is_valid():
            previous = period.previous(among=periods) if period else None
            return Register(form, Risk.objects.none(), period, previous, matrix)
        period = next((p for p in periods if p.slug == form.cleaned_data.get("period")), None) or default
    previous = period.previous(among=periods) if period else None
    risks = Risk.objects.select_related("owner").order_by("ref").with_scores(period, previous)
    if form.is_bound:
        risks = form.filter(risks, period)
    return Register(form, risks, period, previous, matrix)
