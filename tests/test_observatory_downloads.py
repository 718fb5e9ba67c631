"""Downloads of the region table and the benchmark say what their pages say per inhabitant.

Each per-inhabitant value comes with its unit and the population it was divided by (value,
year, source URL); without a population the cells are empty, never 0, and a column says why.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lshub.observatory.models import Observation
from lshub.observatory.services import export
from lshub.observatory.services.figures import plain
from lshub.observatory.services.tables import ingest_table
from lshub.observatory.templatetags.observatory import number

pytestmark = pytest.mark.django_db

# The columns as they were before the per-inhabitant ones: spreadsheets built on them keep working.
REGION_COLUMNS_BEFORE = [
    "indicator", "label", "unit", "geo", "period", "value", "status", "qualifier", "share_of_national",
    "share_is_stated", "change", "previous_period", "source_url", "source_publisher", "note",
]  # fmt: skip
BENCHMARK_COLUMNS_BEFORE = [
    "indicator", "label", "year", "geo", "geo_name", "nuts_level", "value", "unit", "status", "basis",
    "comparable", "comparable_unit", "rank", "aggregated_from", "population_year", "source_url",
]  # fmt: skip
PER_INHABITANT_CELLS = ["per_inhabitant", "per_inhabitant_unit", "population", "population_year", "population_source_url"]

REGION_URL = "/observatory/?geo=ITC4&segment=pharma"
BENCHMARK_URL = "/observatory/benchmark/?set=italian&year=2023&basis=per_inhabitant"


def _population(geo: str) -> Observation:
    return Observation.objects.select_related("source").get(indicator="population", geo=geo, period=2023)


def _without_population(geo: str) -> None:
    """Every population figure of the region removed, so no earlier year can stand in."""
    Observation.objects.filter(indicator="population", geo=geo).delete()


def _csv(client, url: str) -> tuple[list[str], list[dict]]:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def _xlsx(client, url: str) -> tuple[list[str], list[dict]]:
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _region_page_per_inhabitant(client, indicator_id: str, language: str = "") -> str:
    """The text of the region table's per-inhabitant cell (the fifth numeric cell of the row)."""
    page = client.get(f"{language}{REGION_URL}").content.decode()
    row = re.search(rf"observatory/indicators/{indicator_id}/.*?</tr>", page, re.S).group(0)
    return _text(re.findall(r'<td class="num">(.*?)</td>', row, re.S)[4])


def _benchmark_page_rows(client, indicator_id: str) -> dict[str, list[str]]:
    """Per region, the numeric cells of the benchmark page's table of an indicator."""
    page = client.get(BENCHMARK_URL).content.decode()
    table = re.search(rf"observatory/indicators/{indicator_id}/.*?</table>", page, re.S).group(0)
    rows = re.findall(r"\((\w+)\)(?:\s*<span[^>]*>[^<]*</span>)?</th>(.*?)</tr>", table, re.S)
    return {geo: [_text(cell) for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)] for geo, row in rows}


def test_existing_columns_keep_their_order_and_new_ones_come_last(client):
    header, _rows = _csv(client, REGION_URL + "&format=csv")
    assert header[: len(REGION_COLUMNS_BEFORE)] == REGION_COLUMNS_BEFORE
    assert set(PER_INHABITANT_CELLS) | {"per_inhabitant_missing"} <= set(header[len(REGION_COLUMNS_BEFORE) :])
    header, _rows = _csv(client, BENCHMARK_URL + "&format=csv")
    assert header[: len(BENCHMARK_COLUMNS_BEFORE)] == BENCHMARK_COLUMNS_BEFORE
    assert {"population", "population_source_url", "comparable_missing"} <= set(header[len(BENCHMARK_COLUMNS_BEFORE) :])


def test_region_csv_carries_the_pages_per_inhabitant_value_and_its_population(client):
    _header, rows = _csv(client, REGION_URL + "&format=csv")
    exports = next(r for r in rows if r["indicator"] == "pharma_exports")  # EUR bn, 2023
    population = _population("ITC4")
    assert exports["population"] == format(plain(population.value), "f")
    assert exports["population_year"] == "2023"
    assert exports["population_source_url"] == population.source.url != ""
    assert exports["per_inhabitant_unit"] == "€ per inhabitant" and exports["per_inhabitant_missing"] == ""
    expected = (Decimal(exports["value"]) * 10**9 / population.value).quantize(Decimal("0.01"))
    assert Decimal(exports["per_inhabitant"]) == expected
    shown = _region_page_per_inhabitant(client, "pharma_exports")
    assert shown.startswith(number(Decimal(exports["per_inhabitant"])) + " € per inhabitant")
    assert "population on 1 January 2023" in shown


def test_region_xlsx_has_the_same_figures_as_numbers(client):
    _header, csv_rows = _csv(client, REGION_URL + "&format=csv")
    _header, xlsx_rows = _xlsx(client, REGION_URL + "&format=xlsx")
    by_indicator = {r["indicator"]: r for r in xlsx_rows}
    counted = 0
    for row in csv_rows:
        cells = by_indicator[row["indicator"]]
        if row["per_inhabitant"]:
            counted += 1
            assert cells["per_inhabitant"] == float(row["per_inhabitant"])
            assert cells["population"] == int(row["population"])
            assert cells["population_year"] == int(row["population_year"]) <= int(row["period"])
            assert cells["population_source_url"] == row["population_source_url"]
        else:
            assert cells["per_inhabitant"] is None and cells["population"] is None
            assert cells["per_inhabitant_missing"] == row["per_inhabitant_missing"] != ""
    assert counted >= 3  # employees, companies, exports... of 2023 and later


