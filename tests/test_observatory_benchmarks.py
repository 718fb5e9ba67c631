"""Benchmarks against peer sets: per inhabitant, as shares, NUTS 1 sums, ranks, confidential cells."""

from decimal import Decimal

import pytest

from conftest import SAMPLES
from lshub.observatory.models import PeerSet
from lshub.observatory.services import benchmarks
from lshub.observatory.services.errors import InvalidQuery, UnknownPeerSet
from lshub.observatory.services.eurostat import ingest_eurostat

EUROSTAT = SAMPLES / "eurostat"


@pytest.fixture
def gerd_and_population(db):
    assert ingest_eurostat(EUROSTAT / "rd_e_gerdreg_sample.tsv").ok
    assert ingest_eurostat(EUROSTAT / "demo_r_d2jan_sample.csv").ok


def _row(result, indicator_id):
    return next(r for r in result.rows if r.indicator.id == indicator_id)


def _cells(row):
    return {c.geo.code: c for c in row.cells}


def test_published_per_inhabitant_values_are_ranked_as_they_are(db):
    result = benchmarks.benchmark("european")
    row = _row(result, "pharma_va_per_inhabitant")
    assert row.year == 2022 and row.basis == "value"
    cells = _cells(row)
    assert [cells[g].rank for g in ("ITC4", "ES51", "DE1", "FR10")] == [1, 2, 3, 4]
    assert cells["DE1"].geo.level == 1 and cells["ITC4"].geo.level == 2  # the level travels with the cell
    assert benchmarks.rank("pharma_va_per_inhabitant", "ITC4", "european") == (1, 4)


def test_additive_values_are_compared_per_inhabitant_with_nuts1_summed(gerd_and_population):
    row = _row(benchmarks.benchmark("european", year=2021), "gerd")
    assert row.basis == "per_inhabitant" and row.unit == "€ per inhabitant"
    cells = _cells(row)
    # Baden-Württemberg (NUTS 1) has no own figure: the sum of DE11-DE14.
    assert cells["DE1"].figure.value == Decimal(10000)
    assert cells["DE1"].aggregated_from == ("DE11", "DE12", "DE13", "DE14")
    # 5,000 mn EUR / 10 million inhabitants; 10,000 mn / 11 million (4+3+2+2)
    assert cells["ITC4"].comparable == Decimal("500.00")
    assert cells["DE1"].comparable == Decimal("909.09")
    assert cells["FR10"].comparable == Decimal("750.00")
    assert [cells[g].rank for g in ("DE1", "FR10", "ITC4", "ES51")] == [1, 2, 3, 4]


def test_a_confidential_cell_is_shown_as_such_and_not_ranked(gerd_and_population):
    row = _row(benchmarks.benchmark("european", year=2022), "gerd")
    cells = _cells(row)
    assert cells["FR10"].figure.value is None and cells["FR10"].figure.status == "confidential"
    assert cells["FR10"].comparable is None and cells["FR10"].rank is None
    assert cells["ITC4"].figure.status == "provisional"
    assert sorted(c.rank for c in row.cells if c.rank) == [1, 2, 3]


def test_shares_of_the_national_total(gerd_and_population):
    row = _row(benchmarks.benchmark("european", year=2021, basis="share", indicator_ids=["gerd"]), "gerd")
    cells = _cells(row)
    assert cells["ITC4"].comparable == Decimal("19.23")  # 5,000 of Italy's 26,000
    assert cells["ES51"].comparable is None  # no national total for Spain: no share, not zero


def test_indicators_missing_for_some_region_are_listed_not_compared(db):
    result = benchmarks.benchmark("italian")
    assert all(r.indicator.id != "pharma_exports" for r in result.rows)
    assert any(d.id == "pharma_exports" for d in result.not_comparable)


def test_peer_sets_are_editable_data(db):
    custom = PeerSet.objects.create(slug="lombardy_and_lazio", label_en="Lazio only")
    custom.members.set(["ITI4"])
    result = benchmarks.benchmark("lombardy_and_lazio")
    assert [g.code for g in result.geographies] == ["ITC4", "ITI4"]


def test_bad_benchmark_requests(db):
    with pytest.raises(UnknownPeerSet, match="known: european, italian"):
        benchmarks.benchmark("nordic")
    with pytest.raises(InvalidQuery, match="basis"):
        benchmarks.benchmark("european", basis="per_cow")
