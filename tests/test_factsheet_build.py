"""The fact sheet's content: computed counts, sources for every number, gaps, years and bad input."""

import json
from decimal import Decimal

import pytest

from lshub.observatory.services import figures
from lshub.registry.models import Organisation, Relation
from lshub.registry.services import directory
from lshub.reports.build import FactsheetError, available_years, build_factsheet
from lshub.reports.render_json import as_data, render_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return json.loads(render_json(build_factsheet("ITC4", "en")))


def _figure(data: dict, key: str, **match) -> dict:
    found = [f for f in data["figures"] if f["key"] == key and all(f[k] == v for k, v in match.items())]
    assert found, f"no figure {key} {match} in the fact sheet"
    return found[0]


def test_irccs_count_is_computed_from_the_registry(data):
    seated = _figure(data, "registry.irccs_seated")
    assert seated["value"] == directory.irccs_seated_in("ITC4").count() == 19
    assert seated["status"] == "computed"
    assert seated["section"] == "healthcare_system"
    # The note cites the registry and every record it counted, with that record's sources.
    source = seated["source"]
    assert source["publisher"] == "lshub registry"
    assert "from 19 organisation records" in source["note"]
    counted = {record["slug"] for record in source["records"]}
    assert counted == set(directory.irccs_seated_in("ITC4").values_list("slug", flat=True))
    assert all(record["urls"] for record in source["records"])


def test_irccs_count_follows_the_registry_when_a_record_changes(data):
    """The count is not typed in: retyping one IRCCS changes the sheet."""
    first = directory.irccs_seated_in("ITC4").first()
    first.type = "hospital"
    first.save()
    changed = as_data(build_factsheet("ITC4", "en"))
    assert _figure(changed, "registry.irccs_seated")["value"] == 18


def test_share_of_national_irccs_uses_the_observatory_total(data):
    national = figures.figure("irccs_count", "IT")
    assert _figure(data, "irccs_count", geo="IT")["value"] == int(national.value)
    share = _figure(data, "registry.irccs_seated")["share_of_national"]
    assert share == pytest.approx(float(Decimal(19) * 100 / national.value), abs=0.01)


def test_irccs_by_area_equals_the_directory_service(data):
    expected = {f"registry.irccs_area.{area.code}": count for area, count in directory.irccs_by_area("ITC4") if count}
    shown = {f["key"]: f["value"] for f in data["figures"] if f["table"] == "irccs_by_area"}
    assert shown == expected
    assert shown["registry.irccs_area.cardiology"] == 3


def test_every_number_has_a_source_note(data):
    numbers = {note["footnote"] for note in data["footnotes"]}
    assert len(data["figures"]) > 50
    for figure in data["figures"]:
        assert figure["source"]["footnote"] in numbers
        assert figure["source"]["publisher"], figure["key"]
        assert figure["status"]
        if figure["status"] != "computed":
            assert figure["source"]["url"], figure["key"]
    # Notes are numbered 1..n in order of first use.
    assert [note["footnote"] for note in data["footnotes"]] == list(range(1, len(data["footnotes"]) + 1))


def test_gap_is_a_gap_never_a_number(data):
    """The region's CDMO turnover has no confirmed value: null, marked, with its source."""
    gap = _figure(data, "cdmo_turnover", geo="ITC4")
    assert gap["value"] is None
    assert gap["is_gap"] is True
    assert gap["status"] == "gap"
    assert gap["display"] == "data gap: not confirmed by a public source"
    assert gap["source"]["url"].startswith("http")
    # The national figure next to it is a number.
    assert _figure(data, "cdmo_turnover", geo="IT")["value"] > 0


def test_unconfirmed_briefing_figure_shows_next_to_the_confirmed_one():
    """For 2021, the latest confirmed student count is 2017; the briefing's 2021 figure is a gap."""
    data = as_data(build_factsheet("ITC4", "en", 2021))
    rows = [f for f in data["figures"] if f["key"] == "university_students"]
    assert [(r["period"], r["is_gap"]) for r in rows] == [(2017, False), (2021, True)]
    assert rows[0]["value"] == 260000


def test_year_picks_the_latest_figure_at_or_before_it():
    for year in (2016, 2018, 2022):
        data = as_data(build_factsheet("ITC4", "en", year))
        production = _figure(data, "filiera_production", is_gap=False)
        dated = [f for f in figures.series("filiera_production", "ITC4") if f.period and f.value is not None and f.period <= year]
        assert production["period"] == max(f.period for f in dated) <= year
    latest = as_data(build_factsheet("ITC4", "en"))
    assert _figure(latest, "filiera_production", is_gap=False)["period"] == 2022


