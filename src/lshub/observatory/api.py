"""/api/indicators, /api/observations, /api/figures: the observatory's read-only API.

A router for the project's NinjaAPI. Parameters are read as text and checked by the
services, so a malformed value gets a 400 with {"detail", "field"} and never a 500.
"""

from __future__ import annotations

import re
from datetime import date

from ninja import Field, Router, Schema, Status

from lshub.api.common import reject_unknown_parameters
from lshub.api.errors import BadRequest
from lshub.api.schemas import Error

from .models import Indicator, Observation
from .services import figures, queries
from .services.errors import InvalidQuery, ObservatoryError, UnknownIndicator
from .services.geographies import HOME_REGION, geography

FIELD = re.compile(r"^(\w+): ")


class SourceOut(Schema):
    url: str
    publisher: str
    title: str = ""
    retrieved: date | None = None


class EurostatOut(Schema):
    dataset: str
    series: dict[str, str]


class IndicatorOut(Schema):
    id: str
    label: str = Field(description="in the requested language")
    label_en: str
    label_it: str
    unit: str
    segment: str
    aggregation: str = Field(description="sum (additive), ratio, or share (already a % of the national total)")
    direction: str = Field(description="higher, lower or neutral: which values rank first")
    scope_codes: list[str] = Field(description="ATECO codes of the perimeter")
    scope_edition: str
    definition: str
    rationale: str
    default_source: SourceOut | None = None
    eurostat: EurostatOut | None = None


class ObservationOut(Schema):
    indicator: str
    geo: str
    period: int | None = Field(description="year; null when the source is undated")
    value: float | None = Field(description="null for a gap or a confidential cell, never 0")
    status: str
    flags: str = Field(description="the source's own flags, e.g. Eurostat p, e, b, c")
    qualifier: str = Field(description="at_least, about, at_most, or empty when the number is as stated")
    stated_share: float | None = Field(description="share of the national total stated by the source (%)")
    note: str
    source: SourceOut


class ObservationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ObservationOut]


class FigureOut(Schema):
    indicator: str
    label: str
    unit: str
    geo: str
    period: int | None
    value: float | None
    status: str
    qualifier: str
    share_of_national: float | None = Field(description="% of the national total: computed, or as stated by the source")
    share_is_stated: bool
    change: float | None = Field(description="% change against previous_period")
    previous_period: int | None
    note: str
    source: SourceOut


def _error(error: Exception, default_field: str = "") -> Status:
    message = str(error)
    match = FIELD.match(message)
    return Status(400, {"detail": message, "field": match.group(1) if match else default_field or None})


def _unknown_parameters(request, known: set[str]) -> Status | None:
    """The project's check for misspelt parameters, answered here so the router also works
    on an API without the project's error handlers."""
    try:
        reject_unknown_parameters(request, known)
    except BadRequest as refused:
        return Status(400, {"detail": refused.detail, "field": refused.field})
    return None


def _source(source) -> dict | None:
    if source is None:
        return None
    return {"url": source.url, "publisher": source.publisher, "title": source.title, "retrieved": source.retrieved}


def _number(value) -> float | None:
    return None if value is None else float(value)


def indicator_out(definition: Indicator) -> dict:
    return {
        "id": definition.id,
        "label": definition.label,
        "label_en": definition.label_en,
        "label_it": definition.label_it,
        "unit": definition.unit,
        "segment": definition.segment,
        "aggregation": definition.aggregation,
        "direction": definition.direction,
        "scope_codes": definition.scope_code_list,
        "scope_edition": definition.scope_edition,
        "definition": definition.definition,
        "rationale": definition.rationale,
        "default_source": _source(definition.default_source),
        "eurostat": {"dataset": definition.eurostat_dataset, "series": definition.eurostat_series}
        if definition.eurostat_dataset
        else None,
    }


def observation_out(row: Observation) -> dict:
    return {
        "indicator": row.indicator_id,
        "geo": row.geo_id,
        "period": row.period,
        "value": _number(row.value),
        "status": row.status,
        "flags": row.flags,
        "qualifier": row.qualifier,
        "stated_share": _number(row.stated_share),
        "note": row.note,
        "source": _source(row.source),
    }


def build_router() -> Router:
    """A fresh router (a router can be mounted on one API only; tests build their own)."""
    router = Router(tags=["observatory"])

    @router.get("/indicators", response={200: list[IndicatorOut], 400: Error, 422: Error}, summary="Indicator definitions")
    def list_indicators(request):
        """Indicator definitions in their reviewed order. Filter: `segment`."""
        if refused := _unknown_parameters(request, {"segment"}):
            return refused
        try:
            return [indicator_out(d) for d in figures.indicators(request.GET.get("segment") or None)]
        except ObservatoryError as error:
            return _error(error, "segment")

    @router.get("/indicators/{indicator_id}", response={200: IndicatorOut, 404: Error, 422: Error}, summary="One indicator")
    def get_indicator(request, indicator_id: str):
        try:
            return indicator_out(figures.indicator(indicator_id))
        except UnknownIndicator as error:
            return Status(404, {"detail": str(error), "field": "indicator_id"})

    @router.get("/observations", response={200: ObservationPage, 400: Error, 422: Error}, summary="Observations")
    def list_observations(request):
        """Observations as stored, with their source and status. Filters: `indicator`, `geo`,
        `year`; pages with `limit` (at most 1000) and `offset`."""
        if refused := _unknown_parameters(request, {"indicator", "geo", "year", "limit", "offset"}):
            return refused
        params = request.GET
        try:
            rows = queries.observations(params.get("indicator"), params.get("geo"), params.get("year"))
            limit = queries.count(params.get("limit"), "limit", 100, queries.MAX_LIMIT)
            offset = queries.count(params.get("offset"), "offset", 0)
        except ObservatoryError as error:
            return _error(error)
        return {
            "count": rows.count(),
            "limit": limit,
            "offset": offset,
            "results": [observation_out(r) for r in rows[offset : offset + limit]],
        }

    @router.get("/figures", response={200: list[FigureOut], 400: Error, 422: Error}, summary="Figures with derived values")
    def list_figures(request):
        """The latest figure of each indicator for a region (`geo`, default ITC4) up to `year`,
        with its share of the national total and its change; `segment` filters."""
        if refused := _unknown_parameters(request, {"geo", "year", "segment"}):
            return refused
        params = request.GET
        try:
            place = geography(params.get("geo") or HOME_REGION)
            chosen = queries.year(params.get("year"))
            shown = figures.figures_for(place, figures.indicators(params.get("segment") or None), chosen)
        except InvalidQuery as error:
            return _error(error, "segment")
        except ObservatoryError as error:
            return _error(error, "geo")
        return [_figure_out(f) for f in shown]

    return router


def _figure_out(shown: figures.Figure) -> dict:
    return {
        **{name: getattr(shown, name) for name in ("indicator", "label", "unit", "geo", "period", "status", "qualifier",
                                                     "share_is_stated", "previous_period", "note")},  # fmt: skip
        "value": _number(shown.value),
        "share_of_national": _number(shown.share_of_national),
        "change": _number(shown.change),
        "source": {"url": shown.source_url, "publisher": shown.source_publisher, "title": shown.source_title,
                   "retrieved": shown.retrieved},  # fmt: skip
    }


router = build_router()
