"""POST /api/resolve: the same answers as `lshub resolve`, and 4xx for bad requests."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

from lshub.registry.models import Alias, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client):
    """POST to the mounted /api/resolve, or to the router mounted on a test API until the
    project's API mounts it."""
    try:
        url = reverse("api:resolve")
    except NoReverseMatch:
        from ninja import NinjaAPI
        from ninja.testing import TestClient

        from lshub.api import errors
        from lshub.linkage.api import router

        api = NinjaAPI(urls_namespace="linkage-test")
        errors.install(api)
        api.add_router("", router)
        test_client = TestClient(api)

        def send(body):
            raw = body if isinstance(body, str) else json.dumps(body)
            return test_client.post("/resolve", data=raw, content_type="application/json")

        return send

    def send(body):
        raw = body if isinstance(body, str) else json.dumps(body)
        return client.post(url, data=raw, content_type="application/json")

    return send


def test_resolve_answers_each_record_in_order(post):
    response = post(
        {
            "records": [
                {"name": "INT Milano"},
                {"name": "Istituto Nazionale Tumori Regina Elena", "city": "Roma", "country": "Italy"},
                {"name": "European Institute of Oncology", "city": "Milan", "country": "IT"},
            ]
        }
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results[0]["slug"] == "int" and results[0]["probability"] >= 0.9
    assert results[1] is None
    assert results[2]["slug"] == "ieo" and results[2]["ror"] == "https://ror.org/02vr0ne26"
    assert set(results[0]) == {"id", "slug", "name", "ror", "probability"}


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"records": []}, 400, "records"),
        ({"records": [{"name": ""}]}, 400, "records.0.name"),
        ({"records": [{"name": "x" * 10_000}]}, 400, "records.0.name"),
        ({"records": [{"name": "ok"}] * 1001}, 400, "records"),
        ({"records": [{"city": "Milano"}]}, 422, "records.0.name"),
        ({"rows": []}, 422, "records"),
        ("{not json", 400, ""),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message(post, body, status, field):
    response = post(body)
    assert response.status_code == status, response.content
    payload = response.json()
    assert payload["detail"]
    if field:
        assert payload.get("field", "").startswith(field)


def test_injection_strings_are_text(post):
    response = post({"records": [{"name": "'; DROP TABLE registry_organisation; --"}, {"name": "{{7*7}}"}]})
    assert response.status_code == 200
    assert response.json()["results"] == [None, None]


def test_a_name_added_to_the_registry_is_found_by_the_next_request(post):
    body = {"records": [{"name": "Zebrafish Neurogenetics Laboratory", "city": "Milano"}]}
    assert post(body).json()["results"] == [None]
    Alias.objects.create(organisation=Organisation.objects.get(slug="besta"), name="Zebrafish Neurogenetics Laboratory")
    [answer] = post(body).json()["results"]
    assert answer["slug"] == "besta" and answer["probability"] >= 0.9


def test_concurrent_requests_get_the_answers_of_sequential_ones(post):
    names = ["INT Milano", "IEO", "Politecnico di Milano", "Humanitas Rozzano", "Celgene", "University of Pavia"]
    bodies = [{"records": [{"name": name} for name in names[i:] + names[:i]]} for i in range(len(names))]
    expected = [post(body).json() for body in bodies]

    def send(body):
        try:
            return post(body).json()
        finally:
            connection.close()  # each thread has its own database connection

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(send, bodies * 2)) == expected * 2
    assert any(result for answer in expected for result in answer["results"])