def test_change_is_against_the_last_confirmed_figure(data):
    pharma = _figure(data, "pharma_employees", is_gap=False)
    assert pharma["period"] == 2024 and pharma["previous_period"] == 2020
    assert pharma["change"] == pytest.approx((25300 - 24000) / 24000 * 100, abs=0.01)


def test_human_technopole_centres_and_hub_partners_come_from_relations():
    sheet = build_factsheet("ITC4", "en")
    sections = {section.key: section for section in sheet.sections}
    centres = {entry.slug for entry in sections["human_technopole"].entries}
    assert centres == set(Relation.objects.filter(kind="part_of", object__slug="ht").values_list("subject__slug", flat=True))
    assert len(centres) == 5
    partners = {entry.slug for entry in sections["hub"].entries}
    assert {"assolombarda", "lombardy-life-sciences-cluster"} <= partners
    clusters = {entry.slug for entry in sections["clusters"].entries}
    assert clusters == set(Organisation.objects.filter(type="cluster").values_list("slug", flat=True))
    for section in sections.values():
        for entry in section.entries:
            assert 1 <= entry.footnote <= len(sheet.footnotes)


def test_sections_follow_the_briefing(data):
    assert [s["key"] for s in data["sections"]] == [
        "overview", "healthcare", "companies", "education", "research", "pharma", "medtech",
        "healthcare_system", "human_technopole", "assolombarda", "hub", "clusters",
    ]  # fmt: skip


def test_italian_sheet_has_italian_headings_and_numbers():
    data = as_data(build_factsheet("ITC4", "it"))
    titles = {s["key"]: s["title"] for s in data["sections"]}
    assert titles["healthcare_system"] == "Il Sistema Sanitario Regionale"
    assert titles["pharma"] == "Industria farmaceutica"
    assert data["title"] == "Le scienze della vita in Lombardia"
    beds = _figure(data, "ssr_beds")
    assert beds["display"] == "37.000 posti letto"
    assert beds["label"] == figures.indicator("ssr_beds").label_it
    assert _figure(data, "cdmo_turnover", geo="ITC4")["display"].startswith("dato mancante")


@pytest.mark.parametrize("region", ["XX99", "", "ITC1"])
def test_unknown_or_unmapped_region_is_refused(region):
    with pytest.raises(FactsheetError) as error:
        build_factsheet(region, "en")
    assert "ITC4" in str(error.value)  # says which regions exist


def test_year_without_data_is_refused():
    years = available_years("ITC4")
    with pytest.raises(FactsheetError, match=f"start in {years[0]}"):
        build_factsheet("ITC4", "en", years[0] - 1)
    with pytest.raises(FactsheetError, match=f"latest figures are for {years[-1]}"):
        build_factsheet("ITC4", "en", years[-1] + 1)
    assert build_factsheet("ITC4", "en", years[0]).year == years[0]


@pytest.mark.parametrize("year", [None, 2021])
def test_the_sheet_carries_the_years_a_reader_can_choose(year):
    assert build_factsheet("ITC4", "en", year).years == available_years("ITC4")


def test_an_indicator_the_observatory_does_not_define_is_a_gap_that_names_it(db):
    from lshub.observatory.models import Indicator

    Indicator.objects.filter(pk="cdmo_turnover").delete()
    sheet = build_factsheet("ITC4", "en")
    shown = [item for _section, item in sheet.items() if item.key == "cdmo_turnover"]
    assert shown and all(item.value is None and item.status == "gap" for item in shown)
    assert any("cdmo_turnover is not defined" in sheet.footnote(item.footnote).note for item in shown)


def test_the_sheet_reads_observations_once_per_place_not_once_per_line(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lshub.reports.outline import SECTIONS

    with CaptureQueriesContext(connection) as read:
        build_factsheet("ITC4", "en")
    observation_reads = [q for q in read if 'FROM "observatory_observation"' in q["sql"] and "registry_source" in q["sql"]]
    lines = sum(len(spec.lines) for spec in SECTIONS)
    assert 1 <= len(observation_reads) < lines / 4, (len(observation_reads), lines)


def test_unknown_language_is_refused():
    with pytest.raises(FactsheetError, match="unknown language 'fr'"):
        build_factsheet("ITC4", "fr")
