"""Server-side SVG charts: geometry computed here, drawn by templates/scp/dashboard/_chart_*.html.

SVG needs no script and no inline style, so it works under the strict CSP; colours come from CSS classes
that follow the theme, and each chart carries its numbers as a table for screen readers and exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
LEFT = 48
BOTTOM = 28
TOP = 12
BAR_HEIGHT = 24


@dataclass(frozen=True)
class Line:
    """One series: its name, CSS class and SVG polyline points."""

    name: str
    css: str
    points: str
    dots: list[tuple[str, str, str]]  # x, y and the value shown on hover


@dataclass(frozen=True)
class LineChart:
    """A line chart over days, with the largest value and the first and last labels for the axes."""

    lines: list[Line]
    top: float
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_bottom: int = HEIGHT - BOTTOM


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]]) -> LineChart:
    """Scale ``series`` of (name, css class, values per label) to the chart; a missing value breaks no line."""
    values = [v for _name, _css, data in series for v in data if v is not None]
    top = max(values, default=0.0) or 1.0
    span = max(len(labels) - 1, 1)
    height = HEIGHT - BOTTOM - TOP
    lines = []
    for name, css, data in series:
        dots = [
            (
                f"{LEFT + (WIDTH - LEFT - 8) * i / span:.1f}",
                f"{TOP + height * (1 - v / top):.1f}",
                f"{labels[i]}: {v:g}",
            )
            for i, v in enumerate(data)
            if v is not None
        ]
        lines.append(Line(name, css, " ".join(f"{x},{y}" for x, y, _text in dots), dots))
    return LineChart(lines, top, labels[0] if labels else "", labels[-1] if labels else "")


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart: its label, value, and length in SVG units."""

    label: str
    value: int
    length: float
    y: int


def bar_chart(rows: Sequence[tuple[str, int]], *, width: int = 380, row_height: int = BAR_HEIGHT) -> list[Bar]:
    """Horizontal bars for (label, value) rows, the longest one ``width`` long."""
    top = max((value for _label, value in rows), default=0) or 1
    return [Bar(label, value, round(width * value / top, 1), i * row_height) for i, (label, value) in enumerate(rows)]
