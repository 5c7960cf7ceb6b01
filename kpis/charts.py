"""A KPI's values over time, drawn on the server as SVG (no script, no inline style).

Drawn from plain figures (quarter label, value), so the staff page and the public
snapshot draw the same chart. The target is a dashed line, labelled; the page gives
the same figures in a table and the chart a text equivalent.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from kpis.models import number_text

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 96, 16, 44


@dataclass
class ChartPoint:
    x: float
    y: float
    text: str
    period: str


@dataclass
class ValueChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    points: list[ChartPoint]
    path: str
    target_y: float | None
    target_text: str
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    summary: str


def _step(top: float) -> float:
    """A round step giving about five gridlines up to `top`: 1, 2 or 5 times a power of ten."""
    rough = top / 5
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


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
    step = _step(high - low)
    top_value, bottom_value = math.ceil(high / step) * step, math.floor(low / step) * step
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_width, plot_height = plot_right - LEFT, plot_bottom - TOP

    def y_of(number: float) -> float:
        return plot_bottom - plot_height * (number - bottom_value) / (top_value - bottom_value)

    count = len(values)
    xs = [LEFT + plot_width / 2] if count == 1 else [LEFT + plot_width * i / (count - 1) for i in range(count)]
    points = [
        ChartPoint(x, y_of(number), number_text(value), label)
        for x, number, (label, value) in zip(xs, figures, values, strict=True)
    ]
    ticks, tick = [], bottom_value
    while tick <= top_value + step / 2:
        ticks.append((y_of(tick), number_text(Decimal(str(round(tick, 6))))))
        tick += step
    with_unit = f" {unit}" if unit and unit != "%" else unit
    said = "; ".join(f"{p.period} {p.text}{with_unit}" for p in points)
    target_text = f"Target {number_text(Decimal(str(target)))}{with_unit}" if goal is not None else ""
    summary = f"{name} by quarter: {said}. {target_text + '. ' if target_text else ''}{better_label}."
    return ValueChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        points=points,
        path=" ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points)),
        target_y=y_of(goal) if goal is not None else None,
        target_text=target_text,
        x_labels=[(p.x, p.period) for p in points],
        y_ticks=ticks,
        summary=summary + " The table gives every figure.",
    )
