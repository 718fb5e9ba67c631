"""The fact sheet as one standalone, printable HTML file (its CSS and charts inline)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from .document import FactSheet

DOCUMENT_TEMPLATE = "reports/factsheet_document.html"
ARTICLE_TEMPLATE = "reports/_factsheet.html"


def css_string(text: str) -> SafeString:
    """A CSS string literal (for the running page header), safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return SafeString(f'"{escaped}"')


def render_html(sheet: FactSheet) -> str:
    with translation.override(sheet.lang):
        return render_to_string(DOCUMENT_TEMPLATE, {"sheet": sheet, "running_title": css_string(sheet.title)})


def render_article(sheet: FactSheet) -> SafeString:
    """The sheet alone, in its own language, for a page whose interface may speak another."""
    with translation.override(sheet.lang):
        return render_to_string(ARTICLE_TEMPLATE, {"sheet": sheet, "on_site": True})
