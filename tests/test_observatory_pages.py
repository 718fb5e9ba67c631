"""Observatory pages: region table, indicator page with its SVG chart, benchmarks, CSV/XLSX downloads."""

import csv
import io
import re

from openpyxl import load_workbook



def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_region_table_shows_values_shares_changes_and_gaps(client, db):
    response = client.get("/observatory/?geo=ITC4&segment=healthcare&year=2021")
    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    assert "Lombardy (ITC4)" in text
    row = re.search(r'observatory/indicators/irccs_count/.*?</tr>', page, re.S).group(0)
    assert "19" in row and "37.25 %" in row and "+5.56 %" in row and "quotidianosanita" not in row
    gap_row = re.search(r'observatory/indicators/ssr_facilities/.*?</tr>', page, re.S).group(0)
    assert "≥ 200" in gap_row  # 'over 200 facilities': the source's wording is kept


def test_a_gap_is_written_as_a_gap_never_zero(client, db):
    page = client.get("/observatory/?segment=cdmo").content.decode()
    row = re.search(r'observatory/indicators/cdmo_turnover/.*?</tr>', page, re.S).group(0)
    assert 'class="gap"' in row and "data gap" in row and ">0<" not in row


def test_region_table_in_italian(client, db):
    response = client.get("/it/observatory/?segment=pharma")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Esportazioni farmaceutiche" in page  # the indicator's own Italian label
    assert "Indicatori delle scienze della vita: Lombardia (ITC4)" in page  # the page's strings
    assert "Quota nazionale" in page
    assert "<td>persone</td>" in page and "<td>mld €</td>" in page  # units read in Italian too
    assert "<td>persons</td>" not in page and "<td>EUR bn</td>" not in page
    assert "persone per 100.000 abitanti" in page


def test_indicator_page_has_a_server_side_svg_chart_and_sources(client, db):
    response = client.get("/observatory/indicators/pharma_rd_investment/?geo=ITC4")
    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert svg.count("<circle") == 4  # 2016, 2020, 2023, 2024
    assert "<polyline" in svg and "2016" in svg and "2024" in svg
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert "https://www.agenziaimpress.it/" in page  # sources listed with links


def test_a_gap_breaks_the_chart_line_and_is_marked(client, db):
    from lshub.observatory.services import figures
    from lshub.observatory.services.charts import series_svg

    series = figures.series("university_students", "ITC4")  # 2017, 2021 (unconfirmed deck figure), 2025
    svg = series_svg(series, "students")
    assert svg.count('class="gap"') == 1 and "gap" in svg
    assert "<polyline" not in svg  # no two consecutive years with values: no line drawn across the gap


def test_chart_tooltips_and_gap_marks_speak_the_page_language(db):
    from django.utils import translation

    from lshub.observatory.choices import Status
    from lshub.observatory.services import figures
    from lshub.observatory.services.charts import series_svg
    from lshub.observatory.units import unit_label

    with translation.override("it"):
        series = figures.series("pharma_employees", "ITC4")
        valued = next(f for f in series if f.value is not None and f.period is not None)
        svg = series_svg(series, "addetti") + series_svg(figures.series("university_students", "ITC4"), "studenti")
        assert unit_label(valued.unit) != valued.unit  # the unit has an Italian label…
        tooltips = re.findall(r"<title>\d{4}: [^<]*</title>", svg)
        assert tooltips and all(t.endswith(f" {unit_label(valued.unit)}</title>") or "studenti" in t for t in tooltips)
        assert f" {valued.unit}</title>" not in svg  # …and the code itself is never shown
        assert f">{Status.GAP.label}</text></g>" in svg and ">gap<" not in svg


def test_unknown_indicator_is_404_and_bad_parameters_are_400(client, db):
    assert client.get("/observatory/indicators/nope/").status_code == 404
    for url in ("/observatory/?geo=XX9", "/observatory/?year=abc", "/observatory/?format=pdf",
                "/observatory/benchmark/?set=nordic", "/observatory/benchmark/?basis=x", "/observatory/?segment=astrology"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 400, url
        assert "problem" in response.content.decode()


def test_region_table_downloads_as_csv_and_xlsx(client, db):
    response = client.get("/observatory/?geo=ITC4&year=2021&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    irccs = next(r for r in rows if r["indicator"] == "irccs_count")
    assert (irccs["value"], irccs["share_of_national"], irccs["period"]) == ("19", "37.25", "2021")
    gap = next(r for r in rows if r["indicator"] == "seed_pharma_sector_value")
    assert gap["value"] == "" and gap["status"] == "gap"

    book = load_workbook(io.BytesIO(client.get("/observatory/?geo=ITC4&year=2021&format=xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    by_indicator = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_indicator["irccs_count"]["value"] == 19
    assert by_indicator["seed_pharma_sector_value"]["value"] is None


def test_indicator_download_uses_the_import_columns(client, db, tmp_path):
    from lshub.observatory.services.tables import COLUMNS, ingest_table

    response = client.get("/observatory/indicators/pharma_va_per_inhabitant/?format=csv")
    content = response.content.decode()
    assert content.splitlines()[0].split(",") == COLUMNS
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    report = ingest_table(path)  # loads back without a change
    assert report.ok and report.added == 0 and report.unchanged == 4


def test_benchmark_page_shows_levels_and_ranks(client, db):
    response = client.get("/observatory/benchmark/?set=european")
    assert response.status_code == 200
    text = _text(response)
    assert "Baden-Württemberg (DE1)" in text and "NUTS 1" in text and "NUTS 2" in text
    rows = list(csv.DictReader(io.StringIO(client.get("/observatory/benchmark/?set=european&format=csv").content.decode())))
    ranks = {r["geo"]: r["rank"] for r in rows if r["indicator"] == "pharma_va_per_inhabitant"}
    assert ranks == {"ITC4": "1", "ES51": "2", "DE1": "3", "FR10": "4"}


def test_csv_downloads_keep_formulas_as_text_and_read_back_unchanged(client, db, tmp_path):
    from lshub.observatory.models import Observation
    from lshub.observatory.services.tables import ingest_table

    row = Observation.objects.filter(indicator_id="pharma_va_per_inhabitant", geo_id="DE1").get()
    row.note = '=HYPERLINK("http://example.org","open")'
    row.save()
    content = client.get("/observatory/indicators/pharma_va_per_inhabitant/?format=csv").content.decode()
    assert "'=HYPERLINK(" in content and ',=HYPERLINK(' not in content
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    report = ingest_table(path)  # the apostrophe comes off again: nothing changes
    assert report.ok and report.added == 0 and report.unchanged == 4
    row.refresh_from_db()
    assert row.note.startswith("=HYPERLINK(")
    table = client.get("/observatory/?format=csv").content.decode()
    assert "'-" not in table  # negative numbers (changes) stay numbers
