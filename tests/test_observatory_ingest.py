"""`lshub ingest eurostat` and `lshub ingest csv`: flags kept, bad input refused whole, nothing overwritten silently."""

import gzip
import shutil
from decimal import Decimal

from click.testing import CliRunner

from conftest import SAMPLES, shared_fixture
from lshub.observatory.cli import ingest
from lshub.observatory.models import Geography, Observation
from lshub.observatory.services.eurostat import ingest_eurostat
from lshub.observatory.services.tables import ingest_table

EUROSTAT = SAMPLES / "eurostat"


def _stored(indicator, geo, year, source_url_contains=""):
    """The one stored observation; `source_url_contains` picks it when other sources give the same year."""
    rows = Observation.objects.filter(indicator=indicator, geo=geo, period=year)
    return rows.get(source__url__contains=source_url_contains)


# ---- Eurostat TSV ----------------------------------------------------------------------------


def test_tsv_flags_become_status_and_missing_values_stay_gaps(db):
    report = ingest_eurostat(EUROSTAT / "htec_emp_reg2_sample.tsv")
    assert report.ok, report.errors
    assert (report.format, report.dataset, report.added) == ("TSV", "htec_emp_reg2", 12)
    assert report.by_indicator == {"hightech_employment_share": 12}
    assert any("THS" in w for w in report.warnings)  # the series nobody defined is named, not loaded

    plain = _stored("hightech_employment_share", "ITC4", 2021)
    assert (plain.value, plain.status, plain.flags) == (Decimal("5.1"), "sourced", "")
    brk = _stored("hightech_employment_share", "ITC4", 2022)
    assert (brk.value, brk.status, brk.flags) == (Decimal("5.3"), "sourced", "b")
    assert _stored("hightech_employment_share", "ITC4", 2023).status == "provisional"
    assert _stored("hightech_employment_share", "ITC1", 2021).status == "estimate"
    assert _stored("hightech_employment_share", "DE1", 2022).status == "low_reliability"
    missing = _stored("hightech_employment_share", "ITC1", 2022)
    assert (missing.value, missing.status) == (None, "gap")
    secret = _stored("hightech_employment_share", "ITC1", 2023)
    assert (secret.value, secret.status, secret.flags) == (None, "confidential", "c")
    assert secret.source.publisher == "Eurostat" and "htec_emp_reg2" in secret.source.url


def test_loading_the_same_file_twice_changes_nothing(db):
    assert ingest_eurostat(EUROSTAT / "htec_emp_reg2_sample.tsv").added == 12
    again = ingest_eurostat(EUROSTAT / "htec_emp_reg2_sample.tsv")
    assert again.ok and again.added == 0 and again.unchanged == 12


def test_dry_run_writes_nothing(db):
    before = Observation.objects.count()
    report = ingest_eurostat(EUROSTAT / "htec_emp_reg2_sample.tsv", dry_run=True)
    assert report.ok and report.dry_run and report.added == 12
    assert Observation.objects.count() == before


def test_gzipped_files_are_read(db, tmp_path):
    target = tmp_path / "htec_emp_reg2.tsv.gz"
    with open(EUROSTAT / "htec_emp_reg2_sample.tsv", "rb") as source, gzip.open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    assert ingest_eurostat(target).added == 12


def test_broken_header_is_refused_with_a_clear_message(db):
    report = ingest_eurostat(EUROSTAT / "broken_header.tsv", dataset="nama_10r_3gdp")
    assert not report.ok
    assert "line 1" in report.errors[0] and "TIME_PERIOD" in report.errors[0]


def test_non_numeric_cells_are_reported_with_line_and_column_and_nothing_is_written(db):
    before = Observation.objects.count()
    report = ingest_eurostat(EUROSTAT / "non_numeric.tsv", dataset="rd_e_gerdreg")
    assert not report.ok
    assert "line 2, column '2021': '5,000 ' is not a number" in report.errors[0]
    assert any("line 3, column '2022': 'n/a '" in e for e in report.errors)
    assert Observation.objects.count() == before


def test_a_row_with_too_many_cells_is_refused(db):
    report = ingest_eurostat(EUROSTAT / "ragged.tsv", dataset="rd_e_gerdreg")
    assert not report.ok and "line 3 has 4 cells where the header has 3" in report.errors[0]


def test_only_annual_periods_are_accepted(db):
    report = ingest_eurostat(EUROSTAT / "quarterly.tsv", dataset="rd_e_gerdreg")
    assert not report.ok and any("'2021-Q1': not a year" in e for e in report.errors)


def test_unknown_geographies_are_reported_created_or_skipped_on_request(db):
    refused = ingest_eurostat(EUROSTAT / "unknown_geo.tsv", dataset="rd_e_gerdreg")
    assert not refused.ok and "EU27_2020, ZZ99" in refused.errors[0] and "--create-geographies" in refused.errors[0]
    assert not Observation.objects.filter(indicator="gerd").exists()

    skipped = ingest_eurostat(EUROSTAT / "unknown_geo.tsv", dataset="rd_e_gerdreg", skip_unknown_geographies=True)
    assert skipped.ok and skipped.added == 2 and skipped.skipped == 4 and "ZZ99" in skipped.warnings[0]

    # EU27_2020 is not a NUTS code, so it cannot be created: still refused.
    created = ingest_eurostat(EUROSTAT / "unknown_geo.tsv", dataset="rd_e_gerdreg", create_geographies=True)
    assert not created.ok and "EU27_2020" in created.errors[0]
    assert not Geography.objects.filter(code="ZZ99").exists()  # rolled back with the rest


