"""ClinicalTrials.gov: three formats parsed alike, trials loaded with their sites and
sponsors, trials per organisation, and the regional share of Italian interventional trials."""

import pytest

from conftest import SAMPLES, shared_fixture
from lshub.registry.models import Organisation
from lshub.sources.models import StagedRecord, Trial, TrialSite, TrialSponsor
from lshub.sources.parsers import ctgov
from lshub.sources.parsers.base import Parsed, Rejected, SourceFileError
from lshub.sources.services.loading import load
from lshub.sources.services.trials import (
    share_of_national_interventional_trials,
    sync_organisations,
    trials_for,
)

SAMPLE = SAMPLES / "ctgov"


def _by_id(path):
    return {r.record_id: r for r in ctgov.parse(path) if isinstance(r, Parsed)}


def test_an_api_v2_study_gives_the_trial_its_sponsors_and_named_sites():
    records = _by_id(SAMPLE / "v2_study.json")
    assert list(records) == [
        "NCT09000001",
        "NCT09000001/sponsor/1",
        "NCT09000001/sponsor/2",
        "NCT09000001/site/1",
        "NCT09000001/site/2",
        "NCT09000001/site/3",
    ]  # the fourth site has no facility name: it stays on the trial only
    trial = records["NCT09000001"].candidate
    assert trial["phases"] == ["PHASE2", "PHASE3"] and trial["study_type"] == "INTERVENTIONAL"
    assert trial["overall_status"] == "RECRUITING" and trial["start_date"] == "2023-04-01"
    assert trial["conditions"] == ["Asthma", "Airway Inflammation"] and len(trial["sites"]) == 4
    milan = records["NCT09000001/site/1"].candidate
    assert (milan["name"], milan["city"], milan["province"], milan["country"], milan["nuts2"]) == (
        "Istituto Esempio di Ricerca",
        "Milano",
        "MI",
        "IT",
        "ITC4",
    )
    assert (milan["lat"], milan["lon"]) == (45.46427, 9.18951)
    assert records["NCT09000001/site/3"].candidate["country"] == "ES"
    lead = records["NCT09000001/sponsor/1"].candidate
    assert (lead["name"], lead["role"], lead["types"]) == ("Esempio Pharma S.p.A.", "lead", ["company"])
    assert records["NCT09000001/sponsor/2"].candidate["role"] == "collaborator"


def test_an_api_v2_page_streams_each_study():
    records = _by_id(SAMPLE / "v2_page.json")
    trials = [r for r in records.values() if r.kind == "trial"]
    assert [t.record_id for t in trials] == ["NCT09000002", "NCT09000003"]
    assert records["NCT09000003/site/1"].candidate["province"] == "RM"


def test_the_classic_api_is_read_in_the_same_vocabulary_and_a_titleless_study_is_rejected():
    items = list(ctgov.parse(SAMPLE / "classic.json"))
    trial = items[0].candidate
    assert (trial["nct_id"], trial["phases"], trial["overall_status"], trial["study_type"], trial["start_date"]) == (
        "NCT09000011",
        ["NA"],
        "ACTIVE_NOT_RECRUITING",
        "INTERVENTIONAL",
        "2021-03-02",
    )
    assert [i.candidate["name"] for i in items if getattr(i, "kind", "") == "sponsor"] == [
        "Fondazione Esempio per la Salute",
        "Istituto Esempio di Ricerca",
    ]
    bergamo = next(i for i in items if getattr(i, "record_id", "") == "NCT09000011/site/2")
    assert (bergamo.candidate["city"], bergamo.candidate["nuts2"]) == ("Bergamo", "ITC4")
    assert items[-1] == Rejected(2, "title", "NCT09000012 has no title")


def test_legacy_xml_with_repeated_and_attributed_elements():
    records = _by_id(SAMPLE / "legacy.xml")
    trial = records["NCT09000021"].candidate
    assert trial["phases"] == ["PHASE1", "PHASE2"] and trial["start_date"] == "2016-01-26"
    assert trial["conditions"] == ["Lymphoma", "Relapsed Disease"]
    assert [records[f"NCT09000021/sponsor/{n}"].candidate["name"] for n in (1, 2, 3)] == [
        "Esempio Pharma S.p.A.",
        "Istituto Esempio di Ricerca",
        "Example Biotech Inc.",
    ]
    meldola = records["NCT09000021/site/2"].candidate
    assert (meldola["city"], meldola["province"]) == ("Meldola", "FC")  # "Meldola (FC)" as written


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT1"', "cut short"),
        ("<clinical_study><id_info><nct_id>NCT1</nct_id>", "cut short or is not valid XML"),
        ('{"hello": 1}', "holds no ClinicalTrials.gov study"),
    ],
)
def test_broken_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(SourceFileError, match=message):
        list(ctgov.parse(path))


