"""`lshub link` over real staged records: ROR and ClinicalTrials.gov fixtures."""

import pytest
from click.testing import CliRunner

from conftest import shared_fixture
from lshub.linkage.cli import link
from lshub.linkage.linking import link_staged
from lshub.linkage.models import ReviewItem
from lshub.registry.models import Organisation
from lshub.sources.models import StagedRecord, TrialSite
from lshub.sources.services.loading import load

pytestmark = pytest.mark.django_db


def _load_ror():
    folder = shared_fixture("ror", "v1")
    for path in sorted(folder.glob("*.json")):
        report = load("ror", path)
        assert not report.error, report.error


def test_ror_records_link_by_identifier_create_only_what_ror_is_authoritative_for():
    _load_ror()
    before = Organisation.objects.count()
    report = link_staged(source="ror")
    assert report.read == StagedRecord.objects.filter(source="ror").count() == 76
    assert report.by_identifier >= 15  # the registry keeps the ROR ids of many of these
    linked = dict(StagedRecord.objects.filter(source="ror", status="linked").values_list("record_id", "organisation__slug"))
    assert linked["02vr0ne26"] == "ieo" and linked["039zxt351"] == "san-raffaele" and linked["01nffqt88"] == "polimi"
    # A research facility in Lombardy that the registry lacks is created (ROR is authoritative)…
    created = StagedRecord.objects.get(source="ror", record_id="04ebbpp93")  # Istituto … Lazzaro Spallanzani
    assert created.status == "created" and created.organisation.type == "research_centre"
    assert created.organisation.sites.get().province == "MI"
    # …a company is not (ROR is not authoritative for companies), nor a withdrawn record.
    assert StagedRecord.objects.get(source="ror", record_id="03b8etr73").status == "rejected"  # AboutScience
    assert StagedRecord.objects.get(source="ror", record_id="02e5sbe24").status == "rejected"  # withdrawn
    assert Organisation.objects.count() == before + report.created
    assert report.created == StagedRecord.objects.filter(source="ror", status="created").count()

    # A second run finds nothing left to do and changes nothing.
    again = link_staged(source="ror")
    assert (again.read, again.created, again.linked) == (0, 0, 0)
    assert Organisation.objects.count() == before + report.created


def test_trial_sites_get_their_organisation():
    report = load("ctgov", shared_fixture("ctgov", "legacy_xml", "NCT02481830.xml"))
    assert not report.error
    result = CliRunner().invoke(link, ["--source", "ctgov"], catch_exceptions=False)
    assert result.exit_code == 0 and "linked" in result.output
    site = TrialSite.objects.get(trial__nct_id="NCT02481830", name="IRCCS Istituto Nazionale Tumori Milano")
    assert site.organisation.slug == "int"
    # Sites elsewhere in Italy are not in the registry and are not created from a trial.
    assert not TrialSite.objects.filter(trial__nct_id="NCT02481830", city="Livorno", organisation__isnull=False).exists()
    assert not ReviewItem.objects.filter(source="ctgov", status="open", proposed__slug="int").exists()


def test_an_organisation_created_from_a_number_gets_a_key_that_is_not_an_id():
    from lshub.linkage.linking import create_organisation

    first = create_organisation({"name": "  1948 ", "city": "Milano"}, "company", "minsalute", "X1")
    second = create_organisation({"name": "1948"}, "company", "minsalute", "X2")
    assert (first.slug, second.slug) == ("organisation-1948", "organisation-1948-2")
    assert first.name == "1948" and first.sites.get().comune == "Milano"
