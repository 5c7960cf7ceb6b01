"""A policy area's statuses as a bar chart, drawn on the server as SVG (no script, no
inline style), from the figures of its table: the page and the PDF draw the same chart,
which has a text equivalent and the table beside it.

Bars differ by their label and the count written at their end as well as by colour.
"""

from dataclasses import dataclass

WIDTH = 480
BAR_HEIGHT, GAP, TOP = 24, 10, 8
LABEL_WIDTH, COUNT_WIDTH = 120, 40

# By the status's word (the table's first column); the RAG colours of the register's tags.
COLOURS = {
    "Red": "#d4351c",
    "Amber": "#f47738",
    "Green": "#00703c",
    "Not assessed": "#505a5f",
    "Withheld": "#b1b4b6",
}


@dataclass
class Bar:
    label: str
    count: int
    colour: str
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT / 2 + 5

    @property
    def count_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass
class StatusChart:
    width: int
    height: int
    left: int
    bars: list[Bar]
    summary: str


def status_chart(rows: list[list[str]], *, caption: str) -> StatusChart:
    """The chart of a status table's rows [[status, count]]: one bar a status."""
    counts = [int(count) for _, count in rows]
    most = max(counts, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    bars = [
        Bar(label, count, COLOURS.get(label, "#0b0c0c"), TOP + i * (BAR_HEIGHT + GAP), plot * count / most)
        for i, (label, count) in enumerate(zip((r[0] for r in rows), counts, strict=True))
    ]
    said = ", ".join(f"{bar.label} {bar.count}" for bar in bars)
    return StatusChart(
        width=WIDTH,
        height=TOP * 2 + len(bars) * (BAR_HEIGHT + GAP) - GAP,
        left=LABEL_WIDTH,
        bars=bars,
        summary=f"{caption}: {said}. The table beside the chart gives the same figures.",
    )