def test_create_geographies_adds_nuts_regions_with_their_level(db):
    path = shared_fixture("eurostat", "nama_10r_3gdp_sample.tsv")
    report = ingest_eurostat(path, create_geographies=True)
    assert report.ok, report.errors
    region = Geography.objects.get(code="AL011")
    assert (region.level, region.country, region.parent_id) == (3, "AL", "AL01")


def test_duplicates_with_different_values_are_a_conflict(db):
    report = ingest_eurostat(EUROSTAT / "duplicates.tsv", dataset="rd_e_gerdreg")
    assert not report.ok
    assert "gerd ITC4 2022" in report.conflicts[0] and "5200" in report.conflicts[0] and "5300" in report.conflicts[0]
    assert not Observation.objects.filter(indicator="gerd").exists()


def test_a_stored_value_is_never_overwritten_silently(db, tmp_path):
    assert ingest_eurostat(EUROSTAT / "rd_e_gerdreg_sample.tsv").added == 16
    revised = tmp_path / "rd_e_gerdreg.tsv"
    revised.write_text((EUROSTAT / "rd_e_gerdreg_sample.tsv").read_text().replace("5200 p", "5250 "))

    refused = ingest_eurostat(revised)
    assert not refused.ok and refused.conflict_count == 1
    assert "stored 5200" in refused.conflicts[0] and "5250" in refused.conflicts[0]
    assert _stored("gerd", "ITC4", 2022).value == Decimal(5200)

    kept = ingest_eurostat(revised, on_conflict="keep")
    assert kept.ok and kept.kept == 1 and _stored("gerd", "ITC4", 2022).value == Decimal(5200)

    replaced = ingest_eurostat(revised, on_conflict="replace")
    assert replaced.ok and replaced.replaced == 1 and replaced.conflicts
    row = _stored("gerd", "ITC4", 2022)
    assert (row.value, row.status) == (Decimal(5250), "sourced")


def test_sdmx_csv_is_read_with_its_dataflow_and_flags(db):
    report = ingest_eurostat(EUROSTAT / "demo_r_d2jan_sample.csv")
    assert report.ok, report.errors
    assert (report.format, report.dataset, report.added) == ("SDMX-CSV", "demo_r_d2jan", 11)
    assert any("sex=F" in w for w in report.warnings)
    # The embedded data has Istat's figures for the same years: select the Eurostat rows.
    assert _stored("population", "ITC4", 2022, "demo_r_d2jan").status == "provisional"
    empty = _stored("population", "ITC1", 2022, "demo_r_d2jan")
    assert (empty.value, empty.status) == (None, "gap")


def test_sdmx_csv_bad_cells_and_header(db):
    report = ingest_eurostat(EUROSTAT / "sdmx_bad_values.csv")
    assert not report.ok
    assert "line 2, column 'OBS_VALUE': 'ten million' is not a number" in report.errors
    assert "line 3, column 'OBS_FLAG': 'X' is not a Eurostat flag" in report.errors
    assert any("line 4, column 'TIME_PERIOD'" in e for e in report.errors)
    header = ingest_eurostat(EUROSTAT / "sdmx_no_value_column.csv")
    assert not header.ok and "lacks OBS_VALUE" in header.errors[0]


def test_a_file_whose_dataset_is_unknown_says_how_to_name_it(db, tmp_path):
    path = tmp_path / "download.tsv"
    shutil.copy(EUROSTAT / "rd_e_gerdreg_sample.tsv", path)
    report = ingest_eurostat(path)
    assert not report.ok and "--dataset" in report.errors[0]
    assert ingest_eurostat(path, dataset="rd_e_gerdreg").ok


def test_the_real_eurostat_fixture(db):
    path = shared_fixture("eurostat", "nama_10r_3gdp_sample.tsv")
    report = ingest_eurostat(path, create_geographies=True)
    assert report.ok and report.dataset == "nama_10r_3gdp"
    assert report.added == 9 * 25  # 9 regions x 25 years, ':' cells included as gaps
    assert _stored("gdp_per_inhabitant", "AL01", 2008).value == Decimal(2400)
    assert _stored("gdp_per_inhabitant", "AL", 2023).value is None
    assert Observation.objects.filter(indicator="gdp_per_inhabitant", value=0).count() == 0


