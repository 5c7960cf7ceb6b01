"""What the site's charts over quarters share (a risk's score trend, risks/charts.py; a KPI's
values, kpis/charts.py), drawn on the server as SVG: the plot inside its margins, the
quarters spaced along the bottom, a linear scale up the side with its gridlines, and the
line through the points. Their axes are drawn by templates/includes/chart_axes.html.
"""

import math
from dataclasses import dataclass


@dataclass
class Frame:
    """The chart's size and its plot's edges; the axes' labels go in the margins."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float

    @classmethod
    def with_margins(cls, width: int, height: int, *, left: int, right: int, top: int, bottom: int) -> "Frame":
        return cls(width=width, height=height, left=left, right=width - right, top=top, bottom=height - bottom)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    def xs(self, count: int) -> list[float]:
        """Where `count` quarters go: the first and last at the plot's edges, one alone in its middle."""
        if count == 1:
            return [self.left + self.plot_width / 2]
        return [self.left + self.plot_width * i / (count - 1) for i in range(count)]

    def y_scale(self, low: float, high: float):
        """y of a figure on a scale from `low` (the plot's bottom) to `high` (its top)."""

        def y_of(figure: float) -> float:
            return self.bottom - self.plot_height * (figure - low) / (high - low)

        return y_of


def round_step(span: float) -> float:
    """A round step giving about five gridlines over `span`: 1, 2 or 5 times a power of ten."""
    rough = span / 5
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def ticks(low: float, high: float, step: float) -> list[float]:
    """The gridlines' figures from `low` up to `high` (at most) every `step`."""
    figures, figure = [], low
    # Added up, as a float step is, the last can fall a hair past `high`.
    while figure <= high + step * 1e-9:
        figures.append(figure)
        figure += step
    return figures


def line_path(points) -> str:
    """The SVG path through `points` (with x and y) in order."""
    return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))
