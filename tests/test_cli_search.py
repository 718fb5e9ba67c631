"""`lshub search`: the directory service on the command line, as JSON or as a table."""

import json

import pytest
from click.testing import CliRunner

from lshub.cli import main

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_json_lists_the_cancer_institutes_with_scores():
    result = run("search", "oncologia", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    keys = [item["id"] for item in found]
    assert {"ieo", "int"} <= set(keys)
    assert {"id", "name", "type", "score"} <= set(found[0])
    scores = [item["score"] for item in found]
    assert all(isinstance(score, float) and score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    ieo = next(item for item in found if item["id"] == "ieo")
    assert (ieo["type"], ieo["province"], ieo["url"]) == ("irccs", "MI", "/organisations/ieo/")


def test_filters_and_limit_apply():
    found = json.loads(run("search", "oncologia", "--type", "irccs", "--province", "MI", "--json").stdout)
    assert found and {item["type"] for item in found} == {"irccs"} and {item["province"] for item in found} == {"MI"}
    assert len(json.loads(run("search", "oncologia", "--limit", "2", "--json").stdout)) == 2


def test_the_table_is_readable():
    result = run("search", "oncologia", "--type", "irccs")
    assert result.exit_code == 0
    assert "Istituto Europeo" in result.stdout and "Milano (MI)" in result.stdout
    assert "organisations" in result.stdout.splitlines()[0]


def test_no_match_says_so():
    result = run("search", "zzzqqqxxx")
    assert result.exit_code == 0 and "no organisation matches" in result.stdout
    assert json.loads(run("search", "zzzqqqxxx", "--json").stdout) == []


def test_an_unknown_province_is_an_error_on_stderr_without_traceback():
    result = run("search", "oncologia", "--province", "ZZ")
    assert result.exit_code == 1
    assert "province: unknown value 'ZZ'" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_an_unknown_type_is_an_error():
    result = run("search", "oncologia", "--type", "spaceship")
    assert result.exit_code == 1 and "type: unknown value 'spaceship'" in result.stderr


def test_a_limit_out_of_range_is_a_usage_error():
    result = run("search", "oncologia", "--limit", "0")
    assert result.exit_code == 2 and "--limit" in result.stderr


def test_search_reads_every_place_in_one_query(django_assert_max_num_queries, capsys):
    with django_assert_max_num_queries(6):  # search, count, and one query for all the sites
        main(["search", "milano", "--limit", "50", "--json"], standalone_mode=False)
    assert len(json.loads(capsys.readouterr().out)) > 20
