"""The score trend chart, drawn on the server as SVG (no script, no inline style).

Lines differ by dash pattern and marker shape as well as colour, and the page shows
the same figures in a table.
"""

from dataclasses import asdict, dataclass, field

from riskreg.charts import Frame, line_path, ticks
from risks.models import Assessment, ScoringMatrix

FRAME = Frame.with_margins(640, 300, left=48, right=120, top=16, bottom=44)


@dataclass
class Point:
    x: float
    y: float
    value: int
    period: str

    @property
    def square(self) -> tuple[str, str]:
        return f"{self.x - 4:.1f}", f"{self.y - 4:.1f}"

    @property
    def diamond(self) -> str:
        return f"M{self.x:.1f},{self.y - 6:.1f} l6,6 l-6,6 l-6,-6 z"


@dataclass
class Series:
    key: str
    label: str
    colour: str
    dash: str
    stroke_width: int
    marker: str  # circle, square or diamond
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return line_path(self.points)


@dataclass
class Stripe:
    label: str
    colour: str
    x: float
    width: float
    y: float
    height: float
    label_y: float


@dataclass
class TrendChart(Frame):
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    stripes: list[Stripe]
    summary: str


SERIES = [
    ("inherent", "Inherent", "#505a5f", "8 5", 2, "square"),
    ("current", "Current", "#0b0c0c", "", 3, "circle"),
    ("target", "Target", "#1d70b8", "2 4", 2, "diamond"),
]


def trend_chart(assessments: list[Assessment], matrix: ScoringMatrix | None) -> TrendChart | None:
    """The chart for a risk's assessments in quarter order; None without any."""
    if not assessments:
        return None
    top_score = max(
        [matrix.max_score if matrix else 0]
        + [s for a in assessments for s in (a.inherent_score, a.current_score, a.target_score) if s is not None]
    )
    scale = FRAME.y_scale(0, top_score)

    def y_of(score: float) -> float:
        # A band can reach past the highest score: its stripe stops at the plot's edge.
        return scale(min(max(score, 0), top_score))

    xs = FRAME.xs(len(assessments))
    series = []
    for key, label, colour, dash, width, marker in SERIES:
        line = Series(key, label, colour, dash, width, marker)
        for x, assessment in zip(xs, assessments, strict=True):
            score = getattr(assessment, f"{key}_score")
            if score is not None:
                line.points.append(Point(x, y_of(score), score, assessment.period.label))
        if line.points:
            series.append(line)
    stripes = []
    for band in matrix.sorted_bands if matrix else []:
        low, high = y_of(band.min_score - 1), y_of(band.max_score)
        if low > high:
            stripes.append(
                Stripe(band.label, band.colour, FRAME.left, FRAME.plot_width, high, low - high, (low + high) / 2 + 4)
            )
    step = 5 if top_score > 12 else 2
    current = next((s for s in series if s.key == "current"), None)
    figures = "; ".join(f"{p.period} {p.value}" for p in (current.points if current else []))
    summary = f"Current score by quarter: {figures}"
    return TrendChart(
        **asdict(FRAME),
        series=series,
        x_labels=[(x, a.period.label) for x, a in zip(xs, assessments, strict=True)],
        y_ticks=[(y_of(v), v) for v in ticks(0, top_score, step)],
        stripes=stripes,
        summary=summary + ". The table below gives every figure.",
    )
