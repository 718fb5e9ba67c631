"""Figures: observations made ready for a page, a fact sheet or the API.

A `Figure` is one indicator for one geography and one year, with its source, its status
and two derived values computed here and never stored:

- `share_of_national`: value ÷ the national value of the same indicator and year × 100,
  for additive indicators (counts, amounts); when there is no national value, the share
  the source itself states; for indicators that already are a share of the national
  total, the value itself.
- `change`: (value − previous value) ÷ previous value × 100, against the closest earlier
  year of the same series that has a value (`previous_period` says which).

Both are percentages: Decimal("30.6") means 30.6 %. A figure with no known value has
`value=None` and a status saying why ("gap", "confidential"); it is never zero.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..choices import Aggregation, Segment, Status
from ..models import Geography, Indicator, Observation
from .errors import InvalidQuery, UnknownIndicator
from .geographies import HOME_REGION, geography

INDICATOR_ID = re.compile(r"[a-z0-9_]{1,80}")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Which observation speaks for a year when several sources give one: confirmed figures
# first, then flagged ones, then the seed briefing's own; valueless rows last.
STATUS_PREFERENCE = {
    Status.SOURCED: 0,
    Status.PROVISIONAL: 1,
    Status.ESTIMATE: 2,
    Status.LOW_RELIABILITY: 3,
    Status.SEED: 4,
    Status.CONFIDENTIAL: 5,
    Status.GAP: 6,
}


@dataclass(frozen=True)
class Figure:
    indicator: str
    label: str
    unit: str
    geo: str
    period: int | None
    value: Decimal | None
    status: str
    source_url: str
    source_publisher: str
    retrieved: date | None
    note: str
    share_of_national: Decimal | None
    change: Decimal | None
    # Beyond the core contract: context a reader needs to interpret the number.
    geo_name: str = ""
    level: int | None = None
    flags: str = ""
    qualifier: str = ""
    share_is_stated: bool = False
    previous_period: int | None = None
    source_title: str = ""

    @property
    def is_gap(self) -> bool:
        return self.value is None


def indicators(segment: str | None = None) -> list[Indicator]:
    """Indicator definitions in their reviewed order, optionally of one segment."""
    queryset = Indicator.objects.select_related("default_source")
    if segment:
        if segment not in Segment.values:
            raise InvalidQuery(f"unknown segment: {segment} (known: {', '.join(Segment.values)})")
        queryset = queryset.filter(segment=segment)
    return list(queryset)


def indicator(indicator_id: str) -> Indicator:
    if not INDICATOR_ID.fullmatch(indicator_id or ""):
        raise UnknownIndicator(indicator_id)
    found = Indicator.objects.select_related("default_source").filter(pk=indicator_id).first()
    if found is None:
        raise UnknownIndicator(indicator_id)
    return found


def figure(indicator_id: str, geo: str = HOME_REGION, year: int | None = None) -> Figure:
    """The figure of the latest year up to `year` (any year when None) that has a value.

    Falls back to the latest valueless row (a recorded gap or confidential cell), then to an
    undated observation, then to a gap figure carrying the indicator's default source.
    """
    definition = indicator(indicator_id)
    return figures_for(geography(geo), [definition], year)[0]


def series(indicator_id: str, geo: str) -> list[Figure]:
    """One figure per year (dated ones in order, undated last), gaps included."""
    definition = indicator(indicator_id)
    place = geography(geo)
    own, national = _observations([definition], place)
    by_period = _best_by_period(own[definition.id])
    national_by_period = _best_by_period(national[definition.id])
    periods = sorted(p for p in by_period if p is not None) + ([None] if None in by_period else [])
    return [figure_from(definition, place, by_period[p], by_period, national_by_period) for p in periods]


def figures_for(place: Geography, definitions: list[Indicator], year: int | None = None) -> list[Figure]:
    """Figures of several indicators for one geography in two queries (for tables)."""
    own, national = _observations(definitions, place)
    result = []
    for definition in definitions:
        by_period = _best_by_period(own[definition.id])
        chosen = _pick(by_period, year)
        if chosen is None:
            result.append(gap_figure(definition, place, year))
        else:
            result.append(figure_from(definition, place, chosen, by_period, _best_by_period(national[definition.id])))
    return result


def gap_figure(definition: Indicator, place: Geography, year: int | None = None, note: str = "") -> Figure:
    source = definition.default_source
    return Figure(
        indicator=definition.id,
        label=definition.label,
        unit=definition.unit,
        geo=place.code,
        period=year,
        value=None,
        status=Status.GAP.value,
        source_url=source.url if source else "",
        source_publisher=source.publisher if source else "",
        retrieved=source.retrieved if source else None,
        note=note,
        share_of_national=None,
        change=None,
        geo_name=place.name,
        level=place.level,
        source_title=source.title if source else "",
    )


def plain(value: Decimal | None) -> Decimal | None:
    """A stored decimal without its padding zeros: 355000.000000 -> 355000, 12.50 -> 12.5."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (part / whole * HUNDRED).quantize(CENT)


