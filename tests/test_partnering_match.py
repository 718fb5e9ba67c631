"""Matchmaking over the embedded Lombardy dataset: field vocabulary, typos, acronyms, hard
filters, score breakdown, reasons (with trials evidence when trials are there), bad needs."""

import datetime

import pytest
from django.utils import translation

from lshub.partnering.services import vocabulary
from lshub.partnering.services.match import WEIGHTS, InvalidNeed, MatchRequest, match
from lshub.registry.models import Organisation, Relation, Site
from lshub.sources.models import Trial, TrialSite

pytestmark = pytest.mark.django_db


def keys(text, **filters):
    return [c.organisation.slug for c in match(MatchRequest(text=text, **filters)).candidates]


# ---- the field's vocabulary ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "italian"),
    [("oncology", "oncologia"), ("cardiology", "cardiologia"), ("medical devices", "dispositivi medici"),
     ("sterile injectables", "iniettabili sterili"), ("rehabilitation", "riabilitazione")],
)
def test_italian_and_english_needs_reach_the_same_organisations(english, italian):
    top_en, top_it = keys(english)[:3], keys(italian)[:3]
    assert top_en and set(top_en) == set(top_it)


def test_vocabulary_folds_words_of_the_field_into_concepts():
    voc = vocabulary.current()
    assert "area:oncology" in voc.concepts("tumori") and "area:oncology" in voc.concepts("Oncology")
    assert {"concept:clinical-trial", "concept:phase-1"} <= voc.concepts("sperimentazione clinica di fase 1")
    assert "concept:phase-1" in voc.concepts("a phase I study")  # the numeral is not the article "i"
    assert "place:MI" in voc.concepts("in Milan") and "type:irccs" in voc.concepts("research hospital")


def test_the_best_partners_for_a_phase_one_oncology_trial_in_milan_are_the_cancer_irccs():
    top = keys("A research hospital for a phase I oncology trial in Milan")
    assert set(top[:2]) == {"int", "ieo"}


def test_a_cdmo_for_sterile_injectables_finds_the_sterile_contract_manufacturers():
    assert set(keys("A CDMO for sterile injectables")[:2]) == {"cordenpharma", "patheon-monza"}


def test_accents_case_and_small_typos_do_not_matter():
    result = match(MatchRequest(text="ONCOLGY reserch hospital"))
    assert ("oncolgy", "oncology") in result.corrections
    assert {"int", "ieo"} <= {c.organisation.slug for c in result.candidates[:3]}
    assert keys("Università con ingegneria biomedica")[0] == keys("universita con ingegneria biomedica")[0] == "polimi"


@pytest.mark.parametrize(("acronym", "slug"), [("INT", "int"), ("IEO", "ieo"), ("HT", "ht"), ("CNAO", "cnao")])
def test_acronyms_find_their_organisation_first(acronym, slug):
    assert keys(acronym)[0] == slug


# ---- ranking, filters, breakdown and reasons -------------------------------------------------


def test_hard_filters_keep_only_matching_types_and_provinces():
    result = match(MatchRequest(text="oncology", types=["company"], provinces=["MI"], limit=50))
    assert result.candidates
    for candidate in result.candidates:
        assert candidate.organisation.type == "company"
        assert candidate.organisation.sites.filter(province="MI").exists()


def test_region_filter_excludes_organisations_without_a_site_there():
    # Farmindustria has no recorded site: with the region constraint it cannot appear.
    assert "farmindustria" in keys("industry representation pharmaceutical", limit=50)
    assert "farmindustria" not in keys("industry representation pharmaceutical", region="ITC4", limit=50)


def test_breakdown_parts_add_up_to_the_score_and_are_named():
    for candidate in match(MatchRequest(text="cardiology research hospital in Milan")).candidates:
        assert set(candidate.breakdown) == set(WEIGHTS)
        assert candidate.score == pytest.approx(sum(candidate.breakdown.values()))
        assert all(0 <= candidate.breakdown[p] <= WEIGHTS[p] + 1e-9 for p in WEIGHTS)


