"""Facet counts agree with the results each value would give, whatever the query's shape.

The directory counts facets in several ways (the whole registry without subqueries, the
organisation columns in one pass when searching, each facet with the other filters);
every way must give what choosing that value would actually list.
"""

import pytest

from lshub.registry.models import Organisation
from lshub.registry.services import directory, indexing
from lshub.registry.services.directory import DirectoryQuery

pytestmark = pytest.mark.django_db

SHAPES = [
    {},
    {"q": "milano"},
    {"q": "oncologia"},
    {"type": ["irccs"]},
    {"q": "ospedale", "province": ["MI"]},
    {"q": "ricerca", "type": ["research_centre", "university"], "ownership": ["public"]},
    {"specialisation": ["oncology"]},
    {"q": "fondazione", "specialisation": ["oncology"], "province": ["MI", "PV"]},
]


def total(**query) -> int:
    return directory.browse(DirectoryQuery(**query), with_facets=False).total


def expected_specialisation_count(query: dict, code: str) -> int:
    """Organisations in the other filters' results tagged with exactly this code (not its children)."""
    others = DirectoryQuery(**{k: v for k, v in query.items() if k != "specialisation"})
    return directory.filtered(others).filter(specialisation_links__specialisation__code=code).count()


@pytest.mark.parametrize("query", SHAPES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "all")
def test_each_count_is_what_choosing_the_value_lists(query):
    page = directory.browse(DirectoryQuery(**query))
    assert set(page.facets) == set(directory.FACETS)
    for name, values in page.facets.items():
        assert values == sorted(values, key=lambda item: (-item[2], item[1])), name
        for value, _label, count in values:
            assert count > 0
            if name == "specialisation":
                assert count == expected_specialisation_count(query, value), (name, value)
            else:
                assert count == total(**{**query, name: [value]}), (name, value)


def test_unfiltered_facets_cover_the_whole_registry():
    page = directory.browse(DirectoryQuery())
    assert sum(n for _, _, n in page.facets["type"]) == Organisation.objects.count()
    labels = dict((value, label) for value, label, _ in page.facets["type"])
    assert labels["irccs"] == "Research hospital (IRCCS)"


def test_specialisation_filter_lists_each_organisation_once():
    # Human Technopole carries several genomics terms (genomics, neurogenomics…): listed once.
    slugs = [o.slug for o in directory.browse(DirectoryQuery(specialisation=["genomics"], page_size=200)).organisations]
    assert "ht" in slugs and len(slugs) == len(set(slugs))


def test_bulk_indexing_matches_the_signal_driven_index():
    from lshub.registry.models import SearchEntry

    before = dict(SearchEntry.objects.values_list("organisation_id", "body"))
    SearchEntry.objects.all().delete()
    assert total(q="tumori") == 0
    assert indexing.rebuild() == Organisation.objects.count()
    assert dict(SearchEntry.objects.values_list("organisation_id", "body")) == before
    assert "int" in [o.slug for o in directory.browse(DirectoryQuery(q="tumori")).organisations]
