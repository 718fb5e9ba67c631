"""Bad requests get a JSON 4xx that says what is wrong; never a 500."""

import json

import pytest

from lshub.api.tokens import issue_token
from lshub.registry.models import Organisation

pytestmark = pytest.mark.django_db


MALFORMED_QUERY_STRINGS = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=1e9",
    "page=1.5",
    "page=",
    "page=99999999999999999999999999999999",
    "page=%00",
    "page_size=0",
    "page_size=-3",
    "page_size=100000",
    "page_size=abc",
    "page_size=",
    "type=",
    "type=%00",
    "type=irccs%00",
    "type=IRCCS",
    "type=irccs&type=",
    "type[]=irccs",
    "province=",
    "province=Milano",
    "province=%E2%80%AE",
    "specialisation=",
    "specialisation=%00",
    "specialisation=' OR 1=1 --",
    "ownership=mixed",
    "subtype=%00",
    "facets=maybe",
    "facets=true&q=%00",
    "q=" + "a" * 10_000,
    "q=" + "onco " * 400,
    "q=%22",
    "q=%22%22%22",
    'q="unbalanced',
    "q=*",
    "q=onco*",
    "q=(besta",
    "q=besta)",
    "q=()",
    "q=NEAR(a b)",
    "q=a NEAR/3 b",
    "q=besta AND",
    "q=OR OR OR",
    "q=NOT besta",
    "q=-besta",
    "q=%2Bbesta",
    "q=^besta",
    "q=besta:*",
    "q=names:besta",
    "q={names}: besta",
    "q=col:besta OR body:x",
    "q=besta & !int | (x",
    "q=%27",
    "q=%27 OR %271%27=%271",
    "q='; DROP TABLE registry_organisation; --",
    "q=1; SELECT * FROM api_apitoken",
    "q=%25%25%25",
    "q=%",
    "q=%zz%gg",
    "q=%ff%fe%fd",
    "q=%C0%AF",
    "q=%00",
    "q=besta%00int",
    "q=%0A%0D%09",
    "q=%F0%9F%A7%AC",
    "q=日本語の検索",
    "q=Ünïcödé ñ",
    "q=ﬁbrosi",
    "q=\u200b\u200b",
    "q=%E2%80%8F",
    "q=" + "é" * 600,
    "q=besta&q=int",
    "q",
    "=",
    "&&&",
    "%00=%00",
    "a=b",
    "q=besta&unknown=1",
    ";;;",
    "page=1&page=abc",
    "province=" + "X" * 5000,
    "type=" + "&type=".join(["irccs"] * 300),
]


@pytest.mark.parametrize("query_string", MALFORMED_QUERY_STRINGS)
def test_malformed_query_strings_never_give_a_server_error(client, query_string):
    response = client.get(f"/api/organisations?{query_string}")
    assert response.status_code < 500, (query_string, response.content[:300])
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body["detail"], str) and body["detail"].strip()
    else:
        assert isinstance(body["results"], list)


@pytest.mark.parametrize(
    "path",
    [
        "/api/organisations/%00",
        "/api/organisations/besta%00",
        "/api/organisations/99999999999999999999999999999",
        "/api/organisations/-1",
        "/api/organisations/%E2%80%AE",
        "/api/organisations/日本",
        "/api/organisations/' OR 1=1 --",
        "/api/organisations/besta/identifiers/abc",
        "/api/organisations/besta/history?x=%00",
        "/api/relations?organisation=%00",
        "/api/relations?organisation=99999999999999999999999999",
        "/api/relations?kind=%00",
        "/api/relations?page=abc",
        "/api/stats?region=%00",
        "/api/partnering/shortlists/%00",
        "/api/partnering/shortlists/abc%00def",
        "/api/partnering/shortlists/%00/export.csv",
        "/api/partnering/shortlists/abc/export.csv%00",
        "/api/taxonomy?x=1",
        "/api/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_malformed_addresses_never_give_a_server_error(client, path):
    response = client.get(path)
    assert response.status_code < 500, (path, response.content[:300])
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "query_string, status, field",
    [
        ("page=abc", 422, "page"),
        ("page=0", 400, "page"),
        ("page_size=201", 400, "page_size"),
        ("type=spaceport", 400, "type"),
        ("type=", 400, "type"),
        ("province=ZZ", 400, "province"),
        ("specialisation=alchemy", 400, "specialisation"),
        ("q=" + "a" * 10_000, 400, "q"),
        ("q=%00", 422, "q"),
        ("tpye=irccs", 400, "tpye"),
    ],
)
def test_errors_name_the_parameter(client, query_string, status, field):
    response = client.get(f"/api/organisations?{query_string}")
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert response["Content-Type"].startswith("application/json")


def test_search_syntax_is_taken_as_words(client):
    # Operators and punctuation of the search engines mean nothing here: each finds Besta.
    for q in ['"besta"', "besta*", "(besta)", "besta OR", "-besta", "+besta^", "besta:*", "besta & !", "{besta}"]:
        response = client.get("/api/organisations", {"q": q})
        assert response.status_code == 200, (q, response.content)
        assert response.json()["results"][0]["slug"] == "besta", q


def test_wrong_method_is_a_json_405(client):
    response = client.put("/api/organisations")
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "PUT" in response.json()["detail"]
    assert client.post("/api/stats").status_code == 405


def test_unknown_endpoint_is_a_json_404(client):
    response = client.get("/api/organizations")
    assert response.status_code == 404 and response.json()["detail"]
    slash = client.get("/api/organisations/")
    assert slash.status_code == 404 and "/api/organisations " in slash.json()["detail"]


def test_the_api_root_points_to_the_docs(client):
    root = client.get("/api/").json()
    assert root["docs"].endswith("/api/docs") and client.get(root["openapi"]).status_code == 200


@pytest.mark.parametrize(
    "body, status",
    [
        ("{not json", 400),
        ('{"name": "x", ', 400),
        ("\x00", 400),
        ("[1, 2]", 422),
        ('"just a string"', 422),
        ("{}", 422),
        ('{"name": 7, "type": "company"}', 422),
        ('{"name": "x", "type": "company", "seat": "Milano"}', 422),
        ('{"name": "x", "type": "company", "founded": 99999}', 422),
        ('{"name": "x", "type": "company", "employees": 1e30}', 422),
    ],
)
def test_malformed_bodies_are_refused_and_change_nothing(client, body, status):
    key = issue_token("errors")
    before = Organisation.objects.count()
    response = client.post(
        "/api/organisations", body, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert Organisation.objects.count() == before


def test_json_validation_errors_name_the_body_field_not_the_argument(client):
    key = issue_token("errors")
    response = client.post(
        "/api/organisations",
        json.dumps({"type": "company"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert response.json()["detail"].startswith("name:")


def test_schema_names_are_unique_across_routers():
    """Two routers' schemas with one name collapse into one OpenAPI component, and clients
    (and response validation) then read one endpoint's answer with another's schema."""
    import collections

    from ninja import Schema

    from lshub.api.urls import api

    api.get_openapi_schema()  # imports and registers every router's schemas
    names = collections.Counter(
        cls.__name__ for cls in _all_subclasses(Schema) if cls.__module__.startswith("lshub.")
    )
    assert [name for name, n in names.items() if n > 1] == []


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


@pytest.mark.parametrize("path", ["/api/partnering/shortlists/%00", "/api/partnering/shortlists/ab%00c/export.csv"])
def test_a_null_character_in_a_shortlist_key_is_refused_naming_the_key(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["field"] == "key"
