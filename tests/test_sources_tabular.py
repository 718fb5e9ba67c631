"""Any CSV/XLSX through a column mapping given on the command line or in YAML."""

import pytest

from conftest import SAMPLES
from lshub.sources.models import StagedRecord
from lshub.sources.parsers import tabular
from lshub.sources.parsers.base import Parsed, Rejected, SourceFileError
from lshub.sources.services.loading import load

SAMPLE = SAMPLES / "csv"


def _yaml_mapping():
    return tabular.mapping_from_yaml(SAMPLE / "members.yaml")


def test_a_yaml_mapping_reads_every_field():
    items = list(tabular.parse(SAMPLE / "members.csv", _yaml_mapping()))
    assert items[3] == Rejected(5, "name", "line 5 has no name")
    records = {i.record_id: i.candidate for i in items if isinstance(i, Parsed)}
    assert list(records) == ["M001", "M002", "M003", "M005"]
    ier = records["M003"]
    assert ier["identifiers"] == {"ror": "05sample1"} and ier["types"] == ["irccs"] and ier["acronyms"] == ["IER"]
    assert (ier["city"], ier["province"], ier["country"]) == ("Milano", "MI", "IT") and ier["lat"]
    assert records["M001"]["identifiers"] == {"vat": "01234567890"}
    assert records["M005"]["acronyms"] == ["SED", "SEDI"] and records["M005"]["province"] == "CO"


def test_command_line_pairs_and_rows_without_an_id_get_a_stable_one():
    mapping = tabular.mapping_from_options("quick", ["name=Denominazione", "city=Comune"], ["country=IT"])
    first = [i.record_id for i in tabular.parse(SAMPLE / "members.csv", mapping) if isinstance(i, Parsed)]
    again = [i.record_id for i in tabular.parse(SAMPLE / "members.csv", mapping) if isinstance(i, Parsed)]
    assert first == again and len(set(first)) == 4 and all(r.startswith("name:") for r in first)


@pytest.mark.parametrize(
    "pairs, message",
    [
        (["city=Comune"], "which column holds the name"),
        (["name=Denominazione", "colour=Comune"], "unknown field"),
        (["name=Ragione sociale"], "has no column 'Ragione sociale'; its columns are: Codice, Denominazione"),
        (["name"], "should read FIELD=COLUMN"),
    ],
)
def test_a_bad_mapping_is_explained(pairs, message):
    with pytest.raises(SourceFileError, match=message):
        list(tabular.parse(SAMPLE / "members.csv", tabular.mapping_from_options("m", pairs)))


def test_an_xlsx_sheet_with_dates_and_numbers(tmp_path):
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Soci"
    sheet.append(["Denominazione", "Comune", "Lat", "Lon", "Dal"])
    sheet.append(["Esempio Pharma S.p.A.", "Milano", 45.48, 9.2, date(2020, 5, 1)])
    sheet.append([None, None, None, None, None])
    sheet.append(["Biotech Esempio", "Bresso", "not a number", None, None])
    path = tmp_path / "members.xlsx"
    book.save(path)
    mapping = tabular.mapping_from_options("x", ["name=Denominazione", "city=Comune", "lat=Lat", "lon=Lon"])
    mapping.sheet = "Soci"
    items = list(tabular.parse(path, mapping))
    assert items[0].candidate["lat"] == 45.48 and items[0].raw["Dal"] == "2020-05-01"
    assert items[1] == Rejected(4, "lat/lon", "line 4: coordinates must be decimal numbers")
    mapping.sheet = "Foglio2"
    with pytest.raises(SourceFileError, match="no sheet 'Foglio2'; its sheets are: Soci"):
        list(tabular.parse(path, mapping))


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("Denominazione\nAlfa\n")
    with pytest.raises(SourceFileError, match="not a readable XLSX"):
        list(tabular.parse(path, tabular.mapping_from_options("x", ["name=Denominazione"])))


@pytest.mark.django_db
def test_loading_under_the_mapping_name_twice():
    first = load("csv", SAMPLE / "members.csv", mapping=_yaml_mapping())
    second = load("csv", SAMPLE / "members.csv", mapping=_yaml_mapping())
    assert first.stage.source == "csv:members-example" and first.stage.new == 4
    assert (second.stage.new, second.stage.unchanged) == (0, 4)
    assert StagedRecord.objects.filter(source="csv:members-example").count() == 4
