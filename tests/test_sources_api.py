"""/api/trials: trials of an organisation, the regional share, one trial; bad input is a 4xx."""

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from conftest import SAMPLES
from lshub.registry.models import Organisation
from lshub.sources.api import router
from lshub.sources.models import StagedRecord
from lshub.sources.services.loading import load

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def client():
    """The project's API when it mounts the router, else an API of its own with the same errors."""
    from lshub.api import errors

    api = getattr(router, "api", None)
    if api is None:
        api = NinjaAPI(urls_namespace="sources-test")
        errors.install(api)
        api.add_router("/trials", router)
    prefix = next(path for path, r in api._routers if r is router).rstrip("/")
    return TestClient(api), prefix


@pytest.fixture
def trials():
    for name in ("v2_study.json", "v2_page.json", "classic.json", "legacy.xml"):
        load("ctgov", SAMPLES / "ctgov" / name)


def test_the_share_with_its_method_and_sources(client, trials):
    api, prefix = client
    body = api.get(f"{prefix}/share?region=ITC4").json()
    assert (body["numerator"], body["denominator"], body["value"]) == (3, 4, 0.75)
    assert body["regional_trials"] == ["NCT09000001", "NCT09000011", "NCT09000021"]
    assert "legacy.xml" in body["source_files"] and body["method"]


@pytest.mark.parametrize(
    "query, status, field", [("region=Lombardia", 400, "region"), ("regione=ITC4", 400, "regione")]
)
def test_bad_share_requests_are_400(client, query, status, field):
    api, prefix = client
    response = api.get(f"{prefix}/share?{query}")
    assert response.status_code == status and response.json()["field"] == field


def test_trials_of_an_organisation(client, trials):
    api, prefix = client
    org = Organisation.objects.first()
    StagedRecord.objects.filter(record_id="NCT09000021/site/1").update(organisation=org)
    body = api.get(f"{prefix}?organisation={org.slug}").json()
    assert body["total"] == 1 and body["trials"][0]["nct_id"] == "NCT09000021"
    assert body["by_phase"] == [{"value": "PHASE1", "count": 1}, {"value": "PHASE2", "count": 1}]
    assert body["trials"][0]["url"] == "https://clinicaltrials.gov/study/NCT09000021"


def test_unknown_organisation_and_trial_are_404(client):
    api, prefix = client
    assert api.get(f"{prefix}?organisation=no-such-org").status_code == 404
    assert api.get(f"{prefix}/NCT00000000").status_code == 404


def test_one_trial(client, trials):
    api, prefix = client
    body = api.get(f"{prefix}/nct09000011").json()
    assert body["phases"] == ["NA"] and body["start_date"] == "2021-03-02"
