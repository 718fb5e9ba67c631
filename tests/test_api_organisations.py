"""GET /api/organisations and /api/organisations/{key}, on the embedded Lombardy dataset."""

import math

import pytest

from lshub.registry.models import Organisation
from lshub.registry.services.directory import DirectoryQuery, browse

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_irccs_in_pavia_are_san_matteo_maugeri_and_mondino(client):
    response = client.get("/api/organisations?type=irccs&province=PV")
    assert set(slugs(response)) == {"san-matteo", "ics-maugeri", "mondino"}
    assert response.json()["count"] == 3


def test_values_of_one_filter_are_alternatives(client):
    both = client.get("/api/organisations?type=irccs&type=hospital&page_size=200").json()
    expected = Organisation.objects.filter(type__in=["irccs", "hospital"]).count()
    assert both["count"] == expected
    assert {item["type"] for item in both["results"]} == {"irccs", "hospital"}


@pytest.mark.parametrize(
    "params, query",
    [
        ("type=irccs", DirectoryQuery(type=["irccs"])),
        ("province=mi&ownership=private", DirectoryQuery(province=["mi"], ownership=["private"])),
        ("specialisation=oncology", DirectoryQuery(specialisation=["oncology"])),
        ("q=neurologico", DirectoryQuery(q="neurologico")),
        ("q=ospedale&type=hospital&type=irccs", DirectoryQuery(q="ospedale", type=["hospital", "irccs"])),
        ("subtype=public_irccs", DirectoryQuery(subtype=["public_irccs"])),
    ],
)
def test_results_are_the_directorys_in_the_same_order(client, params, query):
    query.page_size = 200
    expected = [o.slug for o in browse(query, with_facets=False).organisations]
    assert expected, "the comparison needs a query with results"
    assert slugs(client.get(f"/api/organisations?{params}&page_size=200")) == expected


@pytest.mark.parametrize("q", ["BESTA", "bèsta", "Bésta", "  besta  "])
def test_search_ignores_case_and_accents(client, q):
    response = client.get("/api/organisations", {"q": q})
    assert slugs(response)[0] == "besta"
    assert response.json()["results"][0]["score"] > 0


def test_search_by_italian_specialisation_finds_the_same_with_or_without_accents(client):
    plain = slugs(client.get("/api/organisations", {"q": "oncologia", "page_size": 200}))
    accented = slugs(client.get("/api/organisations", {"q": "ONCOLOGÌA", "page_size": 200}))
    assert plain == accented and "int" in plain


def test_score_only_when_searching(client):
    item = client.get("/api/organisations?type=irccs").json()["results"][0]
    assert "score" not in item


def test_results_carry_links_and_provinces(client):
    item = client.get("/api/organisations", {"q": "besta"}).json()["results"][0]
    assert item["provinces"] == ["MI"]
    assert item["url"].endswith("/organisations/besta/")
    assert item["api_url"].endswith("/api/organisations/besta")
    assert client.get(item["api_url"]).json()["slug"] == "besta"


def test_pages(client):
    first = client.get("/api/organisations?page_size=7").json()
    total = Organisation.objects.count()
    assert first["count"] == total and first["pages"] == math.ceil(total / 7)
    assert len(first["results"]) == 7
    second = client.get("/api/organisations?page_size=7&page=2").json()
    assert not {i["slug"] for i in first["results"]} & {i["slug"] for i in second["results"]}
    # Past the end gives the last page, as the web directory does.
    beyond = client.get("/api/organisations?page_size=7&page=1000000000").json()
    assert beyond["page"] == first["pages"]


def test_facets_on_request(client):
    assert "facets" not in client.get("/api/organisations?province=PV").json()
    facets = client.get("/api/organisations?province=PV&facets=true").json()["facets"]
    types = {f["value"]: f["count"] for f in facets["type"]}
    assert types["irccs"] == 3
    assert set(facets) == {"type", "subtype", "province", "specialisation", "ownership"}


def test_detail_of_besta(client):
    response = client.get("/api/organisations/besta")
    assert response.status_code == 200
    besta = response.json()
    assert besta["name"] == "Fondazione IRCCS Istituto Neurologico Carlo Besta"
    ror = [i for i in besta["identifiers"] if i["scheme"] == "ror"]
    assert ror and ror[0]["url"] == "https://ror.org/05rbx8m02"
    site = besta["sites"][0]
    assert (site["comune"], site["istat_code"], site["province"], site["nuts2"], site["nuts3"]) == (
        "Milano",
        "015146",
        "MI",
        "ITC4",
        "ITC4C",
    )
    assert 45.3 < site["latitude"] < 45.6
    neurology = next(s for s in besta["specialisations"] if s["code"] == "neurology")
    assert neurology["recognised"] and "sistema nervoso" in neurology["wording"]
    assert any(a["name"] == "Besta" for a in besta["aliases"])
    assert besta["sources"] and all(s["url"] for s in besta["sources"])
    assert any(s["field"] == "identifier:ror" for s in besta["sources"])


def test_detail_by_id_equals_detail_by_slug(client):
    besta = Organisation.objects.get(slug="besta")
    assert client.get(f"/api/organisations/{besta.pk}").json() == client.get("/api/organisations/besta").json()


def test_relations_of_human_technopole_both_ways(client):
    relations = client.get("/api/organisations/ht").json()["relations"]
    outgoing = [(r["kind"], r["other"]["slug"]) for r in relations if r["direction"] == "out"]
    incoming = {r["other"]["slug"]: r for r in relations if r["direction"] == "in"}
    assert ("affiliated_with", "mind") in outgoing
    assert {"ht-genomics", "ht-neurogenomics", "ht-structural-biology"} <= set(incoming)
    genomics = incoming["ht-genomics"]
    assert genomics["kind"] == "part_of" and genomics["label"] == "includes"
    assert genomics["subject"]["slug"] == "ht-genomics" and genomics["object"]["slug"] == "ht"
    assert genomics["source"]["url"].startswith("https://")


def test_unknown_organisation_is_a_json_404(client):
    response = client.get("/api/organisations/no-such-organisation")
    assert response.status_code == 404
    assert "no-such-organisation" in response.json()["detail"]
    assert client.get("/api/organisations/99999999999999999999999").status_code == 404


def test_labels_follow_the_requested_language(client):
    it = client.get("/api/organisations/besta", headers={"Accept-Language": "it"}).json()
    neurology = next(s for s in it["specialisations"] if s["code"] == "neurology")
    assert neurology["label"] == neurology["label_it"] == "Neurologia"