def relative_change(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if value is None or not previous:
        return None
    return ((value - previous) / previous * HUNDRED).quantize(CENT)


def _observations(definitions: list[Indicator], place: Geography):
    """Observations of these indicators for the place and for its country, grouped by indicator."""
    codes = {place.code, place.country}
    rows = Observation.objects.filter(indicator__in=[d.id for d in definitions], geo_id__in=codes).select_related("source")
    own, national = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.geo_id == place.code:
            own[row.indicator_id].append(row)
        if row.geo_id == place.country and place.level > 0:
            national[row.indicator_id].append(row)
    return own, national


def _rank(row: Observation) -> tuple[int, int]:
    return (row.value is None, STATUS_PREFERENCE.get(row.status, 9))


def _best_by_period(rows: list[Observation]) -> dict[int | None, Observation]:
    best: dict[int | None, Observation] = {}
    for row in rows:
        current = best.get(row.period)
        if current is None or _rank(row) < _rank(current):
            best[row.period] = row
    return best


def _pick(by_period: dict[int | None, Observation], year: int | None) -> Observation | None:
    dated = sorted((p for p in by_period if p is not None and (year is None or p <= year)), reverse=True)
    for period in dated:
        if by_period[period].value is not None:
            return by_period[period]
    if None in by_period and by_period[None].value is not None:
        return by_period[None]
    if dated:
        return by_period[dated[0]]
    return by_period.get(None)


def _previous(by_period: dict[int | None, Observation], period: int | None) -> Observation | None:
    if period is None:
        return None
    earlier = sorted((p for p in by_period if p is not None and p < period), reverse=True)
    return next((by_period[p] for p in earlier if by_period[p].value is not None), None)


def _share(definition: Indicator, row: Observation, national_by_period) -> tuple[Decimal | None, bool]:
    if row.value is None:
        return None, False
    if definition.aggregation == Aggregation.SHARE:
        return plain(row.value), False
    if definition.aggregation == Aggregation.SUM:
        national = national_by_period.get(row.period) if row.period is not None else None
        if national is not None and national.value:
            return percent(row.value, national.value), False
    if row.stated_share is not None:
        return plain(row.stated_share), True
    return None, False


def figure_from(definition: Indicator, place: Geography, row: Observation, by_period=None, national_by_period=None) -> Figure:
    """A figure for one observation; share and change need the series around it."""
    by_period, national_by_period = by_period or {}, national_by_period or {}
    share, stated = _share(definition, row, national_by_period)
    previous = _previous(by_period, row.period) if row.value is not None else None
    change = None
    if previous is not None and definition.aggregation != Aggregation.SHARE:
        change = relative_change(row.value, previous.value)
    return Figure(
        indicator=definition.id,
        label=definition.label,
        unit=definition.unit,
        geo=place.code,
        period=row.period,
        value=plain(row.value),
        status=row.status,
        source_url=row.source.url,
        source_publisher=row.source.publisher,
        retrieved=row.source.retrieved,
        note=row.note,
        share_of_national=share,
        change=change,
        geo_name=place.name,
        level=place.level,
        flags=row.flags,
        qualifier=row.qualifier,
        share_is_stated=stated,
        previous_period=previous.period if previous is not None else None,
        source_title=row.source.title,
    )

