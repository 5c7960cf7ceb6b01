"""A KPI's values over time, drawn on the server as SVG (no script, no inline style).

Drawn from plain figures (quarter label, value), so the staff page and the public
snapshot draw the same chart. The target is a dashed line, labelled; the page gives
the same figures in a table and the chart a text equivalent.
"""

import math
from dataclasses import asdict, dataclass
from decimal import Decimal

from kpis.models import number_text
from riskreg.charts import Frame, line_path, round_step, ticks

FRAME = Frame.with_margins(640, 280, left=64, right=96, top=16, bottom=44)


@dataclass
class ChartPoint:
    x: float
    y: float
    text: str
    period: str


@dataclass
class ValueChart(Frame):
    points: list[ChartPoint]
    path: str
    target_y: float | None
    target_text: str
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    summary: str


def value_chart(
    *, name: str, unit: str, better_label: str, target: Decimal | str | None, values: list[tuple[str, Decimal | str]]
) -> ValueChart | None:
    """The chart of `values` [(quarter label, value)], oldest first; None without any."""
    if not values:
        return None
    figures = [float(value) for _, value in values]
    goal = float(target) if target not in (None, "") else None
    high = max([*figures, goal or 0, 0]) or 1
    low = min([*figures, goal or 0, 0])
    step = round_step(high - low)
    top_value, bottom_value = math.ceil(high / step) * step, math.floor(low / step) * step
    y_of = FRAME.y_scale(bottom_value, top_value)
    points = [
        ChartPoint(x, y_of(number), number_text(value), label)
        for x, number, (label, value) in zip(FRAME.xs(len(values)), figures, values, strict=True)
    ]
    y_ticks = [(y_of(tick), number_text(Decimal(str(round(tick, 6))))) for tick in ticks(bottom_value, top_value, step)]
    with_unit = f" {unit}" if unit and unit != "%" else unit
    said = "; ".join(f"{p.period} {p.text}{with_unit}" for p in points)
    target_text = f"Target {number_text(Decimal(str(target)))}{with_unit}" if goal is not None else ""
    summary = f"{name} by quarter: {said}. {target_text + '. ' if target_text else ''}{better_label}."
    return ValueChart(
        **asdict(FRAME),
        points=points,
        path=line_path(points),
        target_y=y_of(goal) if goal is not None else None,
        target_text=target_text,
        x_labels=[(p.x, p.period) for p in points],
        y_ticks=y_ticks,
        summary=summary + " The table gives every figure.",
    )
