"""Indicator definitions are reviewed data files; `lshub indicators check` lints them all at once."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lshub.observatory.cli import indicators as indicators_command
from lshub.observatory.models import Geography, Indicator, PeerSet
from lshub.observatory.services import definitions


def _copy_definitions(target: Path) -> dict[str, list]:
    files = {}
    for name in ("indicators", "geographies", "peer_sets"):
        files[name] = yaml.safe_load((definitions.default_directory() / f"{name}.yaml").read_text(encoding="utf-8"))
    return files


def _write(target: Path, files: dict[str, list]) -> Path:
    for name, content in files.items():
        (target / f"{name}.yaml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return target


def test_the_shipped_definitions_pass_the_check():
    assert definitions.check() == []


def test_check_reports_every_problem_at_once(tmp_path):
    files = _copy_definitions(tmp_path)
    first, second, third = files["indicators"][:3]
    first["segment"] = "astrology"
    first["scope"] = ["21.10", "99.99", "K21.20", "twelve"]
    del second["label_it"]
    second["unit"] = ""
    third["id"] = first["id"]
    third["colour"] = "blue"
    files["peer_sets"][0]["members"].append("XX9")
    files["geographies"].append({"code": "ITC9", "name_en": "Nowhere", "level": 1, "country": "IT", "parent": "IT"})
    problems = [str(p) for p in definitions.check(_write(tmp_path, files))]

    def has(*words):
        return any(all(w in p for w in words) for p in problems)

    assert has(first["id"], "segment", "unknown segment 'astrology'")
    assert has("'99.99' is not in ATECO 2007")
    assert has("'K21.20'", "section C, not K")
    assert has("'twelve' is not an ATECO/NACE code")
    assert has(second["id"], "label_it", "missing")
    assert has(second["id"], "unit", "missing")
    assert has("id", "duplicate id")
    assert has("colour", "unknown field")
    assert has("peer_sets.yaml", "unknown geography 'XX9'")
    assert has("geographies.yaml", "ITC9", "a NUTS 1 code has 3 characters")
    assert len(problems) >= 10


def test_check_reports_broken_yaml_instead_of_crashing(tmp_path):
    _write(tmp_path, _copy_definitions(tmp_path))
    (tmp_path / "indicators.yaml").write_text("- id: x\n  label_en: [unclosed\n", encoding="utf-8")
    problems = [str(p) for p in definitions.check(tmp_path)]
    assert any("indicators.yaml" in p and "not valid YAML" in p for p in problems)


def test_load_refuses_files_with_problems_and_changes_nothing(tmp_path, db):
    files = _copy_definitions(tmp_path)
    files["indicators"][0]["segment"] = "astrology"
    files["indicators"][1]["label_en"] = "A label nobody reviewed"
    before = Indicator.objects.get(pk=files["indicators"][1]["id"]).label_en
    with pytest.raises(definitions.DefinitionError, match="astrology"):
        definitions.load_definitions(_write(tmp_path, files))
    assert Indicator.objects.get(pk=files["indicators"][1]["id"]).label_en == before


def test_definitions_are_loaded_with_scope_geographies_and_peer_sets(db):
    pharma = Indicator.objects.get(pk="pharma_employees")
    assert pharma.segment == "pharma" and pharma.scope_code_list == ["C21"] and pharma.scope_edition == "2007"
    assert pharma.default_source.url.startswith("https://")
    lombardy = Geography.objects.get(code="ITC4")
    assert (lombardy.level, lombardy.country, lombardy.parent_id) == (2, "IT", "ITC")
    assert Geography.objects.get(code="DE1").level == 1
    italian = set(PeerSet.objects.get(slug="italian").members.values_list("code", flat=True))
    european = set(PeerSet.objects.get(slug="european").members.values_list("code", flat=True))
    assert italian == {"ITC1", "ITH3", "ITH5", "ITI1", "ITI4"}
    assert european == {"DE1", "ES51", "FR10"}


def test_cli_check_passes_and_fails_with_every_message(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(indicators_command, ["check"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("ok:") and "indicators" in ok.output

    files = _copy_definitions(tmp_path)
    files["indicators"][0]["segment"] = "astrology"
    files["indicators"][2]["scope"] = ["99.99"]
    result = runner.invoke(indicators_command, ["check", "--dir", str(_write(tmp_path, files))])
    assert result.exit_code == 1
    assert "astrology" in result.output and "99.99" in result.output and "2 problem(s) found" in result.output


def test_cli_list_shows_gaps_and_refuses_an_unknown_segment(db):
    runner = CliRunner()
    result = runner.invoke(indicators_command, ["list", "--segment", "cdmo"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "gap" in lines["cdmo_turnover"]  # no confirmed Lombardy figure
    wrong = runner.invoke(indicators_command, ["list", "--segment", "astrology"])
    assert wrong.exit_code == 1 and "unknown segment: astrology" in wrong.output
    wrong_geo = runner.invoke(indicators_command, ["list", "--geo", "ZZ1"])
    assert wrong_geo.exit_code == 1 and "unknown geography code: ZZ1" in wrong_geo.output
