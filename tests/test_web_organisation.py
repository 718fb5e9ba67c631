"""An organisation's page: every field, identifiers, relations both ways, sources, history and revert."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lshub.registry.models import Identifier, Organisation, Relation, Site
from lshub.registry.services import history

pytestmark = pytest.mark.django_db


def page(client, slug: str, prefix: str = "") -> str:
    response = client.get(f"{prefix}/organisations/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def staff_client():
    user = get_user_model().objects.create_user("curator", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def edited_website():
    """INT with one curated change on top of the loaded version: two history steps."""
    org = Organisation.objects.get(slug="int")
    loaded_website = org.website
    org.website = "https://curated.example.org"
    org._change_reason = "checked on the institute's site"
    org.save()
    steps = history.changes(org)
    return org, loaded_website, steps


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/no-such-organisation/").status_code == 404


def test_profile_shows_the_recorded_fields(client):
    body = page(client, "int")
    assert "<h1>Fondazione IRCCS Istituto Nazionale dei Tumori</h1>" in body
    assert 'href="https://www.istitutotumori.mi.it"' in body
    assert "<dd>1928</dd>" in body
    assert "Research hospital (IRCCS)" in body and "public IRCCS" in body
    assert "<dd>Public</dd>" in body
    assert "<li>INT <span class=\"muted\">(short name)</span></li>" in body


def test_missing_values_are_shown_as_gaps(client):
    org = Organisation.objects.get(slug="int")
    assert not org.name_en and org.employees is None
    body = page(client, "int")
    assert re.search(r"<dt>Name in English</dt><dd><span class=\"gap\">not recorded</span></dd>", body)
    assert re.search(r"<dt>Employees</dt>\s*<dd><span class=\"gap\">not recorded</span></dd>", body)


def test_employees_are_shown_with_their_year_or_its_absence(client):
    org = Organisation.objects.filter(employees__isnull=False, employees_year__isnull=True).first()
    assert org is not None
    assert "year not recorded" in page(client, org.slug)
    org.employees_year = 2023
    org.save()
    assert "as of 2023" in page(client, org.slug)


def test_identifiers_are_links(client):
    body = page(client, "besta")
    ror = Identifier.objects.get(organisation__slug="besta", scheme="ror")
    assert f'<a href="{ror.url}" rel="external noopener">{ror.value}</a>' in body
    assert ror.url == "https://ror.org/05rbx8m02"


def test_identifier_without_a_resolver_is_plain_text(client):
    org = Organisation.objects.get(slug="besta")
    Identifier.objects.create(organisation=org, scheme="vat", value="IT01234567890")
    body = page(client, "besta")
    assert "<code>IT01234567890</code>" in body
    assert 'href="IT01234567890"' not in body


def test_human_technopole_lists_its_centres_as_includes(client):
    body = page(client, "ht")
    centres = Relation.objects.filter(object__slug="ht", kind="part_of").select_related("subject")
    assert centres.count() == 5
    for relation in centres:
        assert re.search(
            rf'<td>includes</td>\s*<td><a href="/organisations/{relation.subject.slug}/">', body
        ), relation.subject.slug


def test_a_centre_is_part_of_human_technopole(client):
    body = page(client, "ht-genomics")
    assert re.search(r'<td>part of</td>\s*<td><a href="/organisations/ht/">Fondazione Human Technopole</a>', body)


def test_relations_link_to_their_source(client):
    relation = Relation.objects.filter(subject__slug="ht-genomics", object__slug="ht").get()
    assert f'href="{relation.source.url}"' in page(client, "ht-genomics")


def test_recognised_irccs_area_shows_the_decree_wording(client):
    body = page(client, "besta")
    assert "recognised IRCCS area" in body
    assert "<q lang=\"it\">malattie del sistema nervoso nell&#x27;adulto e nel bambino</q>" in body


def test_sites_show_istat_nuts_coordinates_and_a_map(client):
    body = page(client, "medea")
    site = Site.objects.get(organisation__slug="medea", is_headquarters=True)
    assert f"<code>{site.istat_code}</code>" in body and f"<code>{site.nuts3}</code>" in body
    assert f"{site.latitude:.4f}" in body
    assert 'id="org-map"' in body and 'id="map-markers"' in body


def test_no_map_without_coordinates(client):
    org = Organisation.objects.exclude(sites__latitude__isnull=False).first()
    body = page(client, org.slug)
    assert 'id="org-map"' not in body


def test_sources_are_listed_with_their_field(client):
    body = page(client, "besta")
    for link in Organisation.objects.get(slug="besta").source_links.select_related("source"):
        assert f'href="{link.source.url}"' in body
    assert "for identifier:ror" in body
    assert "for the whole record" in body


def test_history_shows_who_changed_what_and_why(client, edited_website):
    org, loaded_website, steps = edited_website
    body = page(client, "int")
    assert "checked on the institute&#x27;s site" in body
    assert re.search(
        rf"<strong>website</strong>:\s*<del>{re.escape(loaded_website)}</del>\s*→ <ins>https://curated.example.org</ins>", body
    )


def test_anonymous_visitors_see_no_revert_button(client, edited_website):
    assert "Revert to this version" not in page(client, "int")


def test_non_staff_users_see_no_revert_button(edited_website):
    user = get_user_model().objects.create_user("reader", password="pw")
    client = Client()
    client.force_login(user)
    assert "Revert to this version" not in page(client, "int")


def test_staff_revert_restores_the_earlier_version(staff_client, edited_website):
    org, loaded_website, steps = edited_website
    older = steps[1]
    body = page(staff_client, "int")
    assert f'action="/organisations/int/history/{older.history_id}/revert/"' in body
    response = staff_client.post(f"/organisations/int/history/{older.history_id}/revert/")
    assert response.status_code == 302 and response["Location"] == "/organisations/int/#history"
    org.refresh_from_db()
    assert org.website == loaded_website
    newest = history.changes(org)[0]
    assert newest.who == "curator" and newest.reason.startswith("reverted to the version of")
    assert "The organisation was reverted" in staff_client.get(response["Location"]).content.decode()


def test_anonymous_revert_is_refused(client, edited_website):
    org, _, steps = edited_website
    response = client.post(f"/organisations/int/history/{steps[1].history_id}/revert/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    org.refresh_from_db()
    assert org.website == "https://curated.example.org"


def test_non_staff_revert_is_forbidden(edited_website):
    org, _, steps = edited_website
    client = Client()
    client.force_login(get_user_model().objects.create_user("reader", password="pw"))
    response = client.post(f"/organisations/int/history/{steps[1].history_id}/revert/")
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.website == "https://curated.example.org"


def test_revert_needs_a_csrf_token_and_a_post(edited_website):
    org, _, steps = edited_website
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("boss", password="pw", is_staff=True))
    url = f"/organisations/int/history/{steps[1].history_id}/revert/"
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    org.refresh_from_db()
    assert org.website == "https://curated.example.org"


def test_revert_to_another_organisations_version_is_404(staff_client, edited_website):
    other = history.changes(Organisation.objects.get(slug="besta"))[0]
    response = staff_client.post(f"/organisations/int/history/{other.history_id}/revert/")
    assert response.status_code == 404


def test_italian_profile_uses_italian_labels_and_falls_back_for_the_description(client):
    org = Organisation.objects.get(slug="besta")
    assert org.description_en and not org.description_it
    body = page(client, "besta", prefix="/it")
    assert "Specializzazioni" in body and "Denominazione ufficiale" in body
    assert "Neurologia" in body  # the specialisation's Italian label, from the data
    assert "Ancora nessuna descrizione in questa lingua" in body
    assert 'lang="en">' + org.description_en[:30] in body


def test_italian_description_is_preferred_when_recorded(client):
    org = Organisation.objects.get(slug="besta")
    org.description_it = "Istituto pubblico di ricovero e cura per la neurologia."
    org.save()
    body = page(client, "besta", prefix="/it")
    assert "Istituto pubblico di ricovero e cura per la neurologia." in body
    assert "Ancora nessuna descrizione" not in body


def test_relations_both_ways_take_one_query(django_assert_num_queries):
    from lshub.registry.services import profile

    ht = Organisation.objects.get(slug="ht")
    with django_assert_num_queries(1):
        rows = profile.relations_both_ways(ht)
        assert {row["other"]["slug"] for row in rows} >= {"ht-genomics", "ht-neurogenomics"}
        assert all(row["source"]["url"] for row in rows)
