"""Static SVG bar charts drawn in Python: no script, so they print and embed in the PDF.

Each chart is drawn from the sheet's own items, so a bar always shows the number (and the
source note) printed next to it in the table.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from html import escape

from .document import Chart, Item
from .numbers import number, percent

WIDTH = 680
LABEL_WIDTH = 300  # the label column; bars start after it
VALUE_ROOM = 70  # room right of the longest bar for its value
LINE_HEIGHT = 14
BAR_HEIGHT = 14
ROW_GAP = 10
TOP = 8
AXIS_ROOM = 22
CHARS_PER_LINE = 44  # label wrapping, at the chart's 11px font
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
BAR_COLOUR = "#1f5f8b"
GRID_COLOUR = "#c9d3dc"


def _label_lines(text: str) -> list[str]:
    lines = textwrap.wrap(text, CHARS_PER_LINE) or [""]
    if len(lines) > 2:  # two lines at most; the table beside the chart has the full label
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), CHARS_PER_LINE, placeholder="…")]
    return lines


def _row_height(lines: list[str]) -> int:
    return max(BAR_HEIGHT, LINE_HEIGHT * len(lines)) + ROW_GAP


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _bars(rows: list[tuple[str, Decimal, str]], maximum: Decimal, grid: list[tuple[Decimal, str]]) -> tuple[int, list[str]]:
    """Rows of (label, value, value text) as horizontal bars on a 0..maximum scale."""
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    wrapped = [(_label_lines(label), value, text) for label, value, text in rows]
    height = TOP + sum(_row_height(lines) for lines, _v, _t in wrapped) + AXIS_ROOM
    body = []
    for mark, mark_text in grid:
        x = LABEL_WIDTH + float(mark / maximum) * span
        body.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{height - AXIS_ROOM + 4}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#555">{escape(mark_text)}</text>')
    y = TOP
    for lines, value, text in wrapped:
        row = _row_height(lines)
        centre = y + (row - ROW_GAP) / 2
        first = centre - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
        for index, line in enumerate(lines):
            body.append(
                f'<text x="{LABEL_WIDTH - 8}" y="{first + index * LINE_HEIGHT:.1f}" text-anchor="end" fill="#222">{escape(line)}</text>'
            )
        length = float(value / maximum) * span if maximum else 0
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{centre - BAR_HEIGHT / 2:.1f}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
        )
        body.append(f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{centre + 4:.1f}" fill="#222">{escape(text)}</text>')
        y += row
    return height, body


def irccs_by_area_chart(items: list[Item], title: str, caption: str) -> Chart:
    """IRCCS per area: one bar per area, the count and its source note at the end of the bar."""
    rows = [(item.label, item.value, f"{number(item.value)} [{item.footnote}]") for item in items]
    maximum = max(value for _l, value, _t in rows)
    step = max(1, int(maximum) // 4 or 1)
    grid = [(Decimal(n), number(Decimal(n))) for n in range(0, int(maximum) + 1, step)]
    height, body = _bars(rows, maximum, grid)
    return Chart("irccs_by_area", title, _svg(height, title, body), caption, sorted({i.footnote for i in items}))


def share_chart(items: list[Item], title: str) -> Chart:
    """The region's share of the national total for each figure that has one, largest first."""
    ordered = sorted(items, key=lambda item: item.share_of_national, reverse=True)
    rows = []
    for item in ordered:
        label = f"{item.label} ({item.period})" if item.period else item.label
        rows.append((label, item.share_of_national, f"{percent(item.share_of_national)} [{item.footnote}]"))
    grid = [(Decimal(n), f"{n}%") for n in (0, 25, 50, 75, 100)]
    height, body = _bars(rows, Decimal(100), grid)
    caption = title
    return Chart("share_of_national", title, _svg(height, title, body), caption, sorted({i.footnote for i in items}))
