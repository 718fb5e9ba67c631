"""Exporting the registry: documented columns, four formats, formula-safe spreadsheets."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from lshub.registry.models import Organisation, Site
from lshub.registry.services import tabular
from lshub.registry.services.tabular import writing

pytestmark = pytest.mark.django_db

INJECTION = "=cmd|' /C calc'!A0"


def exported(fmt: str) -> str:
    out = io.StringIO()
    tabular.export(fmt, out)
    return out.getvalue()


def csv_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(exported("csv"))))


def test_csv_has_the_documented_columns_and_one_row_per_organisation():
    text = exported("csv")
    assert text.splitlines()[0] == ",".join(tabular.COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Organisation.objects.count()
    assert [row["key"] for row in rows] == sorted(Organisation.objects.values_list("slug", flat=True))


def test_a_row_carries_site_lists_and_sources():
    besta = next(row for row in csv_rows() if row["key"] == "besta")
    assert (besta["type"], besta["ownership"], besta["founded"]) == ("irccs", "public", "1918")
    assert (besta["comune"], besta["province"], besta["istat_code"], besta["nuts3"]) == (
        "Milano",
        "MI",
        "015146",
        "ITC4C",
    )
    assert 45.3 < float(besta["latitude"]) < 45.6
    assert "ror:05rbx8m02" in besta["identifiers"].split(";")
    assert "neurology" in besta["specialisations"].split(";")
    assert besta["sources"].startswith("http")
    assert "Besta" in besta["aliases"].split(";")


def test_an_organisation_seated_elsewhere_is_placed_at_its_branch():
    casatenovo = next(row for row in csv_rows() if row["key"] == "inrca-casatenovo")
    assert casatenovo["comune"] == "Casatenovo"


def test_json_is_a_list_of_rows_with_numbers_as_numbers():
    rows = json.loads(exported("json"))
    assert len(rows) == Organisation.objects.count()
    besta = next(row for row in rows if row["key"] == "besta")
    assert list(besta) == list(tabular.COLUMNS)
    assert besta["founded"] == 1918 and isinstance(besta["latitude"], float)
    assert besta["employees"] is None


def test_geojson_holds_the_organisations_with_coordinates():
    collection = json.loads(exported("geojson"))
    assert collection["type"] == "FeatureCollection"
    located = Organisation.objects.filter(sites__latitude__isnull=False).distinct().count()
    assert len(collection["features"]) == located
    besta = next(f for f in collection["features"] if f["id"] == "besta")
    longitude, latitude = besta["geometry"]["coordinates"]
    assert besta["geometry"]["type"] == "Point"
    assert (latitude, longitude) == (besta["properties"]["latitude"], besta["properties"]["longitude"])
    assert besta["properties"]["name"] == Organisation.objects.get(slug="besta").name


def test_xlsx_reads_back_with_the_same_rows(tmp_path):
    path = tmp_path / "registry.xlsx"
    tabular.export("xlsx", path)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(tabular.COLUMNS)
    assert len(rows) - 1 == Organisation.objects.count()
    besta = dict(zip(rows[0], next(r for r in rows if r[0] == "besta")))
    assert besta["founded"] == 1918 and besta["istat_code"] == "015146"


def test_unknown_export_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        tabular.export("pdf", io.StringIO())


@pytest.fixture
def injected():
    organisation = Organisation.objects.create(slug="aaa-injection", name=INJECTION, type="company", subtype="+sum(1)")
    Site.objects.create(
        organisation=organisation, comune="Milano", province="MI", istat_code="015146", nuts2="ITC4", nuts3="ITC4C"
    )
    return organisation


def test_csv_cells_that_would_run_as_formulas_are_neutralised(injected):
    row = csv_rows()[0]
    assert row["key"] == "aaa-injection"
    assert row["name"] == "'" + INJECTION
    assert row["subtype"] == "'+sum(1)"
    assert row["comune"] == "Milano"  # ordinary text untouched


def test_xlsx_cells_that_would_run_as_formulas_are_text(injected, tmp_path):
    path = tmp_path / "registry.xlsx"
    tabular.export("xlsx", path)
    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("name") + 1)
    assert name.value == "'" + INJECTION and name.data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_json_keeps_the_value_as_it_is(injected):
    assert json.loads(exported("json"))[0]["name"] == INJECTION


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_neutralised_export_imports_back_unchanged(injected, tmp_path, fmt):
    path = tmp_path / f"registry.{fmt}"
    if fmt == "xlsx":
        tabular.export("xlsx", path)
    else:
        path.write_text(exported("csv"), encoding="utf-8")
    report = tabular.import_file(path, dry_run=True)
    assert report.errors == [] and report.conflicts == [] and report.updated == {}


def test_export_streams_in_chunks_and_loses_nothing(monkeypatch):
    monkeypatch.setattr(writing, "CHUNK_SIZE", 7)
    keys = [row["key"] for row in csv_rows()]
    assert keys == sorted(Organisation.objects.values_list("slug", flat=True))


def test_export_of_a_queryset_holds_only_those_organisations():
    out = io.StringIO()
    tabular.export("json", out, Organisation.objects.filter(type="irccs"))
    rows = json.loads(out.getvalue())
    assert len(rows) == 20 and {row["type"] for row in rows} == {"irccs"}
