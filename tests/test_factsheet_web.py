"""The fact sheet from the web (page and downloads) and from the command line."""

import json

import pytest
from click.testing import CliRunner

from lshub.reports.build import available_years
from lshub.reports.cli import factsheet

pytestmark = pytest.mark.django_db


def test_page_shows_the_sheet_with_choices_and_downloads(client):
    response = client.get("/factsheet/", {"region": "ITC4", "year": "2021"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Life sciences in Lombardy</h1>" in html
    assert '<option value="2021" selected>' in html
    assert '<option value="ITC4" selected>' in html
    for fmt in ("pdf", "json", "html"):
        assert f"/factsheet/download.{fmt}?region=ITC4&amp;lang=en&amp;year=2021" in html
    assert "<svg" in html and "data gap" in html


def test_page_offers_every_year_and_reads_the_series_once(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lshub.reports.build import build_factsheet

    with CaptureQueriesContext(connection) as built:
        build_factsheet("ITC4", "en", 2021)
    with CaptureQueriesContext(connection) as shown:
        html = client.get("/factsheet/", {"region": "ITC4", "year": "2021"}).content.decode()
    assert all(f'<option value="{year}"' in html for year in available_years("ITC4"))
    # The year choices come from the built sheet: the page does not read every series twice.
    assert len(shown) <= len(built) + 20, (len(shown), len(built))


def test_italian_page_gives_an_italian_sheet(client):
    response = client.get("/it/factsheet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Il Sistema Sanitario Regionale" in html
    assert "download.pdf?region=ITC4&amp;lang=it" in html


def test_sheet_language_can_differ_from_the_interface(client):
    html = client.get("/factsheet/", {"lang": "it"}).content.decode()
    assert "Il Sistema Sanitario Regionale" in html  # the sheet
    assert "Language of the fact sheet" in html  # the English interface around it


@pytest.mark.parametrize(
    "query, message",
    [
        ({"region": "ZZ9"}, "unknown region"),
        ({"year": "1900"}, "no data for ITC4 at or before 1900"),
        ({"year": "twenty"}, "is not a year"),
        ({"lang": "de"}, "unknown language"),
    ],
)
def test_bad_choices_get_a_400_with_a_message(client, query, message):
    page = client.get("/factsheet/", query)
    assert page.status_code == 400
    assert message in page.content.decode()
    download = client.get("/factsheet/download.json", query)
    assert download.status_code == 400
    assert message in download.json()["detail"]


def test_downloads(client):
    pdf = client.get("/factsheet/download.pdf", {"region": "ITC4", "lang": "it"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="lshub-factsheet-ITC4-latest-it.pdf"'
    assert pdf.content.startswith(b"%PDF-")

    data = client.get("/factsheet/download.json", {"year": "2021"})
    assert data["Content-Type"] == "application/json"
    body = json.loads(data.content)
    assert body["year"] == 2021 and body["region"] == "ITC4"
    assert all(f["period"] is None or f["period"] <= 2021 for f in body["figures"] if f["status"] != "computed")

    html = client.get("/factsheet/download.html")
    assert html.content.startswith(b"<!DOCTYPE html>")
    assert client.get("/factsheet/download.docx").status_code == 400


def test_cli_writes_each_format(tmp_path):
    runner = CliRunner()
    for fmt in ("json", "html", "pdf"):
        output = tmp_path / f"sheet.{fmt}"
        result = runner.invoke(factsheet, ["--region", "ITC4", "--lang", "it", "--format", fmt, "--year", "2021", "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert "source notes" in result.output
        assert output.stat().st_size > 1000
    data = json.loads((tmp_path / "sheet.json").read_text(encoding="utf-8"))
    assert data["lang"] == "it" and data["year"] == 2021
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF-")


def test_cli_prints_json_to_standard_output():
    result = CliRunner().invoke(factsheet, ["--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert any(f["key"] == "registry.irccs_seated" and f["value"] == 19 for f in data["figures"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--region", "XX1"], "unknown region 'XX1'"),
        (["--year", "1999"], "at or before 1999"),
        (["--format", "docx"], "Invalid value for '--format'"),
        (["--year", "soon"], "'soon' is not a valid integer"),
    ],
)
def test_cli_refuses_bad_input_with_a_message(args, message, tmp_path):
    output = tmp_path / "never.html"
    result = CliRunner().invoke(factsheet, [*args, "--output", str(output)])
    assert result.exit_code != 0
    assert message in result.output
    assert not output.exists()  # nothing half-written


def test_cli_year_after_the_data_is_refused():
    last = available_years("ITC4")[-1]
    result = CliRunner().invoke(factsheet, ["--year", str(last + 1)])
    assert result.exit_code == 1
    assert f"the latest figures are for {last}" in result.output
