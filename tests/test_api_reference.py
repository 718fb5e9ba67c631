"""GET /api/taxonomy, /api/relations and /api/stats, and the API's own description."""

import pytest

from lshub.registry.models import Relation, Specialisation
from lshub.registry.services import directory

pytestmark = pytest.mark.django_db


def test_taxonomy_lists_every_specialisation_with_parents(client):
    entries = {e["code"]: e for e in client.get("/api/taxonomy").json()}
    assert set(entries) == set(Specialisation.objects.values_list("code", flat=True))
    child = Specialisation.objects.filter(parent__isnull=False).first()
    assert entries[child.code]["parent"] == child.parent.code
    assert entries["cardiology"]["is_irccs_area"] is True
    assert entries["cardiology"]["label_it"] == "Cardiologia"


def test_taxonomy_gives_ateco_titles_of_nace_codes(client):
    with_codes = [e for e in client.get("/api/taxonomy").json() if e["nace_codes"]]
    assert with_codes
    codes = {c["code"]: c["title"] for e in with_codes for c in e["nace_codes"]}
    assert codes["21.20"] == "Fabbricazione di medicinali e preparati farmaceutici"
    assert all(title for title in codes.values())
    # Every code the taxonomy stores is listed, none invented.
    stored = {c for s in Specialisation.objects.exclude(nace_codes="") for c in s.nace_code_list}
    assert set(codes) == stored


def test_relations_filtered_by_kind_and_organisation(client):
    body = client.get("/api/relations?kind=part_of&organisation=ht").json()
    assert body["count"] == Relation.objects.filter(kind="part_of", object__slug="ht").count() >= 5
    assert all(r["kind"] == "part_of" and r["object"]["slug"] == "ht" for r in body["results"])
    either_side = client.get("/api/relations?organisation=ht").json()
    assert {"mind"} <= {r["object"]["slug"] for r in either_side["results"]}


def test_relations_list_is_paged(client):
    body = client.get("/api/relations?page_size=10").json()
    assert body["count"] == Relation.objects.count()
    assert len(body["results"]) == 10
    assert body["results"][0]["source"]["url"]


@pytest.mark.parametrize(
    "params, field",
    [("kind=sibling_of", "kind"), ("organisation=nobody", "organisation"), ("page=0", "page"), ("page_size=500", "page_size")],
)
def test_relations_refuse_bad_filters(client, params, field):
    response = client.get(f"/api/relations?{params}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_stats_are_the_directorys_counts(client):
    stats = client.get("/api/stats").json()
    assert {t["value"]: t["count"] for t in stats["by_type"]} == dict(directory.counts_by("type"))
    assert stats["irccs"]["region"] == "ITC4"
    assert stats["irccs"]["seated"] == 19 == len(stats["irccs"]["organisations"])
    areas = {a["code"]: a["count"] for a in stats["irccs"]["by_area"]}
    assert areas["cardiology"] == 3 and areas["neurology"] == 3
    assert "inrca-casatenovo" not in {o["slug"] for o in stats["irccs"]["organisations"]}


def test_stats_for_another_region_and_a_malformed_one(client):
    assert client.get("/api/stats?region=ITI4").json()["irccs"]["seated"] == directory.irccs_seated_in("ITI4").count()
    bad = client.get("/api/stats?region=lombardy")
    assert bad.status_code == 422 and bad.json()["field"] == "region"


def test_openapi_describes_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for expected in ("/api/organisations", "/api/organisations/{key}", "/api/taxonomy", "/api/relations", "/api/stats"):
        assert expected in paths
    assert "post" in paths["/api/organisations"] and "patch" in paths["/api/organisations/{key}"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_docs_page_works_without_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    # The scripts are served by the application itself.
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/ninja/swagger-ui.css").status_code == 200
