"""Benchmarks: the home region against a peer set, on comparable terms.

Regions differ in size and NUTS level (Baden-Württemberg is NUTS 1, Lombardy NUTS 2), so
additive indicators (counts, amounts) are compared

- per inhabitant: value ÷ population of the same geography (same year, or the latest
  earlier one), in EUR per inhabitant for money and per 100,000 inhabitants for counts;
  each cell carries the population figure it used (year, value, source), and a cell whose
  region has no population figure says "no denominator" instead of showing a number;
- or as a share of the national total: value ÷ value of the geography's country × 100.

Ratios and shares are compared as they are. A NUTS 1 region without its own observation
gets the sum of its NUTS 2 regions when every one of them has a value for that year.

Rank: 1 is the best value according to the indicator's direction; equal values share a
rank; cells without a comparable value get no rank. An indicator is benchmarked only for a
year in which every region of the set (and the home region) has an observation: a
confidential or missing cell then shows as such, never as zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from ..choices import Direction, Status
from ..models import Geography, Indicator, Observation
from ..units import unit_label
from .errors import InvalidQuery
from .figures import (
    POPULATION, Denominator, Figure, denominator_from, figure_from, latest_population, per_inhabitant,
    per_inhabitant_unit, percent, plain, preference,
)  # fmt: skip
from .geographies import HOME_REGION, geography, peer_set

BASES = ("auto", "value", "per_inhabitant", "share")


@dataclass(frozen=True)
class Cell:
    geo: Geography
    figure: Figure
    comparable: Decimal | None
    rank: int | None = None
    aggregated_from: tuple[str, ...] = ()
    denominator: Denominator | None = None  # the population divided by, on the per-inhabitant basis
    missing: str = ""  # why a valued cell has no comparable value ("no denominator")

    @property
    def population_year(self) -> int | None:
        return self.denominator.period if self.denominator else None


@dataclass
class Row:
    indicator: Indicator
    year: int
    basis: str
    unit: str
    cells: list[Cell]


@dataclass
class Benchmark:
    home: Geography
    peers: list[Geography]
    basis: str
    rows: list[Row] = field(default_factory=list)
    not_comparable: list[Indicator] = field(default_factory=list)  # indicators missing for some region

    @property
    def geographies(self) -> list[Geography]:
        return [self.home, *self.peers]


def benchmark(set_slug: str, home: str = HOME_REGION, year: int | None = None, basis: str = "auto",
              indicator_ids: list[str] | None = None) -> Benchmark:  # fmt: skip
    if basis not in BASES:
        raise InvalidQuery(_("unknown basis: %(basis)s (known: %(known)s)") % {"basis": basis, "known": ", ".join(BASES)})
    peers = list(peer_set(set_slug).members.order_by("country", "code"))
    place = geography(home)
    peers = [p for p in peers if p.code != place.code]
    result = Benchmark(home=place, peers=peers, basis=basis)
    definitions = Indicator.objects.exclude(pk=POPULATION)
    if indicator_ids:
        definitions = definitions.filter(pk__in=indicator_ids)
    geos = result.geographies
    values = _values(list(definitions), geos)
    population = _values(list(Indicator.objects.filter(pk=POPULATION)), geos).get(POPULATION, {})
    for definition in definitions:
        table = values.get(definition.id, {})
        chosen = _common_year(table, geos, year)
        if chosen is None:
            if table:
                result.not_comparable.append(definition)
            continue
        result.rows.append(_row(definition, chosen, geos, table, population, basis))
    return result


def rank(indicator_id: str, geo: str, set_slug: str, year: int | None = None, basis: str = "auto") -> tuple[int | None, int]:
    """(rank of the geography among the set and itself, number of ranked regions)."""
    found = benchmark(set_slug, home=geo, year=year, basis=basis, indicator_ids=[indicator_id])
    if not found.rows:
        return None, 0
    cells = found.rows[0].cells
    return cells[0].rank, sum(1 for c in cells if c.rank is not None)


def _values(definitions: list[Indicator], geos: list[Geography]) -> dict[str, dict[str, dict[int, Observation]]]:
    """indicator -> geo -> year -> best observation, NUTS 1 sums filled in from NUTS 2."""
    children = defaultdict(list)
    for child in Geography.objects.filter(parent__in=[g.code for g in geos if g.level == 1]):
        children[child.parent_id].append(child.code)
    # the regions, the NUTS 2 parts of NUTS 1 ones, and the countries (for shares)
    codes = {g.code for g in geos} | {c for kids in children.values() for c in kids} | {g.country for g in geos}
    table: dict[str, dict[str, dict[int, Observation]]] = defaultdict(lambda: defaultdict(dict))
    rows = Observation.objects.filter(indicator__in=definitions, geo_id__in=codes, period__isnull=False)
    for row in rows.select_related("source", "indicator"):
        current = table[row.indicator_id][row.geo_id].get(row.period)
        if current is None or preference(row) < preference(current):
            table[row.indicator_id][row.geo_id][row.period] = row
    additive = {d.id for d in definitions if d.is_additive}
    for indicator_id in additive & set(table):
        for parent, kids in children.items():
            _sum_children(table[indicator_id], parent, kids)
    return table


def _sum_children(by_geo: dict[str, dict[int, Observation]], parent: str, kids: list[str]) -> None:
    years = set.intersection(*(set(by_geo.get(k, {})) for k in kids)) if kids else set()
    for year in years - set(by_geo.get(parent, {})):
        parts = [by_geo[k][year] for k in kids]
        total = None if any(p.value is None for p in parts) else sum(p.value for p in parts)
        status = Status.SOURCED if total is not None else Status.CONFIDENTIAL if any(p.status == Status.CONFIDENTIAL for p in parts) else Status.GAP
        synthetic = Observation(
            indicator_id=parts[0].indicator_id, geo_id=parent, period=year, value=total, status=status,
            source=parts[0].source, note=_("sum of %(codes)s") % {"codes": ", ".join(sorted(kids))},
        )  # fmt: skip
        synthetic.aggregated_from = tuple(sorted(kids))
        by_geo.setdefault(parent, {})[year] = synthetic


def _common_year(table: dict[str, dict[int, Observation]], geos: list[Geography], year: int | None) -> int | None:
    years = [set(table.get(g.code, {})) for g in geos]
    common = set.intersection(*years) if years else set()
    if year is not None:
        return year if year in common else None
    return max(common) if common else None


def _row(definition, year, geos, table, population, basis) -> Row:
    if basis == "auto":
        basis = "per_inhabitant" if definition.is_additive else "value"
    if not definition.is_additive and basis != "value":
        basis = "value"  # a ratio or a share is already comparable; dividing it again means nothing
    cells = []
    for geo in geos:
        observation = table[geo.code][year]
        shown = figure_from(definition, geo, observation)
        comparable, denominator, missing = _comparable(definition, geo, observation, basis, table, population)
        aggregated = getattr(observation, "aggregated_from", ())
        cells.append(Cell(geo, shown, comparable, None, aggregated, denominator, missing))
    return Row(definition, year, basis, _unit(definition, basis), _ranked(cells, definition.direction))


def _comparable(definition, geo, observation, basis, table, population) -> tuple[Decimal | None, Denominator | None, str]:
    """(comparable value, population used, why there is none): a missing denominator is never 0."""
    if observation.value is None:
        return None, None, ""
    if basis == "value":
        return plain(observation.value), None, ""
    if basis == "share":
        national = table.get(geo.country, {}).get(observation.period)
        if national is None or not national.value:
            return None, None, _("no national total")
        return percent(observation.value, national.value), None, ""
    people = latest_population(population.get(geo.code, {}), observation.period)
    if people is None:
        return None, None, _("no denominator")
    return per_inhabitant(definition, observation.value, people.value), denominator_from(people), ""


def _unit(definition, basis) -> str:
    if basis == "share":
        return _("percent of the national total")
    if basis == "per_inhabitant":
        return per_inhabitant_unit(definition)
    return unit_label(definition.unit)


def _ranked(cells: list[Cell], direction: str) -> list[Cell]:
    values = [c.comparable for c in cells if c.comparable is not None]
    if direction == Direction.NEUTRAL or not values:
        return cells
    ordered = sorted(set(values), reverse=direction == Direction.HIGHER)
    better = {v: 1 + sum(1 for w in values if (w > v if direction == Direction.HIGHER else w < v)) for v in ordered}
    return [replace(c, rank=better.get(c.comparable)) for c in cells]