def test_reasons_in_plain_words_in_the_active_language():
    result = match(MatchRequest(text="research hospital for oncology in Milan"))
    int_ = next(c for c in result.candidates if c.organisation.slug == "int")
    assert "IRCCS recognised for oncology" in int_.reasons
    assert "Milano (MI)" in int_.reasons
    with translation.override("it"):
        italian = next(c for c in match(MatchRequest(text="oncologia a Milano")).candidates if c.organisation.slug == "int")
    assert "IRCCS riconosciuto per oncologia" in italian.reasons


def test_a_recognised_irccs_area_outweighs_a_recorded_one():
    result = match(MatchRequest(text="", areas=["oncology"], types=["irccs", "research_centre"], limit=30))
    area = {c.organisation.slug: c.breakdown["area"] for c in result.candidates}
    assert area["int"] > area["ifom"] > 0


def test_membership_of_a_cluster_is_a_reason_and_a_part_of_the_score():
    cluster = Organisation.objects.get(slug="lombardy-life-sciences-cluster")
    genenta = Organisation.objects.get(slug="genenta")
    Relation.objects.create(subject=genenta, kind="member_of", object=cluster)
    candidate = next(c for c in match(MatchRequest(text="cell therapy biotech")).candidates if c.organisation == genenta)
    assert "member of Lombardy Life Sciences Cluster" in candidate.reasons
    assert candidate.breakdown["relations"] == pytest.approx(WEIGHTS["relations"])


def test_trials_at_an_organisations_sites_are_counted_by_phase_and_status():
    monzino = Organisation.objects.get(slug="monzino")
    for number in range(3):
        trial = Trial.objects.create(
            nct_id=f"NCT9900000{number}", title=f"Heart failure study {number}", phases=["PHASE1"],
            overall_status="RECRUITING", conditions=["Heart Failure"], start_date=datetime.date(2025, 1, number + 1),
            raw={}, source_file="test",
        )
        TrialSite.objects.create(trial=trial, position=1, name="Centro Cardiologico Monzino", city="Milano", organisation=monzino)
    candidates = match(MatchRequest(text="phase 1 trial in cardiology", limit=20)).candidates
    found = next(c for c in candidates if c.organisation == monzino)
    assert "3 recruiting phase 1 trials" in found.reasons
    assert found.breakdown["trials"] > 0
    assert all(c.breakdown["trials"] == 0 for c in candidates if c.organisation != monzino)


def test_facets_count_the_ranked_candidates():
    result = match(MatchRequest(text="oncology"))
    counts = {value: n for value, _label, n in result.facets["type"]}
    assert counts["irccs"] >= 2 and sum(counts.values()) == result.considered


# ---- bad needs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "field", "words"),
    [
        (MatchRequest(text=""), "text", "describe the partner"),
        (MatchRequest(text="   "), "text", "describe the partner"),
        (MatchRequest(text="x" * 10_000), "text", "10000 characters"),
        (MatchRequest(text="the and of for with"), "text", "only common words"),
        (MatchRequest(text="oncology", areas=["oncologyy"]), "area", "did you mean 'oncology'"),
        (MatchRequest(text="oncology", provinces=["ZZ"]), "province", "unknown value 'ZZ'"),
        (MatchRequest(text="oncology", types=["spaceship"]), "type", "unknown value"),
        (MatchRequest(text="oncology", region="XX99"), "region", "unknown NUTS 2"),
        (MatchRequest(text="oncology", limit=0), "limit", "between 1"),
    ],
)
def test_bad_needs_get_a_clear_message_naming_the_field(request_, field, words):
    with pytest.raises(InvalidNeed) as error:
        match(request_)
    assert str(error.value).startswith(f"{field}:") and words in str(error.value)


@pytest.mark.parametrize(
    "text",
    ["'; DROP TABLE registry_organisation; --", "<script>alert(1)</script> oncology", "oncology\" OR 1=1 --", "onco* NEAR/2 (x"],
)
def test_injection_strings_are_just_words(text):
    before = Organisation.objects.count()
    try:
        match(MatchRequest(text=text))
    except InvalidNeed as error:  # only "common words" is an acceptable refusal
        assert "only common words" in str(error)
    assert Organisation.objects.count() == before


def test_a_place_name_alone_is_a_need_for_organisations_there():
    result = match(MatchRequest(text="hospital in Pavia", limit=20))
    assert result.candidates
    top = result.candidates[0].organisation
    assert top.type in ("hospital", "irccs") and Site.objects.filter(organisation=top, province="PV").exists()