def test_region_without_a_population_has_empty_cells_and_says_why(client):
    _without_population("ITC4")
    _header, rows = _csv(client, REGION_URL + "&format=csv")
    exports = next(r for r in rows if r["indicator"] == "pharma_exports")
    assert exports["value"] == "9.8"  # the value itself stays
    assert all(exports[name] == "" for name in PER_INHABITANT_CELLS), exports
    assert exports["per_inhabitant_missing"] == "no denominator"
    assert _region_page_per_inhabitant(client, "pharma_exports") == ""  # the page shows nothing either
    _header, xlsx_rows = _xlsx(client, REGION_URL + "&format=xlsx")
    cells = next(r for r in xlsx_rows if r["indicator"] == "pharma_exports")
    assert all(cells[name] is None for name in PER_INHABITANT_CELLS), cells  # empty, not 0 nor ""
    assert cells["per_inhabitant_missing"] == "no denominator"


def test_region_csv_says_why_ratios_and_gaps_have_no_per_inhabitant_value(client):
    _header, rows = _csv(client, REGION_URL + "&format=csv")
    by_indicator = {r["indicator"]: r for r in rows}
    assert by_indicator["pharma_va_per_inhabitant"]["per_inhabitant_missing"] == "not a count or amount"
    gap = next(r for r in rows if r["value"] == "")
    assert gap["per_inhabitant"] == "" and gap["per_inhabitant_missing"] == "no value"


def test_region_download_in_italian_gives_the_reason_in_italian(client):
    _without_population("ITC4")
    _header, rows = _csv(client, "/it" + REGION_URL + "&format=csv")
    by_indicator = {r["indicator"]: r for r in rows}
    assert by_indicator["pharma_exports"]["per_inhabitant_missing"] == "manca il denominatore"
    assert by_indicator["pharma_va_per_inhabitant"]["per_inhabitant_missing"] == "non è un conteggio né un importo"


def test_benchmark_csv_and_xlsx_carry_the_pages_values_and_populations(client, counts_for_italian_peers):
    _header, rows = _csv(client, BENCHMARK_URL + "&format=csv")
    _header, xlsx_rows = _xlsx(client, BENCHMARK_URL + "&format=xlsx")
    cells = {r["geo"]: r for r in rows if r["indicator"] == "pharma_companies"}
    xlsx_cells = {r["geo"]: r for r in xlsx_rows if r["indicator"] == "pharma_companies"}
    assert set(cells) == {"ITC4", "ITC1", "ITH3", "ITH5", "ITI1", "ITI4"}
    page = _benchmark_page_rows(client, "pharma_companies")
    for geo, cell in cells.items():
        population = _population(geo)
        assert cell["population"] == format(plain(population.value), "f") and cell["population_year"] == "2023"
        assert cell["population_source_url"] == population.source.url
        assert cell["comparable_missing"] == ""
        _value, compared, shown_population, _rank = page[geo]
        assert compared == number(Decimal(cell["comparable"]))
        assert shown_population.startswith(number(population.value) + " on 1 January 2023")
        assert xlsx_cells[geo]["comparable"] == float(cell["comparable"])
        assert xlsx_cells[geo]["population"] == int(cell["population"])
        assert xlsx_cells[geo]["population_source_url"] == population.source.url
    assert cells["ITC4"]["comparable"] == "1.50"  # 150 / 9,976,509 inhabitants x 100,000


def test_benchmark_region_without_a_population_has_empty_cells_and_says_why(client, counts_for_italian_peers):
    _without_population("ITI4")
    _header, rows = _csv(client, BENCHMARK_URL + "&format=csv")
    lazio = next(r for r in rows if r["indicator"] == "pharma_companies" and r["geo"] == "ITI4")
    assert lazio["value"] == "90"
    for name in ("comparable", "rank", "population", "population_year", "population_source_url"):
        assert lazio[name] == "", name
    assert lazio["comparable_missing"] == "no denominator"
    _header, xlsx_rows = _xlsx(client, BENCHMARK_URL + "&format=xlsx")
    cells = next(r for r in xlsx_rows if r["indicator"] == "pharma_companies" and r["geo"] == "ITI4")
    assert cells["comparable"] is None and cells["population"] is None
    assert cells["comparable_missing"] == "no denominator"


def test_a_population_source_that_looks_like_a_formula_stays_text(client, tmp_path):
    """A publisher named '=HYPERLINK(...)' must not become a live formula in the spreadsheet."""
    formula = '=HYPERLINK("https://example.org","x")'
    path = tmp_path / "population.csv"
    path.write_text(
        "indicator,geo,period,value,unit,status,source_url,source_publisher\n"
        f'population,ITC4,2024,9990000,persons,sourced,https://example.org/population,"{formula.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    assert not ingest_table(path).errors
    sheet = load_workbook(io.BytesIO(client.get(REGION_URL + "&format=xlsx").content)).active
    header = [c.value for c in sheet[1]]
    column = header.index("population_publisher")
    published = [row[column] for row in sheet.iter_rows(min_row=2) if row[column].value == formula]
    assert published and all(cell.data_type == "s" for cell in published)


def test_figure_rows_without_definitions_reads_the_aggregation_itself(client):
    from lshub.observatory.services import figures
    from lshub.observatory.services.geographies import geography

    shown = figures.figures_for(geography("ITC4"), figures.indicators("pharma"))
    header, rows = export.figure_rows(shown)
    reasons = {row[0]: row[header.index("per_inhabitant_missing")] for row in rows}
    assert reasons["pharma_va_per_inhabitant"] == "not a count or amount"
