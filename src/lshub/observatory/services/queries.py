"""Filters from query strings (web pages, API): parsed once, with messages naming the field."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..models import Observation
from .errors import InvalidQuery, UnknownGeography, UnknownIndicator
from .figures import indicator
from .geographies import geography

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_LIMIT = 1000


def year(text: str | None, field: str = "year") -> int | None:
    """A year from text; empty means any year."""
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text) or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise InvalidQuery(_("%(field)s: %(text)r is not a year (e.g. 2021)") % {"field": field, "text": text[:20]})
    return int(text)


def count(text: str | None, field: str, default: int, maximum: int | None = None) -> int:
    text = (text or "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9 or (maximum is not None and int(text) > maximum):
        bound = _(" (at most %(max)d)") % {"max": maximum} if maximum is not None else ""
        raise InvalidQuery(_("%(field)s: %(text)r is not a whole number%(bound)s") % {"field": field, "text": text[:20], "bound": bound})
    return int(text)


def observations(indicator_id: str | None = None, geo: str | None = None, year_text: str | None = None) -> QuerySet:
    """Observations filtered by indicator, geography and year; unknown values are errors."""
    rows = Observation.objects.select_related("source", "indicator", "geo").order_by("indicator__position", "geo_id", "period")
    if indicator_id:
        try:
            rows = rows.filter(indicator=indicator(indicator_id.strip()))
        except UnknownIndicator as error:
            raise InvalidQuery(f"indicator: {error}") from error
    if geo:
        try:
            rows = rows.filter(geo=geography(geo))
        except UnknownGeography as error:
            raise InvalidQuery(f"geo: {error}") from error
    chosen = year(year_text)
    if chosen is not None:
        rows = rows.filter(period=chosen)
    return rows
