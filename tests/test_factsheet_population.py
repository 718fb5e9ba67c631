"""The fact sheet's population figures: shown with their sources, and the denominators of per-inhabitant values."""

from decimal import Decimal

import pytest

from lshub.observatory.models import Observation
from lshub.reports.build import build_factsheet
from lshub.reports.render_html import render_html
from lshub.reports.render_json import as_data

pytestmark = pytest.mark.django_db


def _figures(data: dict, key: str, geo: str) -> list[dict]:
    return [f for f in data["figures"] if f["key"] == key and f["geo"] == geo]


def _population(geo: str, up_to: int | None = None) -> Observation:
    """The latest population figure of the region (up to a year, when given)."""
    rows = Observation.objects.select_related("source").filter(indicator="population", geo=geo, value__isnull=False)
    if up_to is not None:
        rows = rows.filter(period__lte=up_to)
    return rows.latest("period")


@pytest.mark.parametrize("geo", ["ITC4", "IT"])
def test_the_sheet_shows_the_population_with_its_source(geo):
    """Italy's population is shown for the region's latest year, so the two read side by side."""
    data = as_data(build_factsheet("ITC4", "en"))
    [shown] = _figures(data, "population", geo)
    stored = _population(geo, up_to=_population("ITC4").period)
    assert shown["section"] == "overview"
    assert (shown["value"], shown["period"], shown["status"]) == (int(stored.value), stored.period, stored.status)
    assert shown["source"]["url"] == stored.source.url
    assert shown["source"]["publisher"] == stored.source.publisher
    assert shown["source"]["note"] == stored.note


def test_the_region_population_is_a_share_of_italy():
    data = as_data(build_factsheet("ITC4", "en"))
    [region] = _figures(data, "population", "ITC4")
    italy = _population("IT", up_to=region["period"])
    assert italy.period == region["period"]  # the share divides by Italy's figure of the same year
    expected = _population("ITC4").value * 100 / italy.value
    assert region["share_of_national"] == pytest.approx(float(expected), abs=0.01)


def test_a_count_per_inhabitant_names_its_population_and_source():
    data = as_data(build_factsheet("ITC4", "en"))
    [exports] = _figures(data, "pharma_exports", "ITC4")
    population = _population("ITC4", up_to=exports["period"])
    assert exports["period"] >= 2023
    per_head = exports["per_inhabitant"]
    expected = Decimal(str(exports["value"])) * 10**9 / population.value
    assert per_head["value"] == pytest.approx(float(expected), abs=0.01)
    assert per_head["unit"] == "€ per inhabitant"
    assert per_head["population_period"] == population.period
    assert per_head["population_source"]["url"] == population.source.url
    # The population's note is the same footnote as the population figure of the overview.
    [region] = _figures(data, "population", "ITC4")
    assert per_head["population_source"]["footnote"] == region["source"]["footnote"]


def test_no_per_inhabitant_value_without_an_earlier_population_or_for_ratios():
    data = as_data(build_factsheet("ITC4", "en"))
    first = Observation.objects.filter(indicator="population", geo="ITC4").earliest("period").period
    dated = [f for f in data["figures"] if f["geo"] == "ITC4" and f["period"] and f["value"] is not None]
    older = [f for f in dated if f["period"] < first]
    assert older and all(f["per_inhabitant"] is None for f in older)
    for f in dated:  # the others use the population of their year or the latest earlier one
        if f["per_inhabitant"]:
            assert f["per_inhabitant"]["population_period"] == _population("ITC4", up_to=f["period"]).period, f["key"]
    assert any(f["per_inhabitant"] and f["period"] < 2023 for f in dated)  # figures before 2023 have one too
    [ratio] = _figures(data, "pharma_va_per_inhabitant", "ITC4")
    assert ratio["value"] is not None and ratio["per_inhabitant"] is None


def test_without_a_population_figure_the_sheet_shows_a_gap_not_a_zero():
    Observation.objects.filter(indicator="population", geo="ITC4").delete()
    data = as_data(build_factsheet("ITC4", "en"))
    [region] = _figures(data, "population", "ITC4")
    assert region["value"] is None and region["is_gap"]
    assert region["source"]["url"]  # the indicator's default source (Eurostat demo_r_d2jan)
    assert all(f["per_inhabitant"] is None for f in data["figures"] if f["geo"] == "ITC4")


def test_the_html_sheet_writes_the_denominator_year():
    html = render_html(build_factsheet("ITC4", "en"))
    assert "€ per inhabitant (population on 1 January 2023 [" in html


def test_a_hedged_value_keeps_its_hedge_per_inhabitant():
    sheet = build_factsheet("ITC4", "en")
    item = next(i for s in sheet.sections for i in s.items if i.key == "pharma_employees_direct_induced" and i.value)
    assert item.qualifier == "at_least"
    assert item.per_inhabitant_display.startswith("at least ")
