"""The embedded figures of the seed briefing and the figures service built on them."""

import csv
from decimal import Decimal
from importlib import resources

import pytest
from django.utils import translation

from conftest import SHARED
from lshub.observatory.models import Observation
from lshub.observatory.services import figures
from lshub.observatory.services.demo import load_observatory_demo
from lshub.observatory.services.errors import UnknownGeography, UnknownIndicator

REFERENCE = SHARED / "reference" / "indicators.csv"


def _embedded() -> list[dict]:
    with resources.files("lshub.data").joinpath("observations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _reference() -> list[dict]:
    if not REFERENCE.exists():
        pytest.skip("the shared reference facts are not on this machine")
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_reference_row_is_embedded_with_its_source():
    embedded = _embedded()
    urls = {row["source_url"] for row in embedded}
    for row in _reference():
        if row["source_url"].startswith("seed:"):
            assert any(u.startswith("urn:lshub:seed:") for u in urls)
        else:
            assert row["source_url"] in urls, row["indicator_id"]
    assert len(embedded) >= len(_reference())


def test_unconfirmed_deck_figures_are_gaps_without_a_value():
    """Rows the notes call unconfirmed become gaps even where the reference row has a number."""
    unconfirmed = [r for r in _reference() if "could not be confirmed" in r["source_note"] or r["status"] == "gap"]
    assert len(unconfirmed) >= 10
    embedded = _embedded()
    for ref in unconfirmed:
        matches = [e for e in embedded if e["source_url"] == ref["source_url"] and e["period"] == ref["year"] and e["status"] == "gap"]
        assert matches, ref["indicator_id"]
    for row in embedded:
        if row["status"] == "gap":
            assert row["value"] == "" and row["share_of_national"] == "", row
        else:
            assert row["value"] != "", row


def test_the_deck_value_of_a_gap_stays_readable_in_its_note(db):
    row = Observation.objects.get(indicator="seed_pharma_sector_value", geo="ITC4")
    assert row.value is None and row.status == "gap" and "30.7" in row.note


def test_figure_contract_for_a_sourced_value(db):
    shown = figures.figure("irccs_count", "ITC4", 2021)
    assert shown.value == Decimal(19) and shown.period == 2021 and shown.status == "sourced"
    assert shown.unit == "institutes" and shown.source_url.startswith("https://")
    # 19 of the 51 IRCCS recognised in Italy that year, computed, not typed in.
    assert shown.share_of_national == Decimal("37.25") and not shown.share_is_stated
    # 18 in 2017 -> 19 in 2021
    assert shown.previous_period == 2017 and shown.change == Decimal("5.56")


def test_figure_falls_back_to_the_stated_share_without_a_national_value(db):
    shown = figures.figure("pharma_value_added", "ITC4", 2016)
    assert shown.value == Decimal("4.3") and shown.share_of_national == Decimal("46.5") and shown.share_is_stated


def test_an_unconfirmed_figure_is_a_visible_gap_never_zero(db):
    shown = figures.figure("seed_pharma_sector_value", "ITC4")
    assert shown.value is None and shown.status == "gap" and shown.is_gap
    assert shown.share_of_national is None and shown.change is None
    nothing = figures.figure("medtech_exports", "IT")  # no observation at all
    assert nothing.value is None and nothing.status == "gap" and nothing.source_url  # default source named


def test_figure_takes_the_latest_year_up_to_the_one_asked(db):
    assert figures.figure("pharma_rd_investment", "ITC4", 2021).period == 2020
    assert figures.figure("pharma_rd_investment", "ITC4").period == 2024
    assert figures.figure("pharma_rd_investment", "ITC4", 2016).value == Decimal(400)
    # before any figure: a gap
    assert figures.figure("pharma_rd_investment", "ITC4", 2010).value is None


def test_series_lists_years_in_order_with_gaps_and_changes(db):
    series = figures.series("pharma_rd_investment", "ITC4")
    dated = [(f.period, f.value) for f in series if f.period is not None]
    assert dated == [(2016, 400), (2020, 400), (2023, 560), (2024, 640)]
    assert [f.change for f in series if f.period is not None] == [None, Decimal("0.00"), Decimal("40.00"), Decimal("14.29")]
    assert series[-1].period is None and series[-1].value is None  # the deck's undated, unconfirmed line


def test_series_of_several_indicators_are_read_at_once_and_equal_one_by_one(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lshub.observatory.services.geographies import geography

    ids = ["pharma_rd_investment", "university_students", "cdmo_turnover", "irccs_count", figures.POPULATION]
    place = geography("ITC4")
    definitions = list(figures.indicators_by_id([*ids, "no_such_indicator", "bad id%00"]).values())
    assert sorted(d.id for d in definitions) == sorted(ids)  # the undefined ones are left out
    with CaptureQueriesContext(connection) as read:
        together = figures.series_for(place, definitions)
    assert len(read) == 1
    assert together == {i: figures.series(i, "ITC4") for i in ids}
    assert figures.series_for(place, []) == {}


def test_a_confirmed_source_wins_over_the_seed_for_the_same_year(db):
    shown = figures.figure("ht_scientists_target", "ITC4", 2026)
    assert shown.status == "sourced" and "symbola" in shown.source_url
    assert Observation.objects.filter(indicator="ht_scientists_target", status="seed").count() == 1


def test_labels_follow_the_active_language(db):
    with translation.override("it"):
        assert figures.figure("pharma_exports").label == "Esportazioni farmaceutiche"
    with translation.override("en"):
        assert figures.figure("pharma_exports").label == "Pharmaceutical exports"
    assert {i.segment for i in figures.indicators("medtech")} == {"medtech"}


def test_unknown_indicator_or_geography_is_a_clear_error(db):
    with pytest.raises(UnknownIndicator, match="no_such_thing"):
        figures.figure("no_such_thing")
    with pytest.raises(UnknownGeography, match="XX1"):
        figures.figure("pharma_exports", "XX1")


def test_loading_the_demo_twice_changes_nothing(db):
    before = Observation.objects.count()
    report = load_observatory_demo()
    assert report.changed == 0 and report.problems == []
    assert Observation.objects.count() == before
