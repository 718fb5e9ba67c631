"""The observatory API: /indicators, /observations, /figures; JSON 4xx for bad input, never 500.

The router is tested on its own NinjaAPI, and at /api/ once the project's API mounts it.
"""

import pytest
from django.urls import NoReverseMatch, reverse
from ninja import NinjaAPI
from ninja.testing import TestClient

from lshub.observatory.api import build_router


@pytest.fixture(scope="module")
def client():
    api = NinjaAPI(urls_namespace="observatory_api_test")
    api.add_router("/", build_router())
    return TestClient(api)


def test_indicators_list_and_filter(db, client):
    response = client.get("/indicators")
    assert response.status_code == 200
    body = response.json()
    ids = [i["id"] for i in body]
    assert "pharma_exports" in ids and len(ids) == len(set(ids))
    gdp = next(i for i in body if i["id"] == "gdp_per_inhabitant")
    assert gdp["eurostat"] == {"dataset": "nama_10r_3gdp", "series": {"unit": "EUR_HAB"}}
    pharma = client.get("/indicators?segment=pharma").json()
    assert pharma and {i["segment"] for i in pharma} == {"pharma"}
    assert client.get("/indicators/pharma_exports").json()["scope_codes"] == ["C21"]


def test_observations_filters(db, client):
    body = client.get("/observations?indicator=irccs_count&geo=ITC4&year=2021").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["indicator"], row["geo"], row["period"], row["value"], row["status"]) == ("irccs_count", "ITC4", 2021, 19.0, "sourced")
    assert row["source"]["url"].startswith("https://")
    everything = client.get("/observations?indicator=irccs_count").json()
    assert {r["geo"] for r in everything["results"]} == {"ITC4", "IT"}


def test_gaps_are_null_never_zero(db, client):
    rows = client.get("/observations?indicator=seed_pharma_sector_value").json()["results"]
    assert rows and all(r["value"] is None and r["status"] == "gap" for r in rows)


def test_paging(db, client):
    first = client.get("/observations?limit=5").json()
    second = client.get("/observations?limit=5&offset=5").json()
    assert len(first["results"]) == 5 and first["count"] > 10
    assert first["results"][0] != second["results"][0]


def test_figures_carry_derived_values(db, client):
    body = client.get("/figures?geo=ITC4&year=2021&segment=healthcare").json()
    irccs = next(f for f in body if f["indicator"] == "irccs_count")
    assert irccs["share_of_national"] == 37.25 and irccs["previous_period"] == 2017


@pytest.mark.parametrize(
    "url, field",
    [
        ("/observations?year=abc", "year"),
        ("/observations?year=20211", "year"),
        ("/observations?year=99999999999999999999999", "year"),
        ("/observations?year=-1", "year"),
        ("/observations?indicator=nope", "indicator"),
        ("/observations?geo=XX9", "geo"),
        ("/observations?limit=100000", "limit"),
        ("/observations?offset=-3", "offset"),
        ("/observations?limit=1e3", "limit"),
        ("/observations?colour=red", "colour"),
        ("/indicators?segment=astrology", "segment"),
        ("/figures?geo=%00", "geo"),
        ("/figures?year=%F0%9F%92%A5", "year"),
    ],
)
def test_malformed_queries_get_a_json_400(db, client, url, field):
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and body["field"] == field


def test_unknown_indicator_is_a_json_404(db, client):
    response = client.get("/indicators/nope")
    assert response.status_code == 404 and "unknown indicator" in response.json()["detail"]


def test_mounted_under_the_project_api(db, client):
    """Once the project's API mounts the router, the same answers come from /api/."""
    from django.test import Client

    try:
        reverse("api:list_observations")
    except NoReverseMatch:
        pytest.skip("the observatory router is not mounted on /api/ yet")
    web = Client()
    assert web.get("/api/observations?indicator=irccs_count&geo=ITC4&year=2021").json()["count"] == 1
    assert web.get("/api/observations?year=abc").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/observations?indicator=%00",
        "/observations?geo=IT%00C4",
        "/indicators/%00",
        "/figures?segment=%00",
        "/observations?indicator=" + "x" * 5000,
        "/observations?year=%00",
        "/observations?limit=%00",
    ],
)
def test_nul_bytes_and_huge_values_never_reach_the_database(db, client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["detail"]


def test_a_misspelt_parameter_is_named_with_the_known_ones_like_everywhere_in_the_api(db, client):
    from django.test import Client

    expected = {"detail": "unknown parameter 'colour'; known parameters: geo, indicator, limit, offset, year", "field": "colour"}
    assert client.get("/observations?colour=red&year=2021").json() == expected
    assert Client().get("/api/observations?colour=red").json() == expected
    assert Client().get("/api/organisations?colour=red").json()["detail"].startswith("unknown parameter 'colour'; known parameters: ")
