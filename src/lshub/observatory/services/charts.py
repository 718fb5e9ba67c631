"""Time-series charts as static inline SVG, drawn on the server (no JavaScript).

Years with a value are points joined by a line; a year recorded without a value (a gap or
a confidential cell) breaks the line and is marked on the axis, so it is never read as 0.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..choices import VALUELESS, Status
from ..units import unit_label
from .figures import Figure

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high == low:
        high = low + (abs(low) or 1)
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _label(value: float) -> str:
    as_decimal = Decimal(str(value)).normalize()
    places = max(0, -as_decimal.as_tuple().exponent)
    return number_format(as_decimal, decimal_pos=places, use_l10n=True, force_grouping=True)


def series_svg(series: list[Figure], title: str) -> SafeString:
    """A line chart of one series; an empty string when no year is dated."""
    dated = [f for f in series if f.period is not None]
    if not dated:
        return mark_safe("")
    years = [f.period for f in dated]
    values = [float(f.value) for f in dated if f.value is not None]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values) if values else 1.0)
    first, last = min(years), max(years)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + (plot_w / 2 if first == last else (year - first) / (last - first) * plot_w)

    def y(value: float) -> float:
        return TOP + plot_h - (value - ticks[0]) / (ticks[-1] - ticks[0]) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="obs-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title"><title id="chart-title">{escape(title)}</title>'
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{escape(_label(tick))}</text>'
        )
    for year in _year_labels(years):
        parts.append(f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">{year}</text>')
    parts.extend(_line(dated, x, y))
    for shown in dated:
        if shown.value is None:
            label = _gap_label(shown.status)
            parts.append(
                f'<g class="gap"><circle cx="{x(shown.period):.1f}" cy="{TOP + plot_h:.1f}" r="5" fill="#fff" stroke="#b00" '
                f'stroke-dasharray="2 2"/><text x="{x(shown.period):.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
                f'font-size="10" fill="#b00">{escape(label)}</text></g>'
            )
        else:
            parts.append(
                f'<circle cx="{x(shown.period):.1f}" cy="{y(float(shown.value)):.1f}" r="4" fill="#1f5f8b">'
                f"<title>{shown.period}: {escape(_label(float(shown.value)))} {escape(unit_label(shown.unit))}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _gap_label(status: str) -> str:
    """The words the rest of the site uses for a year without a value: its status's label
    (confidential, data gap); any other valueless figure is a data gap."""
    return str(Status(status).label if status in VALUELESS else Status.GAP.label)


def _year_labels(years: list[int]) -> list[int]:
    """At most about ten year labels, always the first and the last."""
    ordered = sorted(set(years))
    step = max(1, math.ceil(len(ordered) / 10))
    chosen = ordered[::step]
    if ordered[-1] not in chosen:
        chosen.append(ordered[-1])
    return chosen


def _line(dated: list[Figure], x, y) -> list[str]:
    """Polylines through consecutive years with values; a valueless year breaks the line."""
    runs, current = [], []
    for shown in sorted(dated, key=lambda f: f.period):
        if shown.value is None:
            runs.append(current)
            current = []
        else:
            current.append(f"{x(shown.period):.1f},{y(float(shown.value)):.1f}")
    runs.append(current)
    return [f'<polyline points="{" ".join(run)}" fill="none" stroke="#1f5f8b" stroke-width="2"/>' for run in runs if len(run) > 1]
