"""`lshub match`, POST /api/match and the partnering page: the same matchmaking, three adapters."""

import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from django.urls import Resolver404, path, resolve

from lshub.partnering.cli import match as match_command

pytestmark = pytest.mark.django_db
REQUESTS = SAMPLES / "partnering"
NEEDS = REQUESTS.parents[2] / "src" / "lshub" / "partnering" / "evaluation" / "needs.jsonl"


def run(*args):
    return CliRunner().invoke(match_command, list(args), catch_exceptions=False)


# ---- CLI ------------------------------------------------------------------------------------


def test_cli_json_lists_partners_with_id_name_type_score_reasons():
    result = run("--text", "A CDMO for sterile injectables", "--limit", "3", "--json")
    assert result.exit_code == 0, result.output
    partners = json.loads(result.output)
    assert len(partners) == 3 and {"cordenpharma", "patheon-monza"} <= {p["id"] for p in partners}
    for partner in partners:
        assert {"id", "name", "type", "score", "reasons", "breakdown"} <= set(partner)
        assert partner["reasons"] and isinstance(partner["score"], float)


def test_cli_filters_by_type_area_and_province():
    result = run("--text", "research", "--type", "irccs", "--area", "neurology", "--province", "PV", "--json")
    partners = json.loads(result.output)
    assert [p["id"] for p in partners][:1] == ["mondino"]
    assert all(p["type"] == "irccs" for p in partners)


def test_cli_table_and_italian_reasons():
    table = run("--text", "oncologia", "--type", "irccs", "--limit", "2", "--language", "it")
    assert table.exit_code == 0
    assert "Partner per: oncologia" in table.output and "ieo" in table.output and "int" in table.output
    partners = json.loads(run("--text", "oncologia", "--type", "irccs", "--limit", "2", "--language", "it", "--json").output)
    assert all("IRCCS riconosciuto per oncologia" in p["reasons"] for p in partners)


def test_cli_reads_a_yaml_request():
    result = run(str(REQUESTS / "oncology_request.yaml"), "--json")
    assert result.exit_code == 0, result.output
    partners = json.loads(result.output)
    assert len(partners) <= 5 and {p["id"] for p in partners[:2]} == {"int", "ieo"}
    assert all(p["type"] == "irccs" for p in partners)


@pytest.mark.parametrize(
    ("name", "message"),
    [("malformed_request.yaml", "not valid YAML at line 3"), ("unknown_key_request.yaml", "unknown key 'budget'")],
)
def test_cli_bad_request_files_end_with_a_clear_message(name, message):
    result = CliRunner().invoke(match_command, [str(REQUESTS / name)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", ""], "describe the partner"),
        (["--text", "x" * 10_000], "10000 characters"),
        (["--text", "of the and"], "only common words"),
        (["--text", "oncology", "--area", "nonsense"], "area: unknown value 'nonsense'"),
        (["--text", "oncology", "--province", "XX"], "province: unknown value 'XX'"),
    ],
)
def test_cli_bad_needs(args, message):
    result = CliRunner().invoke(match_command, args)
    assert result.exit_code == 1 and message in result.output


def test_cli_evaluate_prints_system_and_baseline_side_by_side(tmp_path):
    small = tmp_path / "set.jsonl"
    small.write_text(
        '{"id": "a", "split": "dev", "text": "sterile injectables", "relevant": {"cordenpharma": 3, "patheon-monza": 3}}\n'
        '{"id": "b", "split": "heldout", "text": "oncolgy", "relevant": {"int": 3, "ieo": 3}}\n'
    )
    result = run("--evaluate", str(small), "--json")
    report = json.loads(result.output)
    assert report["systems"]["system"]["all"]["n"] == 2
    assert report["systems"]["system"]["heldout"]["ndcg"] > report["systems"]["baseline"]["heldout"]["ndcg"]
    table = run("--evaluate", str(small)).output
    assert "nDCG@10 system" in table and "baseline" in table and "heldout" in table


def test_the_labelled_set_is_large_bilingual_and_split_in_halves():
    from lshub.partnering.services.evaluate import read_set
    from lshub.registry.models import Organisation

    needs = read_set(NEEDS)
    assert len(needs) >= 40
    assert {n.lang for n in needs} == {"en", "it"} and {n.split for n in needs} == {"dev", "heldout"}
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    assert all(set(n.relevant) <= slugs for n in needs)


def test_cli_refuses_a_broken_evaluation_set(tmp_path):
    broken = tmp_path / "set.jsonl"
    broken.write_text('{"text": "x", "relevant": {"int": 3}}\n{not json\n')
    result = CliRunner().invoke(match_command, ["--evaluate", str(broken)])
    assert result.exit_code == 1 and "line 2: not valid JSON" in result.output


# ---- API ------------------------------------------------------------------------------------


