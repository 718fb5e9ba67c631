"""The fact sheet as an A4 PDF, laid out by WeasyPrint from the same HTML as the web page."""

from __future__ import annotations

from weasyprint import HTML

from .document import FactSheet
from .render_html import render_html


def render_pdf(sheet: FactSheet) -> bytes:
    # No base URL is needed: the document carries its styles and charts inline and
    # fetches nothing, so rendering works offline and cannot reach the network.
    return HTML(string=render_html(sheet)).write_pdf()
