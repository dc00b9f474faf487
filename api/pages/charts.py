"""Charts drawn on the server as SVG: no script, no CDN, nothing fetched.

Each chart is a small function of plain numbers to markup; every label is escaped,
and each bar or point carries a <title> so hovering shows its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 36


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    css: str  # a class from desk.css: s1, s2


def _frame(title: str, body: list[str], legend: Sequence[Series]) -> Markup:
    keys = []
    for n, series in enumerate(legend):
        x = LEFT + n * 170
        keys.append(f'<rect class="{series.css}" x="{x}" y="{HEIGHT - 12}" width="10" '
                    f'height="10"/><text x="{x + 14}" y="{HEIGHT - 3}" class="legend">'
                    f'{escape(series.name)}</text>')
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title>{escape(title)}</title>{"".join(body)}{"".join(keys)}</svg>')


def _axis(labels: Sequence[str], top: float, unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = [f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
           f'y2="{TOP + plot_h}"/>']
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        shown = f"{value:.0f}{unit}"
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{y:.1f}"/><text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{escape(shown)}</text>')
    band = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for n, label in enumerate(labels):
        x = LEFT + band * (n + 0.5)
        out.append(f'<text class="tick" x="{x:.1f}" y="{TOP + plot_h + 14}" '
                   f'text-anchor="middle">{escape(label)}</text>')
    return out


def bars(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped bars, one group per label (a month), one bar per series."""
    plot_h = HEIGHT - TOP - BOTTOM
    highest = max([v or 0 for s in series for v in s.values] + [1])
    top = _nice(highest)
    body = _axis(labels, top, "")
    band = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar_w = band * 0.8 / max(len(series), 1)
    for n, label in enumerate(labels):
        for k, s in enumerate(series):
            value = s.values[n] or 0
            h = plot_h * value / top
            x = LEFT + band * n + band * 0.1 + bar_w * k
            body.append(f'<rect class="{s.css}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
                        f'width="{bar_w:.1f}" height="{h:.1f}"><title>'
                        f'{escape(label)} {escape(s.name)}: {value:g}</title></rect>')
    return _frame(title, body, series)


def lines(title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Percentages (0-100) as lines with points; a month without data leaves a gap."""
    plot_h = HEIGHT - TOP - BOTTOM
    body = _axis(labels, 100, "%")
    band = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for s in series:
        run: list[str] = []
        for n, value in enumerate(list(s.values) + [None]):
            if value is None:
                if len(run) > 1:
                    body.append(f'<polyline class="line {s.css}" points="{" ".join(run)}"/>')
                run = []
                continue
            x = LEFT + band * (n + 0.5)
            y = TOP + plot_h - plot_h * value / 100
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle class="{s.css}" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>'
                        f'{escape(labels[n])} {escape(s.name)}: {value:.1f}%</title></circle>')
    return _frame(title, body, series)


def percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value) * 100


def _nice(value: float) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least `value`."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10