def _api_urlconf():
    """The project's URLs, with the partnering router on an API of its own if the project's
    API does not mount it yet (the API's JSON error handlers installed the same way)."""
    from types import ModuleType

    from lshub.api import errors
    from lshub.api.urls import LshubAPI
    from lshub.config import urls as project_urls

    try:
        if resolve("/api/match").url_name != errors.UNKNOWN_PATH:
            return None  # the project's API mounts the router: use it
    except Resolver404:
        pass
    from lshub.partnering.api import router

    api = LshubAPI(title="partnering test", urls_namespace="partnering-test-api")
    errors.install(api)
    api.add_router("", router)
    module = ModuleType("partnering_test_urls")
    module.urlpatterns = [path("api/", api.urls), *project_urls.urlpatterns]
    return module


_URLCONF = None


@pytest.fixture
def api_urls(settings):
    global _URLCONF
    if _URLCONF is None:
        _URLCONF = _api_urlconf() or "lshub.config.urls"
    settings.ROOT_URLCONF = _URLCONF


def post(client, body):
    return client.post("/api/match", json.dumps(body), content_type="application/json")


def test_api_match_ranks_with_reasons_and_breakdown(client, api_urls):
    response = post(client, {"text": "research hospital for a phase I oncology trial in Milan", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"][:2]] in (["int", "ieo"], ["ieo", "int"])
    assert "oncology" in body["understood"]["areas"] and body["understood"]["phases"] == ["1"]
    assert body["results"][0]["reasons"] and set(body["results"][0]["breakdown"]) >= {"text", "area", "trials"}


def test_api_answers_in_the_requested_language(client, api_urls):
    response = client.post(
        "/api/match", json.dumps({"text": "oncologia", "type": ["irccs"], "limit": 2}), content_type="application/json",
        headers={"Accept-Language": "it"},
    )
    assert response.status_code == 200
    assert "IRCCS riconosciuto per oncologia" in response.json()["results"][0]["reasons"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": ""}, 400, "text"),
        ({"text": "x" * 10_000}, 400, "text"),
        ({"text": "the of and"}, 400, "text"),
        ({"text": "oncology", "area": ["martian-medicine"]}, 400, "area"),
        ({"text": "oncology", "province": ["QQ"]}, 400, "province"),
        ({"text": "oncology", "limit": 1000}, 400, "limit"),
        ({"text": ["not", "a", "string"]}, 422, None),
    ],
)
def test_api_bad_needs_are_4xx_with_a_message(client, api_urls, body, status, field):
    response = post(client, body)
    assert response.status_code == status
    assert response.json()["detail"]
    if field:
        assert response.json()["field"] == field


def test_api_malformed_json_is_a_4xx(client, api_urls):
    response = client.post("/api/match", "{text: ", content_type="application/json")
    assert 400 <= response.status_code < 500


# ---- web page -------------------------------------------------------------------------------


def test_partnering_page_shows_ranked_partners_with_reasons_and_facets(client):
    response = client.get("/partnering/", {"q": "A CDMO for sterile injectables"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "CordenPharma" in page and "Score breakdown" in page
    assert 'name="type"' in page and 'name="province"' in page and 'name="area"' in page
    assert page.index("CordenPharma") < page.index("Olon")


def test_facets_refine_the_need(client):
    page = client.get("/partnering/", {"q": "oncology", "type": "company"}).content.decode()
    assert "Nerviano Medical Sciences" in page
    assert "Istituto Europeo di Oncologia" not in page


def test_partnering_page_in_italian(client):
    page = client.get("/it/partnering/", {"q": "dispositivi medici"}).content.decode()
    assert "Trova partner" in page and "B. Braun" in page


@pytest.mark.parametrize("text", ["<script>alert('x')</script> oncology", "<img src=x onerror=alert(1)>"])
def test_injected_markup_is_shown_escaped(client, text):
    response = client.get("/partnering/", {"q": text})
    page = response.content.decode()
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;" in page


def test_a_bad_need_on_the_page_is_a_400_with_the_message(client):
    response = client.get("/partnering/", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert "keep it under 2000" in response.content.decode()
    response = client.get("/partnering/", {"q": "oncology", "province": "ZZ"})
    assert response.status_code == 400 and "unknown value" in response.content.decode()


def test_signed_in_users_get_a_shortlist_form_that_is_not_nested_in_the_search_form(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("desk", password="pw-for-tests-only"))
    page = client.get("/partnering/", {"q": "sterile injectables"}).content.decode()
    need_form = page[page.index('<form id="need-form"') : page.index("</form>", page.index('<form id="need-form"'))]
    assert 'id="shortlist-form"' in page and 'id="shortlist-form"' not in need_form
    assert page.count('form="shortlist-form"') >= 3  # a box per partner, the title and the button
    assert 'form="need-form"' in page  # the facets belong to the search
