"""The embedded Lombardy dataset: loaded whole, idempotent, and the seed's counts come from queries."""

import pytest
from simple_history.utils import get_history_model_for_model

from lshub.registry.models import Alias, Identifier, Organisation, Relation, Site, Source
from lshub.registry.services import directory, geo
from lshub.registry.services.demo import LoadReport, SitesFileError, _load_sites, _rows, load_demo

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
    bosisio = Site.objects.get(organisation__slug="medea", is_headquarters=True)
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


# ---------------------------------------------------------------------------------------
# Extra sites (src/lshub/data/sites.csv): places beyond the seat, each with its source


def test_every_extra_site_is_loaded_with_its_codes_and_source():
    rows = _rows("sites.csv")
    assert len(rows) >= 20
    for row in rows:
        comune = geo.find_comune(row["comune"])
        site = Site.objects.get(organisation__slug=row["key"], istat_code=comune.istat_code)
        assert not site.is_headquarters and site.label == row["label"]
        assert (site.comune, site.province, site.nuts2, site.nuts3) == (comune.name, comune.province, comune.nuts2, comune.nuts3)
        links = site.organisation.source_links.filter(field="site", source__url=row["source_url"])
        assert links.exists(), row


def test_an_extra_site_outside_lombardy_keeps_its_own_province_and_region():
    florence = Site.objects.get(organisation__slug="don-gnocchi", comune="Firenze")
    assert (florence.istat_code, florence.province, florence.nuts2) == ("048017", "FI", "ITI1")
    assert 43.7 < florence.latitude < 43.9 and 11.1 < florence.longitude < 11.4  # GeoNames calls it Florence
    montescano = Site.objects.get(organisation__slug="ics-maugeri", comune="Montescano")
    assert montescano.province == "PV" and montescano.latitude is not None
    assert montescano.coordinates_precision == "municipality"


def test_an_extra_site_puts_its_organisation_in_that_provinces_facet():
    bergamo = directory.browse(directory.DirectoryQuery(type=["irccs"], province=["BG"]))
    assert "mario-negri" in [o.slug for o in bergamo.organisations]
    assert Site.objects.get(organisation__slug="mario-negri", is_headquarters=True).province == "MI"


def test_extra_sites_leave_the_seat_counts_alone():
    assert directory.irccs_seated_in("ITC4").count() == 19
    assert not directory.irccs_seated_in("ITI1").exists()  # Don Gnocchi works in Florence, is seated in Milan
    for slug in ("don-gnocchi", "ics-maugeri", "medea", "auxologico"):
        assert Site.objects.filter(organisation__slug=slug, is_headquarters=True).count() == 1


def test_loading_the_sites_twice_changes_nothing():
    history = get_history_model_for_model(Site)
    before = (Site.objects.count(), history.objects.count())
    organisations = {o.slug: o for o in Organisation.objects.all()}
    report = LoadReport()
    _load_sites(organisations, report)
    assert report.changed == 0
    assert (Site.objects.count(), history.objects.count()) == before


def _one_row(**row):
    organisations = {o.slug: o for o in Organisation.objects.all()}
    base = {"key": "don-gnocchi", "comune": "Firenze", "label": "x", "address": "", "source_url": "https://example.org/a"}
    _load_sites(organisations, LoadReport(), rows=[base | row])


@pytest.mark.parametrize(
    "row, message",
    [
        ({"key": "no-such-body"}, r"line 2 \('no-such-body', 'Firenze'\): no organisation has this key"),
        ({"comune": "Atlantide"}, r"line 2 .*no Italian municipality called 'Atlantide'"),
        ({"comune": "Samone"}, r"line 2 .*ambiguous"),
        ({"comune": ""}, r"line 2 .*no Italian municipality"),
        ({"comune": "Paris"}, r"line 2 .*no Italian municipality called 'Paris'"),
        ({"key": "int", "comune": "Milano"}, r"line 2 .*headquarters are already in this comune"),
        ({"source_url": " "}, r"line 2 .*source_url is missing"),
        ({"comune": "x" * 10_000}, r"line 2 .*no Italian municipality"),
    ],
)
def test_a_bad_sites_row_is_an_error_naming_the_row(row, message):
    before = Site.objects.count()
    with pytest.raises(SitesFileError, match=message):
        _one_row(**row)
    assert Site.objects.count() == before
