"""The home page, the directory and the map, through Django's test client on the Lombardy dataset."""

import json
import re
from html import unescape

import pytest

from lshub.registry.models import Organisation, Site
from lshub.registry.services import directory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def result_slugs(response) -> list[str]:
    """The organisations listed in a directory response, in order, read from the HTML."""
    body = response.content.decode()
    listing = body.split('class="result-list"', 1)[1] if 'class="result-list"' in body else ""
    return re.findall(r'<h3><a href="/(?:it/)?organisations/([^/]+)/">', listing)


def total_in(response) -> int:
    heading = re.search(r'<h2 id="results-heading"[^>]*>\s*(\d+)', response.content.decode())
    assert heading, "no result count on the page"
    return int(heading.group(1))


def embedded_json(response, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert match, f"no {element_id} on the page"
    return json.loads(match.group(1))


# Home


def test_home_counts_nineteen_irccs_seated_in_lombardy_and_links_to_them(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<p class="big-number"><a href="/organisations/\?type=irccs">19</a></p>', body)
    # The INRCA branch in Casatenovo is listed but not counted: the page says so.
    assert "also lists 1 IRCCS with a branch in the region" in body


def test_home_lists_irccs_by_area_with_links_to_the_filtered_directory(client):
    body = client.get("/").content.decode()
    rows = dict(re.findall(r'specialisation=([\w-]+)">[^<]+</a></th>\s*<td class="num">(\d+)</td>', body))
    expected = {s.code: n for s, n in directory.irccs_by_area()}
    assert {code: int(n) for code, n in rows.items()} == expected
    assert expected["cardiology"] == 3 and expected["neurology"] == 3


def test_every_count_on_the_home_page_leads_to_as_many_organisations(client):
    body = client.get("/").content.decode()
    links = re.findall(r'href="/organisations/\?(type|subtype)=([\w-]+)">(?:<span class="subtype-label">)?[^<]+(?:</span> <span class="count">|</a></th>\s*<td class="num">)(\d+)<', body)
    assert len(links) == len(directory.counts_by("type")) + len(directory.counts_by("subtype"))
    for field, value, count in links:
        response = client.get("/organisations/", {field: value})
        assert total_in(response) == int(count), (field, value)


# Directory


def test_directory_lists_every_organisation_a_page_at_a_time(client):
    response = client.get("/organisations/")
    assert response.status_code == 200
    assert total_in(response) == Organisation.objects.count()
    assert len(result_slugs(response)) == 20


def test_search_ignores_accents_and_case(client):
    # Names are written with the accent ("Università degli Studi…"); a search may be typed without.
    plain = result_slugs(client.get("/organisations/", {"q": "universita", "page_size": 100}))
    accented = result_slugs(client.get("/organisations/", {"q": "UNIVERSITÀ", "page_size": 100}))
    assert "unipv" in plain and "unimib" in plain
    assert set(plain) == set(accented)


def test_facets_combine_pavia_irccs_are_san_matteo_maugeri_and_mondino(client):
    response = client.get("/organisations/?type=irccs&province=PV")
    assert set(result_slugs(response)) == {"san-matteo", "ics-maugeri", "mondino"}
    assert total_in(response) == 3
    # Both filters stay ticked, and are listed as removable.
    body = response.content.decode()
    assert re.search(r'id="f-type-irccs" name="type" value="irccs" checked', body)
    assert re.search(r'id="f-province-pv" name="province" value="PV" checked', body)


def test_several_values_of_one_facet_are_alternatives(client):
    response = client.get("/organisations/?type=irccs&type=university&page_size=100")
    expected = Organisation.objects.filter(type__in=["irccs", "university"]).count()
    assert total_in(response) == expected == len(result_slugs(response))


def test_facet_counts_say_what_ticking_a_value_gives(client):
    body = client.get("/organisations/?type=irccs").content.decode()
    count = re.search(r'value="PV"[^>]*>\s*<label[^>]*><span class="option-label">Pavia \(PV\)</span> <span class="count"[^>]*>(\d+)<', body)
    assert count and int(count.group(1)) == 3


def test_pagination_keeps_the_filters(client):
    first = client.get("/organisations/?type=company")
    companies = Organisation.objects.filter(type="company").count()
    assert total_in(first) == companies > 20
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first.content.decode())
    assert next_link
    url = unescape(next_link.group(1))
    assert "type=company" in url and "page=2" in url
    second = client.get("/organisations/" + url)
    assert set(result_slugs(second)).isdisjoint(result_slugs(first))
    assert all(Organisation.objects.get(slug=s).type == "company" for s in result_slugs(second))


def test_a_page_past_the_end_shows_the_last_page(client):
    response = client.get("/organisations/?type=company&page=999")
    assert response.status_code == 200
    assert "Page 3 of 3" in response.content.decode()


def test_htmx_gets_only_the_results_fragment(client):
    response = client.get("/organisations/?type=irccs&province=PV", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="q"' not in body
    assert set(result_slugs(response)) == {"san-matteo", "ics-maugeri", "mondino"}
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client):
    response = client.get("/organisations/?type=irccs", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in response.content.decode()


def test_the_page_works_without_javascript(client):
    body = client.get("/organisations/").content.decode()
    form = re.search(r'<form id="directory-form"[^>]*>', body).group(0)
    assert 'method="get"' in form and 'action="/organisations/"' in form
    assert 'hx-push-url="true"' in form
    assert '<button type="submit" class="secondary">Apply filters</button>' in body


@pytest.mark.parametrize(
    "query, field",
    [
        ("province=ZZ", "province"),
        ("type=spaceship", "type"),
        ("specialisation=alchemy", "specialisation"),
        ("page=abc", "page"),
        ("page=-1", "page"),
        ("page_size=99999", "page_size"),
        ("q=" + "onco " * 150, "q"),
    ],
)
def test_a_bad_filter_is_a_clear_400(client, query, field):
    response = client.get("/organisations/?" + query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This search cannot be answered" in body
    assert re.search(rf"<p>{field}: ", body), body
    fragment = client.get("/organisations/?" + query, **HTMX)
    assert fragment.status_code == 400 and "<html" not in fragment.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "page=",
        "page=1.5",
        "page=99999999999999999999999",
        "page_size=0",
        "page_size=-5",
        "q=%00%01%02",
        "q=' OR 1=1; DROP TABLE registry_organisation; --",
        'q="unbalanced AND (NEAR',
        "q=*",
        "q=%E2%80%8B%F0%9F%A7%AC",
        "type=&province=&q=",
        "type=irccs&type=irccs",
        "province=pv",
        "unknown=1&page=2",
        "q=" + "x" * 499,
    ],
)
def test_garbage_in_the_query_string_never_breaks_the_page(client, query):
    response = client.get("/organisations/?" + query)
    assert response.status_code in (200, 400), response.status_code
    assert Organisation.objects.count() >= 155


def test_search_text_is_escaped(client):
    response = client.get("/organisations/", {"q": "<script>alert(1)</script> pavia"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pavia" in body


def test_a_search_of_only_stop_words_shows_everything_and_says_why(client):
    response = client.get("/organisations/", {"q": "the of di"})
    assert response.status_code == 200
    assert total_in(response) == Organisation.objects.count()
    assert "has no searchable words" in response.content.decode()


def test_an_empty_search_shows_everything_without_a_note(client):
    response = client.get("/organisations/", {"q": "   "})
    assert total_in(response) == Organisation.objects.count()
    assert "has no searchable words" not in response.content.decode()


def test_search_results_keep_the_ranking_of_the_directory(client):
    slugs = result_slugs(client.get("/organisations/", {"q": "human technopole"}))
    ranked = directory.browse(directory.DirectoryQuery(q="human technopole"), with_facets=False).organisations
    assert slugs == [org.slug for org in ranked]
    assert {"ht", "ht-genomics", "ht-neurogenomics"} <= set(slugs)


# Map


def test_map_draws_every_located_site(client):
    response = client.get("/map/")
    assert response.status_code == 200
    markers = embedded_json(response, "map-markers")
    assert len(markers) == Site.objects.filter(latitude__isnull=False, longitude__isnull=False).count()
    ht = next(m for m in markers if m["url"] == "/organisations/ht/")
    assert ht["type"] == "research_centre" and ht["colour"].startswith("#")
    assert 45.3 < ht["lat"] < 45.6


def test_map_applies_the_directory_filters(client):
    response = client.get("/map/?type=irccs&province=PV")
    markers = embedded_json(response, "map-markers")
    assert {m["url"] for m in markers} == {f"/organisations/{s}/" for s in ("san-matteo", "ics-maugeri", "mondino")}
    # Maugeri works in several regions: in Pavia's map only its sites in the province are drawn.
    assert len(markers) == Site.objects.filter(
        organisation__slug__in=("san-matteo", "ics-maugeri", "mondino"), province="PV", latitude__isnull=False
    ).count()
    assert Site.objects.filter(organisation__slug="ics-maugeri").exclude(province="PV").exists()
    assert 'href="/organisations/?type=irccs&amp;province=PV"' in response.content.decode()


def test_map_names_what_it_cannot_place(client):
    response = client.get("/map/")
    unlocated = Organisation.objects.exclude(sites__latitude__isnull=False)
    assert unlocated.exists()
    body = response.content.decode()
    for org in unlocated:
        assert f'href="{org.get_absolute_url()}"' in body


def test_map_tile_server_comes_from_settings(client, settings):
    settings.LSHUB_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/map/")
    assert embedded_json(response, "map-tiles") == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_map_refuses_a_bad_filter_with_400(client):
    response = client.get("/map/?province=ZZ")
    assert response.status_code == 400
    assert "province: unknown value" in response.content.decode()


def test_directory_and_map_link_to_each_other_with_the_same_filters(client):
    body = client.get("/organisations/?type=irccs&province=PV&page=1").content.decode()
    assert 'href="/map/?type=irccs&amp;province=PV"' in body


# Italian


def test_italian_home_uses_italian_labels(client):
    response = client.get("/it/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="it">' in body
    assert "Organizzazioni per tipo" in body
    assert "Impresa" in body  # the type "Company"
    assert "Cardiologia" in body  # the area's Italian label, from the data
    assert 'href="/it/organisations/?type=irccs"' in body


def test_italian_directory_uses_italian_facet_labels(client):
    body = client.get("/it/organisations/?type=irccs&province=PV").content.decode()
    assert "Elenco delle organizzazioni" in body
    assert "3 organizzazioni" in body
    assert "Tipo" in body and "Provincia" in body
    assert "IRCCS pubblico" in body or "IRCCS privato" in body


def test_italian_error_message_is_italian_around_the_field_name(client):
    response = client.get("/it/organisations/?province=ZZ")
    assert response.status_code == 400
    assert "Questa ricerca non può avere risposta" in response.content.decode()
    page = client.get("/it/organisations/?page=abc")
    assert "page: &#x27;abc&#x27; non è un numero intero" in page.content.decode()


def language_forms(body: str) -> dict[str, str]:
    """language code -> the address its switch form returns to."""
    forms = re.findall(r'<input type="hidden" name="next" value="([^"]*)">\s*<button type="submit" name="language" value="(\w+)"', body)
    return {code: unescape(next_url) for next_url, code in forms}


def test_language_switch_keeps_the_page_and_its_filters(client):
    english = client.get("/organisations/?type=irccs&province=PV").content.decode()
    assert language_forms(english) == {
        "en": "/organisations/?type=irccs&province=PV",
        "it": "/it/organisations/?type=irccs&province=PV",
    }
    to_italian = client.post("/i18n/setlang/", {"language": "it", "next": language_forms(english)["it"]})
    assert to_italian.status_code == 302
    assert to_italian["Location"] == "/it/organisations/?type=irccs&province=PV"

    italian = client.get(to_italian["Location"]).content.decode()
    to_english = client.post("/i18n/setlang/", {"language": "en", "next": language_forms(italian)["en"]})
    assert to_english["Location"] == "/organisations/?type=irccs&province=PV"


def test_language_switch_on_a_profile(client):
    forms = language_forms(client.get("/it/organisations/ht/").content.decode())
    assert forms == {"en": "/organisations/ht/", "it": "/it/organisations/ht/"}


def test_every_page_offers_both_languages(client):
    body = client.get("/organisations/").content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert ">English</button>" in body and ">Italiano</button>" in body


def test_no_template_comment_leaks_into_a_page():
    """Django's {# #} comments are single-line: a multi-line one is printed as text."""
    from pathlib import Path

    import lshub

    for template in Path(lshub.__file__).parent.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if "{#" in line:
                assert "#}" in line, f"{template.name}:{number} opens a comment it does not close on the same line"
