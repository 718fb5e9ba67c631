"""Parts of bodies: a string naming a centre and its institute, or a plant and its company,
is the part; a string naming only the body is the body (resolve.Units)."""

import pytest

from lshub.linkage import resolve
from lshub.registry.models import Organisation, Relation

pytestmark = pytest.mark.django_db


def _linked(*names: str) -> list[str | None]:
    by_id = dict(Organisation.objects.values_list("id", "slug"))
    return [by_id.get(r.linked_id) for r in resolve.resolve([{"name": name} for name in names])]


def test_a_part_named_with_its_body_is_the_part():
    assert _linked(
        "Centre for Structural Biology, Human Technopole, Milan, Italy",
        "San Raffaele Telethon Institute for Gene Therapy (SR-Tiget), IRCCS San Raffaele Scientific Institute, Milan",
        "NeuroMI - Milan Center for Neuroscience, University of Milano-Bicocca, Milan, Italy",
    ) == ["ht-structural-biology", "sr-tiget", "neuromi"]


def test_a_plant_named_by_its_place_is_the_plant():
    assert _linked(
        "Bracco Imaging, stabilimento di Cesano Maderno",
        "IBSA, plant in Cassina de' Pecchi",
        "lo stabilimento Boehringer Ingelheim di Fornovo San Giovanni",
    ) == ["bracco-cesano", "ibsa-cassina", "bi-fornovo"]


def test_the_body_named_alone_is_the_body():
    assert _linked(
        "Human Technopole, Viale Rita Levi-Montalcini 1, 20157 Milano, Italy",
        "Bracco Imaging S.p.A., Milano",
        "IBSA Farmaceutici Italia, Lodi",
        "Department of Oncology, IRCCS Ospedale San Raffaele, Milano",
    ) == ["ht", "bracco", "ibsa", "san-raffaele"]


def test_a_site_of_the_body_the_registry_lacks_is_not_linked_to_another_site():
    # Bracco has two plants in the registry, neither in Rome.
    assert _linked("Bracco Imaging, plant in Rome") == [None]


def test_the_reason_says_which_part_was_named():
    [result] = resolve.resolve([{"name": "Bracco Imaging, stabilimento di Ceriano Laghetto"}])
    assert Organisation.objects.get(pk=result.linked_id).slug == "bracco-ceriano"
    assert any("stabilimento di Ceriano Laghetto" in reason for reason in result.best.reasons)
    assert any(reason.startswith("city: same comune") for reason in result.best.reasons)


def test_without_the_relation_the_part_and_its_body_are_for_a_person_to_tell_apart():
    name = "Centre for Structural Biology, Human Technopole, Milan, Italy"
    assert _linked(name) == ["ht-structural-biology"]
    Relation.objects.filter(subject__slug="ht-structural-biology", object__slug="ht").delete()
    [result] = resolve.resolve([{"name": name}])  # the registry changed: the scorer sees it
    assert result.decision == resolve.REVIEW
    assert {result.organisation_id, result.runner_up.organisation_id} == set(
        Organisation.objects.filter(slug__in=["ht", "ht-structural-biology"]).values_list("id", flat=True)
    )


def test_kin_reaches_parents_and_parts_at_any_depth_but_not_siblings():
    units = resolve.Units(parents={1: {2}, 2: {3}, 4: {2}}, children={2: {1, 4}, 3: {2}})
    assert units.kin(1) == {2, 3}
    assert units.kin(3) == {1, 2, 4}
    assert units.kin(5) == set()
    cyclic = resolve.Units(parents={1: {2}, 2: {1}}, children={1: {2}, 2: {1}})
    assert cyclic.kin(1) == {2}
