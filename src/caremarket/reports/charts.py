"""Charts as SVG text, drawn on the server: bar charts and line charts, no JavaScript.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (the desc
gives the figures in words), so a screen reader reads it as one image; the page puts the
same figures in a table beside it. Colours are the GOV.UK palette's, drawn with enough
contrast against white; text is escaped. Pure: the same figures give the same SVG, byte for
byte, so the dashboard and a committee pack can share it and tests can compare it. Each
chart takes an id, unique on its page, for its title's and desc's ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

BLUE = "#1d70b8"  # GOV.UK blue
INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = 'font-family="arial, helvetica, sans-serif"'


@dataclass(frozen=True)
class Point:
    label: str  # a bar's or a point's label: "Mersey Care", "2026-11-20"
    value: Decimal
    shown: str  # the value as the table shows it: "34%", "1,250"


def bar_chart(title: str, points: Sequence[Point], *, chart_id: str, description: str = "") -> str:
    """Horizontal bars, one per point, labelled on the left and with the value at the end."""
    ident = chart_id
    label_width, bar_width, row, top = 210, 250, 30, 8
    height = top * 2 + row * max(len(points), 1)
    width = label_width + bar_width + 80
    most = max((p.value for p in points), default=Decimal(0))
    parts = [_open(ident, title, description or _described(points), width, height)]
    for i, point in enumerate(points):
        y = top + i * row
        length = 0 if most <= 0 else float(point.value / most) * bar_width
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 20}" text-anchor="end" font-size="16"'
            f' fill="{INK}" {FONT}>{escape(_short(point.label))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}"'
            f' fill="{BLUE}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 20}" font-size="16"'
            f' fill="{INK}" {FONT}>{escape(point.shown)}</text>'
        )
    if not points:
        parts.append(_nothing(width, height))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, points: Sequence[Point], *, chart_id: str, description: str = "") -> str:
    """A line through the points in order, from zero up, with the first and last labelled."""
    ident = chart_id
    width, height, left, right, top, bottom = 560, 260, 56, 24, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max((p.value for p in points), default=Decimal(0))
    scale = most if most > 0 else Decimal(1)
    parts = [_open(ident, title, description or _described(points), width, height)]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"'
        f' stroke="{GRID}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{GRID}"/>'
        f'<text x="{left - 6}" y="{top + 5}" text-anchor="end" font-size="16" fill="{INK}"'
        f" {FONT}>{escape(_figure(most))}</text>"
        f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end" font-size="16"'
        f' fill="{INK}" {FONT}>0</text>'
    )
    xy = []
    for i, point in enumerate(points):
        x = left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)
        y = top + plot_h - float(point.value / scale) * plot_h
        xy.append((x, y))
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for x, y in xy:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>')
    for i in sorted({0, len(points) - 1}) if points else []:
        x, _ = xy[i]
        anchor = "start" if i == 0 and len(points) > 1 else "end" if i else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="{anchor}" font-size="16"'
            f' fill="{INK}" {FONT}>{escape(points[i].label)}: {escape(points[i].shown)}</text>'
        )
    if not points:
        parts.append(_nothing(width, height))
    parts.append("</svg>")
    return "".join(parts)


def _open(ident: str, title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart"'
        f' viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet"'
        f' aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def _described(points: Sequence[Point]) -> str:
    if not points:
        return "No figures for the period."
    return "; ".join(f"{p.label}: {p.shown}" for p in points) + "."


def _nothing(width: int, height: int) -> str:
    return (
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" font-size="16"'
        f' fill="{INK}" {FONT}>No figures for the period</text>'
    )


def _short(label: str, most: int = 24) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _figure(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}" if value == value.to_integral() else f"{value:,.1f}"
