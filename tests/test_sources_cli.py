"""`lshub ingest` commands: summaries, dry runs, reports, and errors without tracebacks."""

import json
import zipfile

import click
import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from lshub.sources.cli import commands
from lshub.sources.models import StagedRecord, Trial

pytestmark = pytest.mark.django_db
ingest = click.Group("ingest", commands={c.name: c for c in commands})


def run(*args):
    return CliRunner().invoke(ingest, [str(a) for a in args], catch_exceptions=False)


def test_the_commands_are_exported_under_distinct_names():
    assert sorted(c.name for c in commands) == ["ctgov", "minsalute", "orgs-csv", "ror"]


def test_a_load_prints_its_summary_and_the_rejections():
    result = run("ror", SAMPLES / "ror" / "dump.json")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["read", "new", "updated", "unchanged", "queued", "rejected", "file"]
    assert lines[1].split() == ["4", "3", "0", "0", "0", "1", "dump.json"]
    assert "rejected record 3 (name): 05sample4 has no display name" in result.stderr  # bad rows on stderr
    assert "rejected" not in result.stdout.split("\n", 1)[1]


def test_a_dry_run_writes_nothing_and_says_so():
    result = run("ror", SAMPLES / "ror" / "dump.json", "--dry-run")
    assert result.exit_code == 0 and "dry run: nothing written" in result.output
    assert result.output.splitlines()[2].split()[:2] == ["4", "3"]
    assert not StagedRecord.objects.filter(source="ror", record_id__startswith="05sample").exists()


def test_a_folder_loads_every_file_and_the_report_lists_them(tmp_path):
    report = tmp_path / "report.json"
    result = run("ctgov", SAMPLES / "ctgov", "--report", report)
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert [d["file"] for d in data] == ["classic.json", "legacy.xml", "v2_page.json", "v2_study.json"]
    assert data[0]["rejected"] == [{"record": 2, "field": "title", "reason": "NCT09000012 has no title"}]
    assert "total of 4 files" in result.output and Trial.objects.filter(nct_id__startswith="NCT0900").count() == 5


def test_a_broken_file_exits_1_with_a_plain_message(tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "no data")
    result = CliRunner().invoke(ingest, ["ror", str(archive)])
    assert result.exit_code == 1
    assert "error: empty.zip: the archive empty.zip holds no JSON file" in result.output
    assert "Traceback" not in result.output


def test_minsalute_with_a_forced_encoding_that_does_not_fit():
    result = CliRunner().invoke(
        ingest, ["minsalute", str(SAMPLES / "minsalute" / "aziende.csv"), "--encoding", "utf-8"]
    )
    assert result.exit_code == 1 and "is not valid utf-8 near line" in result.output


def test_orgs_csv_with_a_command_line_mapping():
    result = run(
        "orgs-csv",
        SAMPLES / "csv" / "members.csv",
        "--map",
        "name=Denominazione",
        "--map",
        "id=Codice",
        "--map",
        "city=Comune",
        "--set",
        "country=IT",
        "--name",
        "members",
    )
    assert result.exit_code == 0, result.output
    assert StagedRecord.objects.filter(source="csv:members").count() == 4
    assert "rejected record 5 (name): line 5 has no name" in result.output


def test_orgs_csv_with_a_yaml_mapping():
    result = run("orgs-csv", SAMPLES / "csv" / "members.csv", "--mapping", SAMPLES / "csv" / "members.yaml")
    assert result.exit_code == 0
    assert StagedRecord.objects.get(source="csv:members-example", record_id="M003").candidate["identifiers"] == {
        "ror": "05sample1"
    }


def test_orgs_csv_without_a_name_column_is_a_usage_error():
    result = CliRunner().invoke(ingest, ["orgs-csv", str(SAMPLES / "csv" / "members.csv"), "--map", "city=Comune"])
    assert result.exit_code == 2 and "which column holds the name" in result.output
