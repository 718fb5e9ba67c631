"""`lshub export` and `lshub import` on the real registry."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from lshub.cli import main
from lshub.registry.models import Organisation

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
INJECTION = "=cmd|' /C calc'!A0"


def run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


# --- export --------------------------------------------------------------------------------


def test_csv_goes_to_stdout_and_parses_back():
    result = run("export", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == Organisation.objects.count()
    assert next(r for r in rows if r["key"] == "int")["name"] == "Fondazione IRCCS Istituto Nazionale dei Tumori"


def test_json_and_geojson_parse_back():
    rows = json.loads(run("export", "--format", "json").stdout)
    assert len(rows) == Organisation.objects.count() and rows[0]["key"]
    collection = json.loads(run("export", "--format", "geojson").stdout)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) > 100


def test_xlsx_to_a_file_parses_back(tmp_path):
    path = tmp_path / "registry.xlsx"
    result = run("export", "--format", "xlsx", "--output", path)
    assert result.exit_code == 0 and f"wrote {path}" in result.stderr
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == Organisation.objects.count() + 1
    assert not path.with_name("registry.xlsx.part").exists()


def test_xlsx_to_redirected_stdout_is_a_workbook(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "xlsx"])
    assert result.exit_code == 0
    path = tmp_path / "out.xlsx"
    path.write_bytes(result.stdout_bytes)
    assert load_workbook(path, read_only=True).worksheets[0]["A1"].value == "key"


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    Organisation.objects.create(slug="aaa-injection", name=INJECTION, type="company")
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert rows[0]["name"] == "'" + INJECTION
    path = tmp_path / "registry.xlsx"
    run("export", "--format", "xlsx", "-o", path)
    cell = load_workbook(path).worksheets[0]["B2"]
    assert cell.value == "'" + INJECTION and cell.data_type == "s"


def test_an_unknown_format_is_a_usage_error():
    result = run("export", "--format", "pdf")
    assert result.exit_code == 2 and "'pdf' is not one of" in result.stderr


# --- import --------------------------------------------------------------------------------


def test_three_bad_rows_are_reported_and_nothing_is_written():
    count = Organisation.objects.count()
    result = run("import", SAMPLES / "organisations_three_bad_rows.csv")
    assert result.exit_code == 1
    assert "row 4, column type: unknown type 'hopsital'" in result.stderr
    assert "row 5, column province: unknown province 'ZZ'" in result.stderr
    assert "row 6, column founded: '19x8' is not a whole number" in result.stderr
    assert "nothing was written: 3 bad row(s)" in result.stderr
    assert "Traceback" not in result.output
    assert Organisation.objects.count() == count


def test_partial_writes_the_good_rows_and_exits_zero():
    result = run("import", SAMPLES / "organisations_three_bad_rows.csv", "--partial")
    assert result.exit_code == 0, result.output
    assert "created: 2  (test-biolab-alfa, test-biolab-beta)" in result.stdout
    assert "row 4, column type" in result.stderr and "written." in result.stdout
    assert set(Organisation.objects.filter(slug__startswith="test-biolab").values_list("slug", flat=True)) == {
        "test-biolab-alfa",
        "test-biolab-beta",
    }


def test_dry_run_writes_nothing():
    count = Organisation.objects.count()
    result = run("import", SAMPLES / "organisations_semicolon_bom.csv", "--dry-run")
    assert result.exit_code == 0
    assert "(dry run)" in result.stdout and "created: 2" in result.stdout
    assert "dry run: nothing was written." in result.stdout
    assert Organisation.objects.count() == count


def test_conflicts_are_listed_and_kept_unless_overwrite(tmp_path):
    path = tmp_path / "int.csv"
    path.write_text(
        "key,name,type,website\nint,Fondazione IRCCS Istituto Nazionale dei Tumori,irccs,https://other.example.org\n"
    )
    result = run("import", path)
    assert result.exit_code == 0
    assert "conflicts: 1" in result.stdout and "column website" in result.stdout and "--overwrite" in result.stdout
    assert Organisation.objects.get(slug="int").website == "https://www.istitutotumori.mi.it"
    result = run("import", path, "--overwrite")
    assert result.exit_code == 0 and "overwritten: 1" in result.stdout
    assert Organisation.objects.get(slug="int").website == "https://other.example.org"


def test_an_unknown_column_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("key,name,type,colour\ntest-x,X,company,blue\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert "unknown column 'colour'" in result.stderr and "accepted columns are: key, name" in result.stderr


def test_a_latin1_file_is_refused_with_advice():
    result = run("import", SAMPLES / "organisations_latin1.csv")
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr and "CSV UTF-8" in result.stderr and "Traceback" not in result.output


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    result = run("import", path)
    assert result.exit_code == 1 and "the file is empty" in result.stderr


def test_a_50_megabyte_file_is_refused(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"key,name,type\n")
        handle.write(b"test-huge,Huge,company\n" * (50 * 1024 * 1024 // 23 + 1))
    result = run("import", path)
    assert result.exit_code == 1 and "larger than the import limit of 20.0 MB" in result.stderr
    assert not Organisation.objects.filter(slug="test-huge").exists()
    result = run("import", SAMPLES / "organisations_semicolon_bom.csv", "--max-size", "0.0001")
    assert result.exit_code == 1 and "larger than the import limit" in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = run("import", tmp_path / "nowhere.csv")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_an_export_imports_back_with_no_changes(tmp_path):
    path = tmp_path / "registry.csv"
    assert run("export", "--format", "csv", "--output", path).exit_code == 0
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0
    count = Organisation.objects.count()
    assert f"created: 0\nupdated: 0\nunchanged: {count}\nconflicts: 0\n" in result.stdout


def test_a_row_with_two_problems_counts_once_and_lists_both(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("key,name,type,founded\ntest-two,Two,spaceship,19x\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert "bad rows: 1" in result.stderr and "1 bad row(s)" in result.stderr
    assert "row 2, column type" in result.stderr and "row 2, column founded" in result.stderr


def test_an_unwritable_output_is_an_error_without_traceback(tmp_path):
    result = run("export", "--output", tmp_path / "missing-folder" / "registry.csv")
    assert result.exit_code == 1 and "cannot write" in result.stderr and "Traceback" not in result.output