@pytest.mark.django_db
def test_loading_fills_the_trial_tables_and_a_reload_changes_nothing():
    for name in ("v2_study.json", "v2_page.json", "classic.json", "legacy.xml"):
        assert load("ctgov", SAMPLE / name).ok
    trial = Trial.objects.get(nct_id="NCT09000001")
    assert (trial.title, trial.phases, trial.sponsor_name, str(trial.start_date)) == (
        "Example Drug Versus Placebo in Moderate Asthma",
        ["PHASE2", "PHASE3"],
        "Esempio Pharma S.p.A.",
        "2023-04-01",
    )
    assert trial.source_file == "v2_study.json" and trial.staged_record.kind == "trial"
    sites = list(trial.sites.values_list("position", "city", "country_code", "nuts2", "staged_record__record_id"))
    assert sites == [
        (1, "Milano", "IT", "ITC4", "NCT09000001/site/1"),
        (2, "Roma", "IT", "ITI4", "NCT09000001/site/2"),
        (3, "Barcelona", "ES", "", "NCT09000001/site/3"),
        (4, "Pavia", "IT", "ITC4", None),
    ]
    assert list(trial.sponsors.values_list("role", "name")) == [
        ("lead", "Esempio Pharma S.p.A."),
        ("collaborator", "Università Esempio"),
    ]
    counts = (Trial.objects.count(), TrialSite.objects.count(), TrialSponsor.objects.count())
    again = load("ctgov", SAMPLE / "v2_study.json")
    assert (again.stage.new, again.stage.changed, again.stage.unchanged) == (0, 0, 6)
    assert (Trial.objects.count(), TrialSite.objects.count(), TrialSponsor.objects.count()) == counts


@pytest.mark.django_db
def test_a_study_that_loses_a_site_loses_its_row(tmp_path):
    import json

    load("ctgov", SAMPLE / "v2_study.json")
    study = json.loads((SAMPLE / "v2_study.json").read_text())
    del study["protocolSection"]["contactsLocationsModule"]["locations"][1:]
    newer = tmp_path / "NCT09000001.json"
    newer.write_text(json.dumps(study))
    report = load("ctgov", newer)
    assert report.stage.changed == 1  # the trial; its first site and sponsors are as before
    assert list(Trial.objects.get(nct_id="NCT09000001").sites.values_list("position", flat=True)) == [1]


def _italian_interventional():
    for name in ("v2_study.json", "v2_page.json", "classic.json", "legacy.xml"):
        load("ctgov", SAMPLE / name)


@pytest.mark.django_db
def test_the_regional_share_before_linkage_uses_the_site_cities():
    _italian_interventional()
    share = share_of_national_interventional_trials("ITC4")
    # Interventional with an Italian site: 01 (Milano, Roma), 03 (Roma), 11 (Brescia, Bergamo),
    # 21 (Monza, Meldola); 02 is observational. In Lombardy: 01, 11, 21.
    assert (share.numerator, share.denominator, share.value) == (3, 4, 0.75)
    assert share.source_files == ["classic.json", "legacy.xml", "v2_page.json", "v2_study.json"]
    assert "interventional" in share.method
    lazio = share_of_national_interventional_trials("ITI4")
    assert (lazio.numerator, lazio.denominator) == (2, 4)


@pytest.mark.django_db
def test_the_regional_share_after_linkage_follows_the_resolved_organisations():
    _italian_interventional()
    lombard = Organisation.objects.filter(sites__nuts2="ITC4").first()
    elsewhere = Organisation.objects.exclude(sites__nuts2="ITC4").first()
    # The Rome hospital of trial 03 resolves to a Lombard organisation: 03 now counts.
    StagedRecord.objects.filter(record_id="NCT09000003/site/1").update(organisation=lombard, status="linked")
    # Both sites of trial 11 (Brescia, Bergamo) resolve to an organisation with no Lombard
    # site: 11 drops. Trial 01 stays: its unnamed Pavia site is unresolved and in Lombardy.
    StagedRecord.objects.filter(record_id__startswith="NCT09000011/site/").update(
        organisation=elsewhere, status="linked"
    )
    share = share_of_national_interventional_trials("ITC4")
    assert (share.numerator, share.denominator) == (3, 4)
    assert share.regional_trials == ["NCT09000001", "NCT09000003", "NCT09000021"]
    assert set(Trial.objects.filter(sites__staged_record__organisation=lombard).values_list("nct_id", flat=True)) == {
        "NCT09000003"
    }


@pytest.mark.django_db
def test_an_empty_load_gives_a_gap_not_zero():
    share = share_of_national_interventional_trials()
    assert share.denominator == 0 and share.value is None


@pytest.mark.django_db
def test_trials_for_an_organisation_by_phase_and_condition():
    _italian_interventional()
    org = Organisation.objects.first()
    StagedRecord.objects.filter(
        record_id__in=["NCT09000001/site/1", "NCT09000021/sponsor/2", "NCT09000002/site/1"]
    ).update(organisation=org, status="linked")
    assert sync_organisations() == 3
    assert TrialSite.objects.filter(organisation=org).count() == 2
    found = trials_for(org)
    assert [t.nct_id for t in found.trials] == ["NCT09000001", "NCT09000002", "NCT09000021"]  # newest first
    assert found.by_phase == [("NA", 1), ("PHASE1", 1), ("PHASE2", 2), ("PHASE3", 1)]
    assert found.by_condition[0] == ("Asthma", 2)
    assert trials_for(Organisation.objects.last()).total == 0


@pytest.mark.django_db
def test_the_real_fixtures_load_with_italian_sites_placed_in_regions():
    folder = shared_fixture("ctgov")
    for path in sorted(folder.glob("*/*.*")):
        assert load("ctgov", path).ok, path
    assert Trial.objects.count() == 20
    share = share_of_national_interventional_trials("ITC4")
    # Only the legacy XML trials are interventional with Italian sites: 4 of the 5, and all
    # of those 4 have a Lombard site (SOURCE.md); NCT01076361 is observational.
    assert (share.numerator, share.denominator) == (4, 4)
    monza = TrialSite.objects.filter(trial__nct_id="NCT02481830", city="Monza").first()
    assert monza.nuts2 == "ITC4" and monza.staged_record is not None
    unplaced = TrialSite.objects.filter(country_code="IT", nuts2="").values_list("city", flat=True)
    assert list(unplaced) == []
