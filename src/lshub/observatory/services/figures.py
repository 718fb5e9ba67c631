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

Additive figures also get `per_inhabitant`: value ÷ the geography's population (the
`population` indicator) of the same year or the latest earlier one, in EUR per inhabitant
for money and per 100,000 inhabitants for counts. The `denominator` says which population
figure was used: its year, value and source. Without one, `per_inhabitant` is None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ..choices import Aggregation, Segment, Status
from ..models import Geography, Indicator, Observation
from ..units import per_100k_label, unit_label
from .errors import InvalidQuery, UnknownIndicator
from .geographies import HOME_REGION, geography

INDICATOR_ID = re.compile(r"[a-z0-9_]{1,80}")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
POPULATION = "population"
MONEY_SCALE = {"EUR": Decimal(1), "EUR mn": Decimal(10) ** 6, "EUR bn": Decimal(10) ** 9}
PER_100K = Decimal(100_000)

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
class Denominator:
    """The population figure a per-inhabitant value was divided by, with its source."""

    geo: str
    period: int
    value: Decimal
    status: str
    source_url: str
    source_publisher: str
    retrieved: date | None = None
    qualifier: str = ""
    note: str = ""


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
    # Additive figures only: value per inhabitant, and the population it was divided by.
    per_inhabitant: Decimal | None = None
    per_inhabitant_unit: str = ""
    denominator: Denominator | None = None

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

    Falls back to an undated observation with a value, then to the latest valueless row (a
    recorded gap or confidential cell), then to an undated valueless one, then to a gap figure
    carrying the indicator's default source.
    """
    definition = indicator(indicator_id)
    return figures_for(geography(geo), [definition], year)[0]


def indicators_by_id(ids) -> dict[str, Indicator]:
    """The definitions of these indicator ids, in one query; an id not defined is left out."""
    wanted = [i for i in set(ids) if INDICATOR_ID.fullmatch(i or "")]
    return {d.id: d for d in Indicator.objects.select_related("default_source").filter(pk__in=wanted)}


def series(indicator_id: str, geo: str) -> list[Figure]:
    """One figure per year (dated ones in order, undated last), gaps included."""
    definition = indicator(indicator_id)
    return series_for(geography(geo), [definition])[definition.id]


def series_for(place: Geography, definitions: list[Indicator]) -> dict[str, list[Figure]]:
    """The series of several indicators for one geography (see series), their observations read
    in one query: indicator id -> figures."""
    own, national = _observations(definitions, place)
    people = _best_by_period(own[POPULATION])
    found = {}
    for definition in definitions:
        by_period = _best_by_period(own[definition.id])
        national_by_period = _best_by_period(national[definition.id])
        periods = sorted(p for p in by_period if p is not None) + ([None] if None in by_period else [])
        found[definition.id] = [figure_from(definition, place, by_period[p], by_period, national_by_period, people) for p in periods]
    return found


def figures_for(place: Geography, definitions: list[Indicator], year: int | None = None) -> list[Figure]:
    """Figures of several indicators for one geography, their observations read in one query (for tables)."""
    own, national = _observations(definitions, place)
    people = _best_by_period(own[POPULATION])
    result = []
    for definition in definitions:
        by_period = _best_by_period(own[definition.id])
        chosen = _pick(by_period, year)
        if chosen is None:
            result.append(gap_figure(definition, place, year))
        else:
            national_by_period = _best_by_period(national[definition.id])
            result.append(figure_from(definition, place, chosen, by_period, national_by_period, people))
    return result


def gap_figure(definition: Indicator, place: Geography, year: int | None = None) -> Figure:
    """A figure nobody recorded: no value, status gap, the indicator's default source."""
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
        note="",
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
    """Observations of these indicators (and the population) for the place and its country, by indicator."""
    codes = {place.code, place.country}
    wanted = [d.id for d in definitions] + [POPULATION]
    rows = Observation.objects.filter(indicator__in=wanted, geo_id__in=codes).select_related("source", "indicator")
    own, national = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.geo_id == place.code:
            own[row.indicator_id].append(row)
        if row.geo_id == place.country and place.level > 0:
            national[row.indicator_id].append(row)
    return own, national


def preference(row: Observation) -> tuple[bool, int, bool, int]:
    """Sort key of the observations of one year; the lowest speaks for the year.

    Valued before valueless, then by status; between two equally good figures (the same
    population from Istat and from Eurostat), the indicator's own default source, then the
    first one stored, so the choice never depends on the order the database returns rows in.
    """
    own_source = row.source_id == row.indicator.default_source_id
    return (row.value is None, STATUS_PREFERENCE.get(row.status, 9), not own_source, row.pk or 0)


def _best_by_period(rows: list[Observation]) -> dict[int | None, Observation]:
    best: dict[int | None, Observation] = {}
    for row in rows:
        current = best.get(row.period)
        if current is None or preference(row) < preference(current):
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
    if definition.is_additive:
        national = national_by_period.get(row.period) if row.period is not None else None
        if national is not None and national.value:
            return percent(row.value, national.value), False
    if row.stated_share is not None:
        return plain(row.stated_share), True
    return None, False


def latest_population(people: dict[int | None, Observation], year: int | None) -> Observation | None:
    """The population of the same year or the latest earlier one that has a value (never a gap)."""
    if year is None:
        return None
    years = [p for p, row in people.items() if p is not None and p <= year and row.value]
    return people[max(years)] if years else None


def per_inhabitant(definition: Indicator, value: Decimal | None, population: Decimal | None) -> Decimal | None:
    """EUR per inhabitant for money, per 100,000 inhabitants for counts; None without a population."""
    if value is None or not population:
        return None
    scale = MONEY_SCALE.get(definition.unit, PER_100K)
    return (value * scale / population).quantize(CENT)


def per_inhabitant_unit(definition: Indicator) -> str:
    if definition.unit in MONEY_SCALE:
        return unit_label("EUR per inhabitant")
    return per_100k_label(definition.unit)


def denominator_from(row: Observation) -> Denominator:
    return Denominator(
        geo=row.geo_id, period=row.period, value=plain(row.value), status=row.status, source_url=row.source.url,
        source_publisher=row.source.publisher, retrieved=row.source.retrieved, qualifier=row.qualifier, note=row.note,
    )  # fmt: skip


def _per_inhabitant(definition: Indicator, row: Observation, people) -> tuple[Decimal | None, str, Denominator | None]:
    """Only additive values are divided by the population; ratios and shares already are comparable."""
    if not definition.is_additive or definition.id == POPULATION or row.value is None:
        return None, "", None
    population = latest_population(people, row.period)
    if population is None:
        return None, "", None
    return per_inhabitant(definition, row.value, population.value), per_inhabitant_unit(definition), denominator_from(population)


def figure_from(definition: Indicator, place: Geography, row: Observation, by_period=None, national_by_period=None,
                people=None) -> Figure:  # fmt: skip
    """A figure for one observation; share, change and per-inhabitant value need the series around it."""
    by_period, national_by_period = by_period or {}, national_by_period or {}
    share, stated = _share(definition, row, national_by_period)
    previous = _previous(by_period, row.period) if row.value is not None else None
    change = None
    if previous is not None and definition.aggregation != Aggregation.SHARE:
        change = relative_change(row.value, previous.value)
    per_head, per_head_unit, denominator = _per_inhabitant(definition, row, people or {})
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
        per_inhabitant=per_head,
        per_inhabitant_unit=per_head_unit,
        denominator=denominator,
    )

