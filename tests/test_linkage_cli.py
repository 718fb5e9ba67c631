"""`lshub resolve` and `lshub link --evaluate`, and the bad input they must refuse."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lshub.linkage.cli import link, resolve

GOLD = Path(__file__).parent / "samples" / "linkage" / "gold.csv"

pytestmark = pytest.mark.django_db


def _run(command, *args):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def test_resolve_prints_one_answer_per_row(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(
        "name,city,country\n"
        "IRCCS Istituto Nazionale Tumori Milano,Milano,Italy\n"
        '"Istituto Europeo di Oncologia, Milano",,\n'
        "Celgene,,\n",
        encoding="utf-8",
    )
    result = _run(resolve, path, "--json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.output)
    assert [a and a["slug"] for a in answers] == ["int", "ieo", None]
    assert answers[1]["ror"] == "https://ror.org/02vr0ne26"
    assert answers[0]["probability"] >= 0.9 and isinstance(answers[0]["id"], int)


def test_resolve_table_and_semicolons_and_a_name_column_only(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Name;Other\nPolitecnico di Milano;x\n", encoding="utf-8")
    result = _run(resolve, path)
    assert result.exit_code == 0, result.output
    assert "polimi" in result.output and "1 of 1 rows resolved" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        ("city,country\nMilano,Italy\n", "has no column name (columns found: city, country)"),
        ("", "is empty"),
        ("   \n", "is empty"),
        ("name\n" + "x" * 10_000 + "\n", "row 2: the name is 10000 characters long"),
        ("name,city\nIEO,Milano\n,Milano\n", "row 3: the name is missing or empty"),
        # Blank lines hold no row but keep their place: the bad row is the file's row 5.
        ("name,city\nIEO,Milano\n\n\n,Milano\n", "row 5: the name is missing or empty"),
        ('name,city\n"IEO\nMilano",Milano\n\n,Milano\n', "row 4: the name is missing or empty"),
    ],
)
def test_resolve_refuses_bad_files_with_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(resolve, [str(path)])
    assert result.exit_code == 1
    assert message in result.output


def test_resolve_table_numbers_rows_as_in_the_file(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("name\n\nPolitecnico di Milano\n\n\nCelgene\n", encoding="utf-8")
    result = _run(resolve, path)
    assert result.exit_code == 0, result.output
    numbers = [line.split("│")[1].strip() for line in result.output.splitlines() if "Politecnico" in line or "Celgene" in line]
    assert numbers == ["3", "6"]


def test_resolve_refuses_a_file_in_the_wrong_encoding(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nUniversità degli Studi di Milano\n".encode("latin-1"))
    result = CliRunner().invoke(resolve, [str(path)])
    assert result.exit_code == 1
    assert "is not UTF-8 text (undecodable byte at line 2)" in result.output


def test_resolve_refuses_a_missing_file(tmp_path):
    result = CliRunner().invoke(resolve, [str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_injection_strings_are_resolved_as_text(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text(
        "name,city\n\"'; DROP TABLE registry_organisation; --\",Milano\n\"=cmd|' /C calc'!A0\",\n<script>alert(1)</script>,\n",
        encoding="utf-8",
    )
    result = _run(resolve, path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [None, None, None]


def test_link_evaluate_prints_precision_recall_f1(tmp_path):
    errors = tmp_path / "wrong.csv"
    result = _run(link, "--evaluate", GOLD, "--errors", errors)
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["split"][:6] == ["split", "rows", "precision", "recall", "F1", "tp"]
    for split in ("all", "dev", "test", "holdout"):
        assert split in lines
    precision, recall, f1 = (float(x) for x in lines["test"][2:5])
    assert precision >= 0.97 and f1 >= 0.95
    assert errors.read_text(encoding="utf-8").startswith("name,city,country,expected_slug,predicted")


def test_link_evaluate_refuses_unknown_keys(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("name,city,country,expected_slug\nIEO,Milano,Italy,no-such-organisation\n", encoding="utf-8")
    result = CliRunner().invoke(link, ["--evaluate", str(path)])
    assert result.exit_code == 1 and "no-such-organisation" in result.output


def test_spark_backend_says_what_is_missing(tmp_path):
    pytest.importorskip("duckdb")
    try:
        import pyspark  # noqa: F401

        pytest.skip("pyspark is installed: tests/test_linkage_spark.py runs the Spark backend")
    except ImportError:
        pass
    path = tmp_path / "names.csv"
    path.write_text("name\nIEO\n", encoding="utf-8")
    result = CliRunner().invoke(resolve, [str(path), "--backend", "spark"])
    assert result.exit_code == 1 and "pip install 'lshub[spark]'" in result.output