def test_cli_eurostat_reports_and_exits_non_zero_on_errors(db):
    runner = CliRunner()
    ok = runner.invoke(ingest, ["eurostat", str(EUROSTAT / "htec_emp_reg2_sample.tsv"), "--dry-run"])
    assert ok.exit_code == 0, ok.output
    assert "dry run" in ok.output and "would add 12" in ok.output and "hightech_employment_share: 12" in ok.output
    bad = runner.invoke(ingest, ["eurostat", str(EUROSTAT / "non_numeric.tsv"), "--dataset", "rd_e_gerdreg"])
    assert bad.exit_code == 1 and "'5,000 ' is not a number" in bad.output
    both = runner.invoke(ingest, ["eurostat", str(EUROSTAT / "htec_emp_reg2_sample.tsv"), "--keep-existing", "--replace"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    missing = runner.invoke(ingest, ["eurostat", "no-such-file.tsv"])
    assert missing.exit_code == 1 and "no such file" in missing.output


# ---- indicator tables (CSV) -----------------------------------------------------------------

HEADER = "indicator,geo,period,value,unit,status,qualifier,share_of_national,source_url,note\n"


def _table(tmp_path, *rows):
    path = tmp_path / "table.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_csv_table_loads_a_row_and_round_trips_the_export(db, tmp_path):
    path = _table(tmp_path, "pharma_exports,ITC1,2023,1.5,EUR bn,sourced,about,,https://example.org/exports,test row")
    report = ingest_table(path)
    assert report.ok and report.added == 1
    row = _stored("pharma_exports", "ITC1", 2023)
    assert (row.value, row.qualifier, row.source.url) == (Decimal("1.5"), "about", "https://example.org/exports")


def test_csv_table_reports_every_bad_row_and_writes_nothing(db, tmp_path):
    path = _table(
        tmp_path,
        "no_such_indicator,ITC4,2023,1,,,,,https://example.org/a,",
        "pharma_exports,ITC4,20x3,1,,,,,https://example.org/a,",
        "pharma_exports,ITC4,2023,one,,,,,https://example.org/a,",
        "pharma_exports,ITC4,2023,1,persons,,,,https://example.org/a,",
        "pharma_exports,ITC4,2023,1,,gap,,,https://example.org/a,",
        "pharma_exports,ITC4,2023,,,sourced,,,https://example.org/a,",
        "pharma_exports,ITC4,2023,1,,,,140,https://example.org/a,",
        "pharma_exports,ITC4,2023,1,,,,,,",
        "pharma_exports,ZZ99,2023,1,,,,,https://example.org/a,",
    )
    before = Observation.objects.count()
    report = ingest_table(path)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "line 2, column 'indicator': unknown indicator 'no_such_indicator'" in text
    assert "line 3, column 'period': '20x3' is not a year" in text
    assert "line 4, column 'value': 'one' is not a number" in text
    assert "line 5, column 'unit': 'persons' but pharma_exports is measured in 'EUR bn'" in text
    assert "line 6, column 'value': a row with status gap has no value" in text
    assert "line 7, column 'value': empty, but status sourced needs a value" in text
    assert "line 8, column 'share_of_national': 140 is not a percentage" in text
    assert "line 9, column 'source_url'" in text
    assert Observation.objects.count() == before


def test_csv_table_unknown_region_and_missing_columns(db, tmp_path):
    report = ingest_table(_table(tmp_path, "pharma_exports,ZZ99,2023,1,,,,,https://example.org/a,"))
    assert not report.ok and "ZZ99" in report.errors[0]
    bare = tmp_path / "bare.csv"
    bare.write_text("indicator,value\npharma_exports,1\n", encoding="utf-8")
    missing = ingest_table(bare)
    assert not missing.ok and "missing columns: geo, source_url" in missing.errors[0]


def test_csv_table_accepts_the_reference_export_columns(db, tmp_path):
    path = tmp_path / "reference.csv"
    path.write_text(
        "indicator_id,label_en,label_it,region,value,unit,year,share_of_national_pct,source_url,source_note,status\n"
        "pharma_exports,x,x,ITH3,2.5,EUR bn,2023,,https://example.org/veneto,a note,sourced\n",
        encoding="utf-8",
    )
    report = ingest_table(path)
    assert report.ok, report.errors
    assert _stored("pharma_exports", "ITH3", 2023).note == "a note"


def test_csv_table_conflict_with_the_embedded_figures(db, tmp_path):
    url = "https://www.agenziaimpress.it/il-successo-dellindustria-farmaceutica-da-nord-a-sud-dellitalia-lombardia-prima-per-export-e-occupati/"
    report = ingest_table(_table(tmp_path, f"pharma_exports,ITC4,2023,9.9,EUR bn,sourced,,,{url},"))
    assert not report.ok and "stored 9.8" in report.conflicts[0]
    assert _stored("pharma_exports", "ITC4", 2023).value == Decimal("9.8")


def test_cli_csv_dry_run(db, tmp_path):
    path = _table(tmp_path, "pharma_exports,ITC1,2023,1.5,EUR bn,,,,https://example.org/exports,")
    result = CliRunner().invoke(ingest, ["csv", str(path), "--dry-run"])
    assert result.exit_code == 0 and "would add 1" in result.output
    assert not Observation.objects.filter(indicator="pharma_exports", geo="ITC1").exists()
