"""The embedded Lombardy dataset: loaded whole, idempotent, and the seed's counts come from queries."""

import pytest
from simple_history.utils import get_history_model_for_model

from lshub.registry.models import Alias, Identifier, Organisation, Relation, Site, Source
from lshub.registry.services import directory
from lshub.registry.services.demo import load_demo

pytestmark = pytest.mark.django_db


def test_every_organisation_has_a_source():
    assert Organisation.objects.count() >= 155
    assert not Organisation.objects.filter(source_links__isnull=True).exists()


def test_loading_twice_changes_nothing():
    history = get_history_model_for_model(Organisation)
    before = (Organisation.objects.count(), history.objects.count(), Relation.objects.count())
    report = load_demo()
    assert report.changed == 0
    assert (Organisation.objects.count(), history.objects.count(), Relation.objects.count()) == before


def test_reload_keeps_a_curated_value():
    int_ = Organisation.objects.get(slug="int")
    int_.website = "https://curated.example.org"
    int_.save()
    load_demo()
    assert Organisation.objects.get(slug="int").website == "https://curated.example.org"


def test_nineteen_irccs_seated_in_lombardy():
    # 20 IRCCS rows: INRCA's Casatenovo hospital is a branch of an institute seated in Ancona.
    assert Organisation.objects.filter(type="irccs").count() == 20
    assert directory.irccs_seated_in("ITC4").count() == 19
    assert not directory.irccs_seated_in("ITC4").filter(slug="inrca-casatenovo").exists()


def test_irccs_by_area_is_counted_from_decree_areas():
    counts = {s.code: n for s, n in directory.irccs_by_area("ITC4")}
    # Monzino, Policlinico San Donato, MultiMedica / INT, IEO / Besta, Mondino, Mario Negri.
    assert counts["cardiology"] == 3
    assert counts["oncology"] == 2
    assert counts["neurology"] == 3
    assert counts["psychiatry"] == 1
    assert counts["musculoskeletal"] == 1


def test_sites_carry_istat_and_nuts_codes_from_the_registry_package():
    milano = Site.objects.filter(comune="Milano").first()
    assert (milano.istat_code, milano.province, milano.nuts2, milano.nuts3) == ("015146", "MI", "ITC4", "ITC4C")
    assert 45.3 < milano.latitude < 45.6 and 9.0 < milano.longitude < 9.3
    bosisio = Site.objects.get(organisation__slug="medea")
    assert bosisio.province == "LC" and bosisio.istat_code == "097009"


def test_identifiers_and_relations_have_sources():
    assert Identifier.objects.get(organisation__slug="besta", scheme="ror").url == "https://ror.org/05rbx8m02"
    assert not Relation.objects.filter(source__isnull=True).exists()
    assert Source.objects.filter(url__startswith="https://ror.org/").exists()


def test_former_names_are_aliases_with_their_source():
    alias = Alias.objects.get(organisation__slug="asst-pg23", name="Ospedali Riuniti di Bergamo")
    assert alias.kind == "former" and alias.language == "it"
    links = alias.organisation.source_links.filter(field="alias").select_related("source")
    assert (
        "https://www.ecodibergamo.it/stories/Cronaca/134569_lazienda_ospedaliera_di_bergamo_sar_intitolata_a_papa_giovanni_xxiii/"
        in [link.source.url for link in links]
    )
    hits = directory.browse(directory.DirectoryQuery(q="Ospedali Riuniti Bergamo"))
    assert "asst-pg23" in [o.slug for o in hits.organisations]
