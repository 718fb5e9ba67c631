"""Population denominators: per-inhabitant benchmarks and figures, gaps, and which figure speaks."""

from decimal import Decimal

import pytest
from conftest import PEER_COUNTS

from lshub.observatory.models import Indicator, Observation
from lshub.observatory.services import benchmarks, figures
from lshub.observatory.services.tables import ingest_table

pytestmark = pytest.mark.django_db

COUNTS = PEER_COUNTS.read_text(encoding="utf-8")


def _population(geo, year=2023):
    return Observation.objects.get(indicator="population", geo=geo, period=year)


def _without_population(geo):
    """Every population figure of the region removed, so no earlier year can stand in."""
    Observation.objects.filter(indicator="population", geo=geo).delete()


def _first_population_year(codes):
    return min(Observation.objects.filter(indicator="population", geo__in=codes).values_list("period", flat=True))


def _cells(result, indicator_id):
    row = next(r for r in result.rows if r.indicator.id == indicator_id)
    return row, {c.geo.code: c for c in row.cells}


def test_embedded_population_covers_the_home_region_italy_and_every_peer():
    codes = {"IT", "ITC4", "ITC1", "ITH3", "ITH5", "ITI1", "ITI4", "DE1", "ES51", "FR10"}
    rows = Observation.objects.filter(indicator="population", period=2023)
    assert {row.geo_id for row in rows} == codes
    for row in rows:
        assert row.value and row.value > 1_000_000, row.geo_id
        assert row.source.url.startswith("https://"), row.geo_id
        assert row.note, row.geo_id  # what the page says, in its own words


def test_per_inhabitant_value_is_value_divided_by_population(counts_for_italian_peers):
    row, cells = _cells(benchmarks.benchmark("italian", year=2023), "pharma_companies")
    assert row.basis == "per_inhabitant" and row.unit == "companies per 100,000 inhabitants"
    for code, cell in cells.items():
        population = _population(code)
        expected = (cell.figure.value * 100_000 / population.value).quantize(Decimal("0.01"))
        assert cell.comparable == expected, code
        assert cell.denominator.period == 2023 and cell.denominator.value == population.value
        assert cell.denominator.source_url == population.source.url
    assert cells["ITC4"].comparable == Decimal("1.50")  # 150 / 9,976,509 inhabitants x 100,000
    assert cells["ITI4"].rank == 1  # 90 / 5,720,536: the highest density of the set
    assert all(c.rank for c in row.cells)


def test_a_missing_population_gives_no_denominator_never_zero(counts_for_italian_peers):
    _without_population("ITI4")
    row, cells = _cells(benchmarks.benchmark("italian", year=2023), "pharma_companies")
    lazio = cells["ITI4"]
    assert lazio.figure.value == 90  # the value itself is shown
    assert lazio.comparable is None and lazio.rank is None and lazio.denominator is None
    assert lazio.missing == "no denominator"
    assert sum(1 for c in row.cells if c.rank) == 5


def test_a_recorded_population_gap_is_not_a_denominator(counts_for_italian_peers):
    lazio = _population("ITI4")
    lazio.value, lazio.status = None, "gap"
    lazio.save()
    _row, cells = _cells(benchmarks.benchmark("italian", year=2023), "pharma_companies")
    assert cells["ITI4"].comparable is None and cells["ITI4"].missing == "no denominator"


def test_an_older_figure_has_no_later_population_as_denominator(counts_for_italian_peers, tmp_path):
    codes = ["ITC4", "ITC1", "ITH3", "ITH5", "ITI1", "ITI4"]
    older = _first_population_year(codes) - 1  # before every embedded population of the set
    path = tmp_path / "older.csv"
    path.write_text(COUNTS.replace(",2023,", f",{older},"), encoding="utf-8")
    assert not ingest_table(path).errors
    _row, cells = _cells(benchmarks.benchmark("italian", year=older), "pharma_companies")
    assert all(c.comparable is None and c.missing == "no denominator" for c in cells.values())


def test_a_figure_is_divided_by_the_population_of_its_year_or_the_latest_earlier(counts_for_italian_peers, tmp_path):
    path = tmp_path / "2021.csv"
    path.write_text(COUNTS.replace(",2023,", ",2021,"), encoding="utf-8")
    assert not ingest_table(path).errors
    _row, cells = _cells(benchmarks.benchmark("italian", year=2021), "pharma_companies")
    for code, cell in cells.items():
        earlier = Observation.objects.filter(indicator="population", geo=code, period__lte=2021, value__isnull=False)
        latest = earlier.order_by("-period").first()
        if latest is None:
            assert cell.comparable is None and cell.missing == "no denominator", code
            continue
        assert cell.denominator.period == latest.period and cell.denominator.value == latest.value, code
        assert cell.comparable == (cell.figure.value * 100_000 / latest.value).quantize(Decimal("0.01")), code
    assert cells["ITC4"].denominator.period == 2021  # Istat's census count at 31 December 2020
    assert cells["ITI4"].missing == "no denominator"  # Lazio has no population before 2023


def test_ratios_are_never_divided_by_the_population():
    _row, cells = _cells(benchmarks.benchmark("european", basis="per_inhabitant"), "pharma_va_per_inhabitant")
    assert _row.basis == "value"
    assert cells["ITC4"].comparable == cells["ITC4"].figure.value and cells["ITC4"].denominator is None


def test_region_figures_carry_their_per_inhabitant_value_and_its_denominator(counts_for_italian_peers):
    found = figures.figure("pharma_companies", "ITC4", 2023)
    assert found.period == 2023 and found.per_inhabitant == Decimal("1.50")
    assert found.denominator.value == _population("ITC4").value and found.denominator.period == 2023
    exports = figures.figure("pharma_exports", "ITC4", 2023)  # EUR bn: euro per inhabitant
    assert exports.per_inhabitant_unit == "€ per inhabitant"
    expected = exports.value * 10**9 / _population("ITC4").value
    assert exports.per_inhabitant == expected.quantize(Decimal("0.01"))
    ratio = figures.figure("pharma_va_per_inhabitant", "ITC4")
    assert ratio.per_inhabitant is None and ratio.denominator is None
    assert figures.figure("population", "ITC4").per_inhabitant is None


def test_population_share_of_italy_is_computed():
    found = figures.figure("population", "ITC4", 2023)
    assert found.share_of_national == (Decimal(9976509) * 100 / Decimal(58997201)).quantize(Decimal("0.01"))


def test_between_equal_figures_the_indicators_own_source_speaks():
    """The same population from Eurostat and from a press report: Eurostat (the default source) wins."""
    definition = Indicator.objects.get(pk="population")
    press = _population("ITC4")
    eurostat = Observation.objects.create(
        indicator=definition, geo_id="ITC4", period=2023, value=Decimal(9976000), status="sourced",
        source=definition.default_source,
    )  # fmt: skip
    assert figures.figure("population", "ITC4", 2023).value == eurostat.value
    assert figures.figure("population", "ITC4", 2023).source_url == definition.default_source.url
    eurostat.delete()
    assert figures.figure("population", "ITC4", 2023).value == press.value


def test_population_figures_state_their_reference_date():
    """Every note says which date the figure counts (31 December or 1 January) in the source's words."""
    for row in Observation.objects.filter(indicator="population").select_related("source"):
        assert "1 January" in row.note or "1 de gener" in row.note or "1er janvier" in row.note, row.geo_id
