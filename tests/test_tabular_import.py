"""Importing organisations from CSV/XLSX: every bad row reported, all or nothing, curated values kept."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from simple_history.utils import get_history_model_for_model

from lshub.registry.models import Alias, Identifier, Organisation, OrganisationSource, Site
from lshub.registry.services import tabular
from lshub.registry.services.directory import DirectoryQuery, browse

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
HistoricalOrganisation = get_history_model_for_model(Organisation)


def write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def registry_state() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        HistoricalOrganisation.objects.count(),
        Site.objects.count(),
        OrganisationSource.objects.count(),
    )


# --- bad rows -------------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_with_its_row_and_column():
    before = registry_state()
    report = tabular.import_file(SAMPLES / "organisations_every_error.csv")
    # Row numbers as a spreadsheet shows them: the header is row 1, the two-line
    # description stays in row 2 and the blank row 5 still counts.
    assert {(error.row, error.column) for error in report.errors} == {
        (3, "type"),
        (4, "ownership"),
        (6, "province"),
        (7, "comune"),
        (8, "founded"),
        (9, "employees"),
        (10, "website"),
        (11, "specialisations"),
        (12, "identifiers"),
        (13, "key"),
        (14, "name"),
        (15, "identifiers"),
        (16, "istat_code"),
    }
    reasons = {error.row: error.reason for error in report.errors}
    assert "laboratory" in reasons[3] and "irccs" in reasons[3]  # names the value and the accepted ones
    assert "Atlantide" in reasons[7]
    assert "also on row 2" in reasons[13]
    assert "besta" in reasons[15]
    assert str(report.errors[0]).startswith("row 3, column type: ")
    assert report.refused and not report.written
    assert registry_state() == before


def test_three_bad_rows_are_all_reported_and_nothing_is_written():
    before = registry_state()
    report = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv")
    assert [(e.row, e.column) for e in report.errors] == [(4, "type"), (5, "province"), (6, "founded")]
    assert report.created == ["test-biolab-alfa", "test-biolab-beta"]  # what the good rows would do
    assert not report.written
    assert registry_state() == before
    assert not Organisation.objects.filter(slug__startswith="test-biolab").exists()


def test_partial_writes_the_good_rows_with_their_sites_links_and_history():
    report = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True)
    assert report.written and len(report.errors) == 3
    assert set(Organisation.objects.filter(slug__startswith="test-biolab").values_list("slug", flat=True)) == {
        "test-biolab-alfa",
        "test-biolab-beta",
    }
    alfa = Organisation.objects.get(slug="test-biolab-alfa")
    assert (alfa.type, alfa.ownership, alfa.founded, alfa.website) == (
        "company",
        "private",
        2004,
        "https://alfa.example.org",
    )
    site = alfa.sites.get()
    assert (site.comune, site.province, site.istat_code, site.nuts3, site.is_headquarters) == (
        "Milano",
        "MI",
        "015146",
        "ITC4C",
        True,
    )
    assert site.latitude and site.coordinates_precision == "municipality"
    assert list(alfa.specialisation_links.values_list("specialisation__code", flat=True)) == ["oncology"]
    assert alfa.identifiers.get().value == "Q99999901"
    urls = set(alfa.source_links.values_list("source__url", flat=True))
    assert urls == {"https://alfa.example.org/about", "file:organisations_three_bad_rows.csv"}
    assert alfa.history.first().history_change_reason == "import organisations_three_bad_rows.csv"
    assert site.history.first().history_change_reason == "import organisations_three_bad_rows.csv"


def test_imported_organisations_are_searchable_at_once():
    tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True)
    page = browse(DirectoryQuery(q="biolab alfa"), with_facets=False)
    assert [o.slug for o in page.organisations] == ["test-biolab-alfa"]


def test_dry_run_writes_nothing_and_predicts_the_real_run():
    before = registry_state()
    dry = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True, dry_run=True)
    assert not dry.written and registry_state() == before
    real = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True)
    assert real.created == dry.created and real.updated == dry.updated


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True)
    before = registry_state()
    again = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", partial=True)
    assert again.created == [] and again.updated == {} and not again.written
    assert sorted(again.unchanged) == ["test-biolab-alfa", "test-biolab-beta"]
    assert registry_state() == before


# --- reading files --------------------------------------------------------------------------


def test_semicolons_a_byte_order_mark_and_decimal_commas_are_understood():
    report = tabular.import_file(SAMPLES / "organisations_semicolon_bom.csv")
    assert report.errors == [] and report.written
    uno = Organisation.objects.get(slug="test-semi-uno")
    assert uno.name == "Laboratorio Uno, Ricerca"
    assert set(uno.aliases.values_list("name", flat=True)) == {"Lab Uno", "LU"}
    site = uno.sites.get()
    assert (site.latitude, site.longitude, site.coordinates_precision) == (45.1847, 9.1582, "")
    due = Organisation.objects.get(slug="test-semi-due")
    assert due.sites.get().province == "PG" and due.description_it == "Fondazione per la ricerca"


def test_a_latin1_file_is_refused_with_advice_to_save_as_utf8():
    with pytest.raises(tabular.ImportFileError, match=r"not UTF-8.*line 2.*CSV UTF-8"):
        tabular.import_file(SAMPLES / "organisations_latin1.csv")
    assert not Organisation.objects.filter(slug="test-universita-x").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\r\n  \r\n", "the file is empty"),
        (b"key,name,type\r\n", "header row but no organisations"),
        (b"key,name,type\n,,\n", "header row but no organisations"),
    ],
)
def test_empty_files_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(tabular.ImportFileError, match=message):
        tabular.import_file(path)


def test_an_unknown_column_is_named_with_the_accepted_ones(tmp_path):
    path = write_csv(tmp_path / "x.csv", [{"key": "test-x", "name": "X", "type": "company", "colour": "blue"}])
    with pytest.raises(tabular.ImportFileError) as caught:
        tabular.import_file(path)
    message = str(caught.value)
    assert "'colour'" in message and "key, name, short_name" in message and "sources" in message


def test_missing_required_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "x.csv", [{"key": "test-x", "website": "https://x.example.org"}])
    with pytest.raises(tabular.ImportFileError, match="required columns are missing: name, type"):
        tabular.import_file(path)


def test_header_names_are_case_and_space_insensitive(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(" Key , NAME,Type\ntest-x,X Lab,company\n", encoding="utf-8")
    report = tabular.import_file(path)
    assert report.created == ["test-x"]


def test_a_50_megabyte_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    line = "test-huge-{},Huge Organisation Number {},company," + "x" * 200 + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("key,name,type,description_en\n")
        number = 0
        while handle.tell() < 50 * 1024 * 1024:
            handle.write("".join(line.format(n, n) for n in range(number, number + 10_000)))
            number += 10_000
        handle.truncate(50 * 1024 * 1024)
    assert path.stat().st_size == 50 * 1024 * 1024
    before = registry_state()
    with pytest.raises(tabular.ImportFileError, match=r"50\.0 MB, larger than the import limit of 20\.0 MB"):
        tabular.import_file(path)
    assert registry_state() == before


def test_the_size_limit_is_configurable(settings):
    settings.LSHUB_IMPORT_MAX_BYTES = 100
    with pytest.raises(tabular.ImportFileError, match="larger than the import limit"):
        tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv")
    report = tabular.import_file(SAMPLES / "organisations_three_bad_rows.csv", max_bytes=10_000, dry_run=True)
    assert len(report.errors) == 3


def test_xlsx_import_with_spreadsheet_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["key", "name", "type", "founded", "employees", "latitude", "longitude", "comune", "province"])
    sheet.append(["test-xl-one", "Excel One", "company", 1999, 120, 45.5, 9.2, "Milano", "MI"])
    sheet.append([])
    sheet.append(["test-xl-two", "Excel Two", "company", "around 1990", None, None, None, "", ""])
    path = tmp_path / "orgs.xlsx"
    workbook.save(path)
    report = tabular.import_file(path, partial=True)
    assert [(e.row, e.column) for e in report.errors] == [(4, "founded")]
    one = Organisation.objects.get(slug="test-xl-one")
    assert (one.founded, one.employees) == (1999, 120)
    assert (one.sites.get().latitude, one.sites.get().longitude) == (45.5, 9.2)


def test_an_old_xls_workbook_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(tabular.ImportFileError, match=r"\.xls workbooks are not supported"):
        tabular.import_file(path)


# --- existing organisations: fill, conflicts, overwrite ----------------------------------------


def test_a_differing_curated_value_is_a_conflict_and_kept(tmp_path):
    int_ = Organisation.objects.get(slug="int")
    assert int_.employees is None
    path = write_csv(
        tmp_path / "int.csv",
        [
            {
                "key": "int",
                "name": int_.name,
                "type": "irccs",
                "website": "https://other.example.org",
                "employees": "2000",
            }
        ],
    )
    report = tabular.import_file(path)
    assert report.updated == {"int": ["employees"]}
    assert [(c.row, c.key, c.column, c.current, c.incoming) for c in report.conflicts] == [
        (2, "int", "website", int_.website, "https://other.example.org")
    ]
    int_.refresh_from_db()
    assert int_.website == "https://www.istitutotumori.mi.it" and int_.employees == 2000


def test_overwrite_replaces_the_conflicting_value(tmp_path):
    path = write_csv(
        tmp_path / "int.csv",
        [{"key": "int", "name": "INT Milano", "type": "irccs", "website": "https://other.example.org"}],
    )
    report = tabular.import_file(path, overwrite=True)
    assert report.conflicts == [] and {c.column for c in report.overwritten} == {"name", "website"}
    int_ = Organisation.objects.get(slug="int")
    assert (int_.name, int_.website) == ("INT Milano", "https://other.example.org")
    assert int_.history.first().history_change_reason == "import int.csv"


def test_empty_cells_never_clear_a_value(tmp_path):
    besta = Organisation.objects.get(slug="besta")
    path = write_csv(
        tmp_path / "b.csv", [{"key": "besta", "name": besta.name, "type": "irccs", "website": "", "founded": ""}]
    )
    report = tabular.import_file(path, overwrite=True)
    assert report.unchanged == ["besta"] and not report.written
    besta.refresh_from_db()
    assert besta.website and besta.founded == 1918


def test_list_columns_only_add(tmp_path):
    besta = Organisation.objects.get(slug="besta")
    aliases_before = set(besta.aliases.values_list("name", flat=True))
    path = write_csv(
        tmp_path / "b.csv",
        [
            {
                "key": "besta",
                "name": besta.name,
                "type": "irccs",
                "aliases": "Neurologico Besta di Milano",
                "specialisations": "rare-diseases",
            }
        ],
    )
    report = tabular.import_file(path)
    assert report.updated == {"besta": ["aliases", "specialisations"]}
    assert set(besta.aliases.values_list("name", flat=True)) == aliases_before | {"Neurologico Besta di Milano"}
    assert set(besta.specialisation_links.values_list("specialisation__code", flat=True)) >= {
        "neurology",
        "rare-diseases",
    }
    assert (
        Alias.objects.get(organisation=besta, name="Neurologico Besta di Milano").history.first().history_change_reason
        == "import b.csv"
    )


def test_another_value_for_a_held_identifier_scheme_is_a_conflict(tmp_path):
    path = write_csv(
        tmp_path / "b.csv",
        [
            {
                "key": "besta",
                "name": "Fondazione IRCCS Istituto Neurologico Carlo Besta",
                "type": "irccs",
                "identifiers": "ror:0000000xx",
            }
        ],
    )
    report = tabular.import_file(path)
    assert [(c.column, c.current, c.incoming) for c in report.conflicts] == [
        ("identifiers", "ror:05rbx8m02", "ror:0000000xx")
    ]
    assert Identifier.objects.get(organisation__slug="besta", scheme="ror").value == "05rbx8m02"
    tabular.import_file(path, overwrite=True)
    assert list(
        Identifier.objects.filter(organisation__slug="besta", scheme="ror").values_list("value", flat=True)
    ) == ["0000000xx"]


def test_a_different_municipality_is_a_conflict_until_overwritten(tmp_path):
    rows = [
        {
            "key": "besta",
            "name": "Fondazione IRCCS Istituto Neurologico Carlo Besta",
            "type": "irccs",
            "comune": "Pavia",
            "province": "PV",
        }
    ]
    path = write_csv(tmp_path / "b.csv", rows)
    report = tabular.import_file(path)
    assert [(c.column, c.current, c.incoming) for c in report.conflicts] == [("comune", "Milano (MI)", "Pavia (PV)")]
    assert Site.objects.get(organisation__slug="besta").comune == "Milano"
    tabular.import_file(path, overwrite=True)
    site = Site.objects.get(organisation__slug="besta")
    assert (site.comune, site.province, site.istat_code) == ("Pavia", "PV", "018110")


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_export_imports_back_with_no_changes(tmp_path, suffix):
    path = tmp_path / f"registry.{suffix}"
    if suffix == "xlsx":
        tabular.export("xlsx", path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            tabular.export("csv", handle)
    report = tabular.import_file(path, dry_run=True)
    assert report.errors == [] and report.conflicts == []
    assert report.created == [] and report.updated == {}
    assert len(report.unchanged) == Organisation.objects.count()


def test_an_edited_export_reports_only_the_edit(tmp_path):
    edited = Organisation.objects.filter(founded__isnull=True).exclude(website="").order_by("slug").first()
    text = io.StringIO()
    tabular.export("csv", text)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    for row in rows:
        if row["key"] == edited.slug:
            row["founded"] = "1991"  # fills a gap
            row["website"] = "https://changed.example.org"  # contradicts a curated value
    report = tabular.import_file(write_csv(tmp_path / "edited.csv", rows), dry_run=True)
    assert report.updated == {edited.slug: ["founded"]}
    assert [(c.key, c.column) for c in report.conflicts] == [(edited.slug, "website")]


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    with pytest.raises(tabular.ImportFileError, match="not a readable XLSX workbook"):
        tabular.import_file(path)


def test_empty_trailing_columns_are_ignored_but_a_stray_value_is_reported(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("key,name,type,,\ntest-x,X Lab,company,,\ntest-y,Y Lab,company,,stray\n", encoding="utf-8")
    report = tabular.import_file(path, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "(column 5)")]
    assert report.created == ["test-x"]
