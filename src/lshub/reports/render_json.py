"""The fact sheet as JSON: every figure with its value, unit, period, source and status."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from .document import FactSheet, Footnote, Item
from .numbers import plain


def _number(value: Decimal | None) -> int | float | None:
    """JSON numbers: whole values as integers, others as decimals (never a string)."""
    if value is None:
        return None
    shown = plain(value)
    return shown if isinstance(shown, int) else float(shown)


def _source(note: Footnote) -> dict:
    return {
        "footnote": note.number,
        "publisher": note.publisher,
        "url": note.url,
        "retrieved": note.retrieved.isoformat() if note.retrieved else None,
        "status": note.status,
        "note": note.note,
        "records": [asdict(record) for record in note.records],
    }


def _figure(sheet: FactSheet, section: str, item: Item, table: str | None = None) -> dict:
    return {
        "section": section,
        "table": table,
        "key": item.key,
        "label": item.label,
        "geo": item.geo,
        "value": _number(item.value),
        "is_gap": item.is_gap,
        "display": item.display,
        "unit": item.unit,
        "qualifier": item.qualifier,
        "period": item.period,
        "status": item.status,
        "share_of_national": _number(item.share_of_national),
        "change": _number(item.change),
        "previous_period": item.previous_period,
        "unconfirmed_value": _number(item.unconfirmed_value),
        "per_inhabitant": _per_inhabitant(sheet, item),
        "source": _source(sheet.footnote(item.footnote)),
    }


def _per_inhabitant(sheet: FactSheet, item: Item) -> dict | None:
    """The value per inhabitant and the population figure (year, source) it was divided by."""
    if item.per_inhabitant is None or item.population_footnote is None:
        return None
    return {
        "value": _number(item.per_inhabitant),
        "unit": item.per_inhabitant_unit,
        "population_period": item.population_period,
        "population_source": _source(sheet.footnote(item.population_footnote)),
    }


def as_data(sheet: FactSheet) -> dict:
    figures = []
    for section in sheet.sections:
        figures += [_figure(sheet, section.key, item) for item in section.items]
        for table in section.tables:
            figures += [_figure(sheet, section.key, item, table.key) for item in table.items]
    return {
        "region": sheet.region,
        "region_name": sheet.region_name,
        "lang": sheet.lang,
        "year": sheet.year,
        "generated_on": sheet.generated_on.isoformat(),
        "title": sheet.title,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "intro": section.intro,
                "points": section.points,
                "entries": [asdict(entry) for entry in section.entries],
                "charts": [chart.key for chart in section.charts],
            }
            for section in sheet.sections
        ],
        "figures": figures,
        "footnotes": [_source(note) for note in sheet.footnotes],
    }


def _default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def render_json(sheet: FactSheet) -> str:
    return json.dumps(as_data(sheet), ensure_ascii=False, indent=2, default=_default)
