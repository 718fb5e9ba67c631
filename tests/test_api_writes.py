"""Writes through the API: tokens, create/update/delete, parts, and the history they leave."""

import hashlib
import json

import pytest
from django.contrib.auth import get_user_model

from lshub.api.models import ApiToken
from lshub.api.tokens import TokenError, check_token, issue_token, revoke_token
from lshub.registry.models import Alias, Identifier, Organisation, Relation

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return issue_token("curation-desk")


def send(client, method, url, body=None, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


# ---- tokens ------------------------------------------------------------------------------


def test_only_a_hash_of_the_key_is_stored(key):
    token = ApiToken.objects.get(name="curation-desk")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {getattr(token, f.attname) for f in ApiToken._meta.fields if f.attname != "id"}
    assert check_token(key) == token
    assert check_token(key + "x") is None and check_token("") is None


def test_revoked_token_stops_working_and_its_name_can_be_reused(key):
    revoke_token("curation-desk")
    assert check_token(key) is None
    again = issue_token("curation-desk")
    assert again != key and check_token(again).name == "curation-desk"
    with pytest.raises(TokenError):
        issue_token("curation-desk")
    with pytest.raises(TokenError):
        revoke_token("never-issued")
    with pytest.raises(TokenError):
        issue_token("   ")


def test_check_notes_last_use(key):
    assert ApiToken.objects.get(name="curation-desk").last_used is None
    check_token(key)
    assert ApiToken.objects.get(name="curation-desk").last_used is not None


# ---- authentication ------------------------------------------------------------------------


NEW = {"name": "Istituto di Prova per le Scienze della Vita", "short_name": "IPSV", "type": "research_centre"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-key", "Basic dXNlcjpwYXNz", "Token abc"])
def test_writes_without_a_valid_token_are_refused(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/organisations", json.dumps(NEW), content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["detail"]
    assert not Organisation.objects.filter(short_name="IPSV").exists()


def test_a_revoked_token_cannot_write(client, key):
    revoke_token("curation-desk")
    assert send(client, "post", "/api/organisations", NEW, key).status_code == 401
    assert send(client, "delete", "/api/organisations/besta", key=key).status_code == 401
    assert Organisation.objects.filter(slug="besta").exists()


# ---- organisations -------------------------------------------------------------------------


def test_create_with_seat_is_found_by_filters_and_search(client, key):
    body = {**NEW, "ownership": "private", "seat": {"comune": "Pavia"}}
    response = send(client, "post", "/api/organisations", body, key)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["slug"] == "ipsv"
    assert created["sites"][0]["province"] == "PV" and created["sites"][0]["istat_code"]
    found = client.get("/api/organisations?province=PV&type=research_centre").json()["results"]
    assert "ipsv" in {o["slug"] for o in found}
    assert client.get("/api/organisations", {"q": "prova scienze"}).json()["results"][0]["slug"] == "ipsv"
    record = Organisation.objects.get(slug="ipsv").history.first()
    assert (record.history_type, record.history_change_reason) == ("+", "API (curation-desk)")


def test_update_is_recorded_in_history_with_the_token_name(client, key):
    response = send(client, "patch", "/api/organisations/besta", {"employees": 1234, "employees_year": 2024}, key)
    assert response.status_code == 200, response.content
    assert response.json()["employees"] == 1234
    latest = Organisation.objects.get(slug="besta").history.first()
    assert latest.history_change_reason == "API (curation-desk)" and latest.employees == 1234
    steps = client.get("/api/organisations/besta/history").json()
    assert steps[0]["reason"] == "API (curation-desk)"
    assert {"field": "employees", "old": None, "new": 1234} in steps[0]["fields"]


def test_update_attributes_the_change_to_the_tokens_user(client):
    user = get_user_model().objects.create_user("curator")
    key = issue_token("curator-laptop", user=user)
    send(client, "patch", "/api/organisations/besta", {"founded": 1919}, key)
    assert Organisation.objects.get(slug="besta").history.first().history_user == user


def test_an_update_that_changes_nothing_leaves_no_history(client, key):
    before = Organisation.objects.get(slug="besta").history.count()
    besta = client.get("/api/organisations/besta").json()
    assert send(client, "patch", "/api/organisations/besta", {"name": besta["name"]}, key).status_code == 200
    assert Organisation.objects.get(slug="besta").history.count() == before


def test_null_clears_a_field(client, key):
    response = send(client, "patch", "/api/organisations/besta", {"website": None, "founded": None}, key)
    assert response.json()["website"] == "" and response.json()["founded"] is None


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"type": "spaceport"}, 400, "type"),
        ({"ownership": "mixed"}, 400, "ownership"),
        ({"website": "not a url"}, 400, "website"),
        ({"name": ""}, 422, "name"),
        ({"name": "   "}, 422, "name"),
        ({"founded": "long ago"}, 422, "founded"),
        ({"employees": -5}, 422, "employees"),
        ({"slug": "renamed"}, 422, "slug"),
        ({"colour": "blue"}, 422, "colour"),
        ({"name": "A\u0000B"}, 422, "name"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(client, key, body, status, field):
    before = client.get("/api/organisations/besta").json()
    response = send(client, "patch", "/api/organisations/besta", body, key)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field and response.json()["detail"]
    assert client.get("/api/organisations/besta").json() == before


def test_create_refuses_a_taken_slug_and_an_unknown_comune(client, key):
    taken = send(client, "post", "/api/organisations", {**NEW, "slug": "besta"}, key)
    assert taken.status_code == 409 and taken.json()["field"] == "slug"
    digits = send(client, "post", "/api/organisations", {**NEW, "slug": "12345"}, key)
    assert digits.status_code == 400 and digits.json()["field"] == "slug"
    nowhere = send(client, "post", "/api/organisations", {**NEW, "seat": {"comune": "Atlantide"}}, key)
    assert nowhere.status_code == 400 and nowhere.json()["field"] == "comune"
    # Atomic: the organisation was not kept without its seat.
    assert not Organisation.objects.filter(short_name="IPSV").exists()


def test_delete(client, key):
    ht_relations = Relation.objects.filter(subject__slug="ht-genomics").count()
    assert ht_relations
    assert send(client, "delete", "/api/organisations/ht-genomics", key=key).status_code == 204
    assert client.get("/api/organisations/ht-genomics").status_code == 404
    assert not Relation.objects.filter(subject__slug="ht-genomics").exists()
    record = Organisation.history.filter(slug="ht-genomics").first()
    assert (record.history_type, record.history_change_reason) == ("-", "API (curation-desk)")
    assert send(client, "delete", "/api/organisations/ht-genomics", key=key).status_code == 404


# ---- parts ---------------------------------------------------------------------------------


def test_identifiers_add_and_remove(client, key):
    added = send(client, "post", "/api/organisations/mondino/identifiers", {"scheme": "wikidata", "value": "Q3913451"}, key)
    assert added.status_code == 201, added.content
    assert added.json()["url"] == "https://www.wikidata.org/wiki/Q3913451"
    identifier = Identifier.objects.get(pk=added.json()["id"])
    assert identifier.history.first().history_change_reason == "API (curation-desk)"
    again = send(client, "post", "/api/organisations/besta/identifiers", {"scheme": "wikidata", "value": "Q3913451"}, key)
    assert again.status_code == 409
    unknown = send(client, "post", "/api/organisations/mondino/identifiers", {"scheme": "orcid", "value": "x"}, key)
    assert unknown.status_code == 400 and unknown.json()["field"] == "scheme"
    # An identifier is removed only through the organisation it belongs to.
    assert send(client, "delete", f"/api/organisations/besta/identifiers/{identifier.pk}", key=key).status_code == 404
    assert send(client, "delete", f"/api/organisations/mondino/identifiers/{identifier.pk}", key=key).status_code == 204
    assert not Identifier.objects.filter(pk=identifier.pk).exists()


def test_an_alias_makes_the_organisation_findable(client, key):
    assert client.get("/api/organisations", {"q": "neuromondo"}).json()["count"] == 0
    added = send(client, "post", "/api/organisations/mondino/aliases", {"name": "NeuroMondo", "kind": "variant"}, key)
    assert added.status_code == 201, added.content
    assert client.get("/api/organisations", {"q": "neuromondo"}).json()["results"][0]["slug"] == "mondino"
    alias_id = added.json()["id"]
    assert send(client, "delete", f"/api/organisations/mondino/aliases/{alias_id}", key=key).status_code == 204
    assert not Alias.objects.filter(pk=alias_id).exists()


def test_sites_add_and_remove(client, key):
    added = send(client, "post", "/api/organisations/mondino/sites", {"comune": "Bergamo"}, key)
    assert added.status_code == 201, added.content
    assert added.json()["province"] == "BG" and added.json()["is_headquarters"] is False
    assert "mondino" in {o["slug"] for o in client.get("/api/organisations?province=BG&page_size=200").json()["results"]}
    assert send(client, "delete", f"/api/organisations/mondino/sites/{added.json()['id']}", key=key).status_code == 204


def test_relations_add_and_remove(client, key):
    body = {"subject": "mondino", "kind": "partner_of", "object": "besta", "source_url": "https://example.org/agreement"}
    added = send(client, "post", "/api/relations", body, key)
    assert added.status_code == 201, added.content
    seen_from_besta = client.get("/api/organisations/besta").json()["relations"]
    assert any(r["direction"] == "in" and r["other"]["slug"] == "mondino" for r in seen_from_besta)
    relation = Relation.objects.get(pk=added.json()["id"])
    assert relation.source.url == "https://example.org/agreement"
    assert relation.history.first().history_change_reason == "API (curation-desk)"
    assert send(client, "post", "/api/relations", body, key).status_code == 409
    assert send(client, "delete", f"/api/relations/{relation.pk}", key=key).status_code == 204
    assert not Relation.objects.filter(pk=relation.pk).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"subject": "mondino", "kind": "partner_of", "object": "mondino"}, "object"),
        ({"subject": "mondino", "kind": "rival_of", "object": "besta"}, "kind"),
        ({"subject": "nobody", "kind": "partner_of", "object": "besta"}, "subject"),
        ({"subject": "mondino", "kind": "partner_of", "object": "besta", "source_url": "nope"}, "source_url"),
    ],
)
def test_bad_relations_are_refused(client, key, body, field):
    before = Relation.objects.count()
    response = send(client, "post", "/api/relations", body, key)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Relation.objects.count() == before


def test_tokens_are_listed_and_revoked_in_the_admin(admin_client, key):
    token = ApiToken.objects.get(name="curation-desk")
    page = admin_client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and "curation-desk" in page.content.decode()
    assert key not in page.content.decode()
    response = admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert check_token(key) is None
