"""Merging two organisations keeps everything, never overwrites, and can be undone."""

import pytest
from django.db.models import Q

from lshub.linkage import merges
from lshub.linkage.models import Merge, ReviewItem
from lshub.registry.models import Alias, Organisation, OrganisationSource, OrganisationSpecialisation, Relation, Site

pytestmark = pytest.mark.django_db


def _state(org_id):
    """Everything that hangs off an organisation, comparable before and after."""
    return {
        "aliases": sorted(Alias.objects.filter(organisation_id=org_id).values_list("name", "kind")),
        "sites": sorted(Site.objects.filter(organisation_id=org_id).values_list("comune", "is_headquarters")),
        "relations": sorted(
            Relation.objects.filter(Q(subject_id=org_id) | Q(object_id=org_id)).values_list("subject__slug", "kind", "object__slug")
        ),
        "sources": sorted(OrganisationSource.objects.filter(organisation_id=org_id).values_list("source_id", "field")),
        "specialisations": sorted(OrganisationSpecialisation.objects.filter(organisation_id=org_id).values_list("specialisation_id", flat=True)),
        "fields": Organisation.objects.filter(pk=org_id).values("slug", "name", "name_en", "name_it", "website", "short_name").first(),
    }


@pytest.fixture
def pair(admin_user):
    keep = Organisation.objects.get(slug="ht")
    drop = Organisation.objects.get(slug="ht-genomics")
    drop.website = "https://example.org/genomics"  # differs from the kept one: a conflict
    drop.save()
    return keep, drop


def test_merge_keeps_names_places_links_and_queues_conflicts(pair, admin_user):
    keep, drop = pair
    before_keep = _state(keep.pk)
    drop_sites = Site.objects.filter(organisation=drop).count()
    record = merges.merge(keep, drop, admin_user)

    assert not Organisation.objects.filter(pk=drop.pk).exists()
    keep.refresh_from_db()
    aliases = set(keep.aliases.values_list("name", flat=True))
    assert {"Human Technopole - Centre for Genomics", "HT Genomics", "Centro di Genomica"} <= aliases
    # Blank fields are filled; the curated website is kept and the other one queued.
    assert keep.name_en == "Centre for Genomics" and keep.website == "https://humantechnopole.it"
    conflict = ReviewItem.objects.get(kind="conflict", proposed=keep, candidate__field="website")
    assert conflict.candidate["offered"] == "https://example.org/genomics" and conflict.is_open
    # Its site moved, as one more site (one headquarters).
    assert keep.sites.count() == len(before_keep["sites"]) + drop_sites
    assert keep.sites.filter(is_headquarters=True).count() == 1
    # "ht-genomics part_of ht" cannot become "ht part_of ht": it is deleted, and journalled.
    assert not Relation.objects.filter(subject=keep, object=keep).exists()
    assert any(row["model"] == "registry.relation" for row in record.journal["deleted"])
    assert keep.history.first().history_change_reason == "merged ht-genomics into ht"
    assert str(record) == "ht-genomics merged into Fondazione Human Technopole"


def test_undo_puts_both_organisations_back(pair, admin_user):
    keep, drop = pair
    before_keep, before_drop = _state(keep.pk), _state(drop.pk)
    record = merges.merge(keep, drop, admin_user)
    restored = merges.undo_merge(record, admin_user)

    assert restored.pk == drop.pk and restored.slug == "ht-genomics"
    assert _state(keep.pk) == before_keep
    assert _state(drop.pk) == before_drop
    record.refresh_from_db()
    assert record.undone_at is not None
    assert not ReviewItem.objects.filter(kind="conflict", proposed=keep, status="open").exists()
    assert restored.history.first().history_change_reason.startswith("undid the merge")
    with pytest.raises(merges.CannotMerge, match="already undone"):
        merges.undo_merge(record)


def test_a_merge_cannot_be_undone_when_its_key_was_reused(pair):
    keep, drop = pair
    record = merges.merge(keep, drop)
    Organisation.objects.create(slug="ht-genomics", name="Someone else", type="company")
    with pytest.raises(merges.CannotMerge, match="now used by another organisation"):
        merges.undo_merge(record)
    assert Merge.objects.get(pk=record.pk).undone_at is None


def test_an_organisation_is_not_merged_into_itself():
    org = Organisation.objects.get(slug="ieo")
    with pytest.raises(merges.CannotMerge):
        merges.merge(org, org)


def test_merge_command_and_its_undo():
    from click.testing import CliRunner

    from lshub.linkage.cli import merge

    done = CliRunner().invoke(merge, ["ht", "ht-genomics"], catch_exceptions=False)
    assert done.exit_code == 0 and "ht-genomics merged into ht" in done.output
    number = Merge.objects.get(merged_slug="ht-genomics").pk
    assert not Organisation.objects.filter(slug="ht-genomics").exists()
    undone = CliRunner().invoke(merge, ["--undo", str(number)], catch_exceptions=False)
    assert undone.exit_code == 0 and Organisation.objects.filter(slug="ht-genomics").exists()
    refused = CliRunner().invoke(merge, ["ht", "no-such-key"])
    assert refused.exit_code == 1 and "no organisation with key 'no-such-key'" in refused.output
