"""Directory search and facets over the real Lombardy registry."""

import pytest

from lshub.registry.services import directory
from lshub.registry.services.directory import DirectoryQuery, InvalidQuery
from lshub.registry.services.text import normalise, query_words

pytestmark = pytest.mark.django_db


def slugs(**query):
    page = directory.browse(DirectoryQuery(page_size=200, **query), with_facets=False)
    return [o.slug for o in page.organisations]


def test_normalise_folds_accents_case_and_punctuation():
    assert normalise("Università  Vita-Salute SAN RAFFAELE") == "universita vita salute san raffaele"
    assert query_words("della Oncologia di Milano") == ["oncologia", "milano"]


@pytest.mark.parametrize("text", ["Universita Bicocca", "università BICOCCA", "UNIVERSITÀ bicocca"])
def test_search_ignores_accents_and_case(text):
    assert "unimib" in slugs(q=text)


def test_search_finds_italian_and_english_labels_of_a_specialisation():
    italian, english = set(slugs(q="cardiologia")), set(slugs(q="cardiology"))
    assert {"monzino", "policlinico-san-donato", "multimedica"} <= italian
    assert italian == english


def test_search_by_acronym_and_prefix():
    assert slugs(q="INT")[0] == "int"
    assert "int" in slugs(q="tumori")
    assert slugs(q="neurogenom")[0] == "ht-neurogenomics"


def test_best_match_comes_first():
    assert slugs(q="Istituto Neurologico Carlo Besta")[0] == "besta"


def test_query_syntax_is_never_interpreted():
    for hostile in ['"unbalanced', "a OR b", "NEAR(x y)", "col:val", "*", "'; DROP TABLE registry_organisation; --"]:
        directory.browse(DirectoryQuery(q=hostile), with_facets=True)
    assert directory.counts_by("type")


def test_stop_words_only_matches_nothing():
    assert slugs(q="della di the of") == []


def test_facets_combine_and_count():
    assert sorted(slugs(type=["irccs"], province=["PV"])) == ["ics-maugeri", "mondino", "san-matteo"]
    page = directory.browse(DirectoryQuery(type=["irccs"], province=["PV"]))
    provinces = dict((value, n) for value, _, n in page.facets["province"])
    # A facet is counted without its own filter: Milan IRCCS are offered next to Pavia's.
    assert provinces["PV"] == 3 and provinces["MI"] > 3
    labels = {value: label for value, label, _ in page.facets["province"]}
    assert labels["PV"] == "Pavia (PV)" and labels["MB"] == "Monza e della Brianza (MB)"
    types = dict((value, n) for value, _, n in page.facets["type"])
    assert types["irccs"] == 3 and "university" in types


def test_values_of_one_facet_are_alternatives():
    both = set(slugs(type=["irccs", "university"], province=["PV"]))
    assert {"san-matteo", "unipv", "iuss"} <= both


def test_specialisation_filter_includes_narrower_terms():
    # Haematology is filed under oncology in the taxonomy.
    assert "sr-tiget" in slugs(specialisation=["oncology"])


@pytest.mark.parametrize(
    "query, field",
    [
        ({"type": ["spaceship"]}, "type"),
        ({"province": ["ZZ"]}, "province"),
        ({"specialisation": ["astrology"]}, "specialisation"),
        ({"ownership": ["both"]}, "ownership"),
        ({"page": 0}, "page"),
        ({"page_size": 100000}, "page_size"),
        ({"q": "x" * 10_000}, "q"),
    ],
)
def test_invalid_queries_name_the_field(query, field):
    with pytest.raises(InvalidQuery, match=field):
        directory.browse(DirectoryQuery(**query))


def test_pagination_counts_pages():
    page = directory.browse(DirectoryQuery(page_size=20, page=2), with_facets=False)
    assert page.page == 2 and page.pages == -(-page.total // 20) and len(page.organisations) == 20


def test_index_follows_edits():
    from lshub.registry.models import Alias, Organisation

    int_ = Organisation.objects.get(slug="int")
    Alias.objects.create(organisation=int_, name="Istituto dei Tumori di via Venezian")
    assert "int" in slugs(q="venezian")
    int_.delete()
    assert "int" not in slugs(q="tumori")
