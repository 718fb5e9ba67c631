"""The resolver against the real registry: identifiers first, then the Splink model."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from lshub.linkage import evaluate, features, model, resolve, warm
from lshub.registry.models import Alias, Identifier, Organisation, Site

GOLD = Path(__file__).parent / "samples" / "linkage" / "gold.csv"

pytestmark = pytest.mark.django_db


def _slugs(results):
    by_id = dict(Organisation.objects.values_list("id", "slug"))
    return [by_id.get(r.linked_id) for r in results]


def test_names_of_one_hospital_resolve_to_it_and_its_namesakes_do_not():
    results = resolve.resolve(
        [
            {"name": "INT Milano"},
            {"name": "Istituto Nazionale Tumori, Milano"},
            {"name": "Fondazione IRCCS Istituto Nazionale dei Tumori"},
            {"name": "IRCCS Istituto Nazionale Tumori Milano", "city": "Milano", "country": "Italy"},
            {"name": "Istituto Nazionale Tumori Regina Elena, Roma"},
            {"name": "Istituto Nazionale Tumori IRCCS Fondazione G. Pascale", "city": "Napoli", "country": "Italy"},
        ]
    )
    assert _slugs(results) == ["int", "int", "int", "int", None, None]
    assert all(r.probability >= model.LINK_THRESHOLD for r in results[:4])
    assert results[0].best.reasons  # a link says why


def test_bicocca_is_not_the_university_of_milan_and_vice_versa():
    results = resolve.resolve(
        [
            {"name": "Università degli Studi di Milano-Bicocca", "city": "Milano"},
            {"name": "University of Milan", "city": "Milan", "country": "Italy"},
            {"name": "University of Milano-Bicocca"},
        ]
    )
    assert _slugs(results) == ["unimib", "unimi", "unimib"]


def test_exonyms_and_translations():
    results = resolve.resolve(
        [
            {"name": "Politecnico di Milano", "city": "Mailand", "country": "Italien"},
            {"name": "European Institute of Oncology", "city": "Milan", "country": "Italy"},
        ]
    )
    assert _slugs(results) == ["polimi", "ieo"]


def test_a_string_naming_a_branch_site_links_to_its_organisation_through_that_site():
    names = [{"name": "IRCCS Fondazione Don Carlo Gnocchi, Firenze"}, {"name": "IRCCS E. Medea, Brindisi, Italy"}]
    results = resolve.resolve(names)
    assert _slugs(results) == ["don-gnocchi", "medea"]
    assert all(r.decision == resolve.LINK for r in results)
    assert "city: same comune" in " ".join(results[0].best.reasons)
    Site.objects.filter(organisation__slug="don-gnocchi", comune="Firenze").delete()
    [without] = resolve.resolve(names[:1])  # the seat alone (Milan) does not place it in Florence
    assert without.decision != resolve.LINK

def test_an_identifier_wins_over_the_name():
    ror = Identifier.objects.get(scheme="ror", organisation__slug="ieo").value
    [result] = resolve.resolve([{"name": "Some other name entirely", "identifiers": {"ror": f"https://ror.org/{ror}"}}])
    assert result.method == "identifier" and result.decision == resolve.LINK
    assert Organisation.objects.get(pk=result.linked_id).slug == "ieo"
    assert result.probability == 1.0


def test_identifiers_pointing_at_two_organisations_go_to_review():
    ieo = Identifier.objects.get(scheme="ror", organisation__slug="ieo").value
    besta = Identifier.objects.get(scheme="ror", organisation__slug="besta").value
    [result] = resolve.resolve([{"name": "x", "identifiers": {"ror": ieo, "grid": "nope", "wikidata": None}}])
    assert result.decision == resolve.LINK
    Identifier.objects.create(organisation=Organisation.objects.get(slug="besta"), scheme="vat", value="12345678901")
    [result] = resolve.resolve([{"name": "x", "identifiers": {"ror": ieo, "vat": "IT12345678901"}}])
    assert result.decision == resolve.REVIEW and result.linked_id is None
    assert besta  # both organisations exist with their own ROR ids


def test_a_company_abroad_with_a_registry_namesake_is_not_linked():
    results = resolve.resolve(
        [
            {"name": "Roche Diagnostics GmbH", "city": "Mannheim", "country": "Germany"},
            {"name": "Fondazione Bracco", "city": "Milan", "country": "Italy"},
            {"name": "Local Institution", "city": "Milano", "country": "Italy"},
        ]
    )
    assert _slugs(results) == [None, None, None]


def test_resolution_is_deterministic():
    batch = [{"name": "Humanitas Research Hospital", "city": "Rozzano"}, {"name": "Ospedale San Gerardo", "city": "Monza"}]
    first = [(r.linked_id, round(r.probability, 9)) for r in resolve.resolve(batch)]
    second = [(r.linked_id, round(r.probability, 9)) for r in resolve.resolve(batch)]
    assert first == second and all(link for link, _p in first)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"name": ""}, "missing or empty"),
        ({"name": None}, "missing or empty"),
        ({"city": "Milano"}, "missing or empty"),
        ({"name": "x" * 10_000}, "10000 characters"),
        ({"name": "ok", "city": 3}, "city must be text"),
        ("not an object", "must be an object"),
    ],
)
def test_unusable_candidates_are_refused_with_the_reason(bad, message):
    with pytest.raises(resolve.InvalidCandidate, match=message):
        resolve.resolve([{"name": "IEO"}, bad])


def test_hostile_names_are_only_text():
    results = resolve.resolve(
        [{"name": "'; DROP TABLE registry_organisation; --"}, {"name": "<script>alert(1)</script>"}, {"name": "%%%"}]
    )
    assert _slugs(results) == [None, None, None]
    assert Organisation.objects.filter(slug="int").exists()


def test_registry_rows_drop_parts_that_are_another_organisations_name():
    rows = features.registry_rows(Organisation.objects.filter(slug__in=["ht", "ht-genomics"]))
    genomics = Organisation.objects.get(slug="ht-genomics").pk
    keys = {row["key"] for row in rows if row["record_id"] == f"o{genomics}"}
    assert "human technopole" not in keys  # the part is the whole name of "ht"
    assert any("genomic" in key for key in keys)


def test_gold_set_quality_meets_the_target_on_every_split():
    """Precision and recall over the labelled strings (see docs/linkage.md, "Quality").

    Each blind split met or missed the target on its first run (figures in the docs);
    this keeps every split where it is now, so a change that loses quality fails here.
    The ROR-alias holdout keeps the precision target; its recall waits for aliases.
    """
    rows = evaluate.read_gold(GOLD)
    assert len(rows) >= 1000
    scores = evaluate.evaluate(rows)
    for split in ("dev", "test", "holdout", "blind", "blind2", "blind3"):
        assert scores[split].precision >= 0.97, (split, scores[split].errors)
    for split in ("dev", "test", "blind", "blind2", "blind3"):
        assert scores[split].f1 >= 0.95, (split, scores[split].errors)


def test_every_expected_key_of_the_gold_set_is_in_the_registry():
    rows = evaluate.read_gold(GOLD)  # raises if one is not
    assert {r["expected_slug"] for r in rows if r["expected_slug"]} <= set(Organisation.objects.values_list("slug", flat=True))
    assert any(not r["expected_slug"] for r in rows)  # hard negatives are there too


def test_scores_arithmetic():
    scores = evaluate.Scores()
    scores.add("int", "int", False, {})
    scores.add("int", "ieo", False, {})  # a wrong link: one false positive and one false negative
    scores.add("", "ieo", False, {})
    scores.add("unimi", "", True, {})
    scores.add("", "", False, {})
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 2, 2)
    assert scores.precision == pytest.approx(1 / 3) and scores.recall == pytest.approx(1 / 3)
    assert scores.reviewed == 1 and len(scores.errors) == 3


# ---------------------------------------------------------------------------------------
# The warm scorer: same answers as a linker built per batch, fresh after any change


def _decisions(results):
    return [
        (r.decision, r.method, r.organisation_id, r.runner_up and r.runner_up.organisation_id, r.best and r.best.reasons)
        for r in results
    ]


def test_warm_scorer_decides_every_gold_row_as_a_linker_built_for_the_batch():
    rows = evaluate.read_gold(GOLD)
    candidates = [{"name": r["name"], "city": r.get("city") or "", "country": r.get("country") or ""} for r in rows]
    feature_rows = [row for i, c in enumerate(candidates) for row in features.candidate_rows(f"c{i}", c)]
    registry_rows, _count = resolve.registry()
    assert warm.fits(len(feature_rows), len(registry_rows))  # else both would take the batch path
    warm_results = resolve.resolve(candidates)
    batch_results = resolve.resolve(candidates, warm_path=False)
    assert _decisions(warm_results) == _decisions(batch_results)
    assert [r.probability for r in warm_results] == pytest.approx([r.probability for r in batch_results], abs=1e-12)
    assert {r.decision for r in warm_results} == {resolve.LINK, resolve.REVIEW, resolve.NONE}


def test_warm_scorer_finds_the_same_pairs_as_splink_predict():
    candidates = [{"name": "Ospedale Niguarda", "city": "Milano"}, {"name": "IEO"}, {"name": "Univ. Pavia"}]
    rows = [row for i, c in enumerate(candidates) for row in features.candidate_rows(f"c{i}", c)]
    registry_rows, organisations = resolve.registry()

    def pairs(found):
        return sorted((p["record_id_l"], p["record_id_r"], p["variant_l"], p["variant_r"], round(p["match_weight"], 9)) for p in found)

    warm_pairs = pairs(resolve.score(rows))
    assert warm_pairs == pairs(model.score(rows, registry_rows, organisations))
    assert len(warm_pairs) > len(candidates)  # namesakes scored too, not only the winners


def test_an_added_alias_or_organisation_is_seen_by_the_next_call():
    name = {"name": "Zebrafish Neurogenetics Laboratory", "city": "Milano"}
    assert resolve.resolve([name])[0].linked_id is None
    besta = Organisation.objects.get(slug="besta")
    alias = Alias.objects.create(organisation=besta, name="Zebrafish Neurogenetics Laboratory")
    assert resolve.resolve([name])[0].linked_id == besta.pk
    alias.name = "Medaka Neurogenetics Laboratory"  # an edit: same count, same ids
    alias.save()
    assert resolve.resolve([name])[0].linked_id is None
    assert resolve.resolve([{"name": "Medaka Neurogenetics Laboratory"}])[0].linked_id == besta.pk
    created = Organisation.objects.create(slug="zebra-lab", name="Zebrafish Neurogenetics Laboratory", type="research_centre")
    assert resolve.resolve([name])[0].organisation_id == created.pk


def test_calls_from_many_threads_get_the_answers_of_sequential_calls():
    rows = evaluate.read_gold(GOLD)
    batches = [
        [{"name": r["name"], "city": r.get("city") or "", "country": r.get("country") or ""} for r in rows[i : i + 7]]
        for i in range(0, 7 * 24, 7)
    ]
    expected = [_decisions(resolve.resolve(batch)) for batch in batches]

    def work(batch):
        try:
            return _decisions(resolve.resolve(batch))
        finally:
            connection.close()  # each thread has its own database connection

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(work, batches))
    assert answers == expected


def test_an_empty_registry_scores_nothing():
    rows = features.candidate_rows("c0", {"name": "Istituto Europeo di Oncologia"})
    assert warm.WarmScorer([], 0).score(rows) == []
    assert warm.WarmScorer(resolve.registry()[0], 100).score([]) == []


def test_warm_up_prepares_the_scorer_for_the_current_registry():
    resolve.warm_up()
    snapshot = resolve._snapshot()
    assert snapshot._scorer is not None  # the next call scores without building anything
    [result] = resolve.resolve([{"name": "Istituto Europeo di Oncologia", "city": "Milano"}])
    assert result.linked_id == Organisation.objects.get(slug="ieo").pk


def test_a_warm_call_reads_the_registry_state_once():
    from django.test.utils import CaptureQueriesContext

    name = {"name": "Istituto Europeo di Oncologia", "city": "Milano"}
    resolve.resolve([name])  # the snapshot is built and kept
    with CaptureQueriesContext(connection) as fingerprint:
        resolve._fingerprint()
    with CaptureQueriesContext(connection) as call:
        [result] = resolve.resolve([name])
    assert result.linked_id == Organisation.objects.get(slug="ieo").pk
    # Names alone read no identifiers: the only queries are one look at whether the registry changed.
    assert len(call) == len(fingerprint)
