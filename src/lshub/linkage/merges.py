"""Merging two organisations that are one, and undoing it.

`merge(keep, drop)` moves everything that points at `drop` — aliases, sites,
identifiers, sources, relations, specialisations, staged records, trial sites… — onto
`keep`, keeps every name of `drop` as an alias, fills `keep`'s blank fields from `drop`,
and deletes `drop`. A value `keep` already has is never replaced: when `drop` has a
different one, a conflict goes to the review queue. A row that cannot move because
`keep` already has its twin (the same alias, the same relation) is deleted, and kept in
the journal.

Everything is recorded in a `Merge` journal and in the organisations' history, so
`undo_merge` can put both organisations back as they were.
"""

from __future__ import annotations

import json

from django.core import serializers
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lshub.registry.models import Alias, Organisation, Site
from lshub.registry.services import editing

from .features import organisation_names
from .models import Merge, ReviewItem, ReviewKind, ReviewStatus
from .normalise import fold

# Fields of an organisation filled from the merged one when blank, conflicts otherwise:
# every field a curator may edit but the kept organisation's own name and short name
# (the merged one's become aliases, see NAME_FIELDS) and the curator's note (a remark
# about one record, not a fact about the body).
NOT_MERGED = frozenset({"name", "short_name", "note"})
MERGED_FIELDS = tuple(field for field in editing.EDITABLE_FIELDS if field not in NOT_MERGED)
# Names of the merged organisation kept as aliases, and the kind of alias each becomes.
NAME_FIELDS = (("name", "variant"), ("short_name", "short"), ("name_en", "translation"), ("name_it", "translation"))


class CannotMerge(ValueError):
    """The merge (or its undoing) is impossible as asked; the message says why."""


def snapshot(row: models.Model) -> dict:
    """A row as plain JSON (model, pk, fields), to be saved again by `_restore`."""
    return json.loads(serializers.serialize("json", [row]))[0]


def _blank(value) -> bool:
    return value in (None, "")


def with_reason(row: models.Model, text: str, user=None) -> models.Model:
    """The row, its next save or deletion recorded in the history with this reason (and user)."""
    row._change_reason = text
    if user is not None:
        row._history_user = user
    return row


@transaction.atomic
def merge(keep: Organisation, drop: Organisation, user=None) -> Merge:
    """Merge `drop` into `keep`; returns the journal. Both must be distinct and exist."""
    if keep.pk == drop.pk:
        raise CannotMerge(_("an organisation cannot be merged into itself"))
    keep = Organisation.objects.select_for_update().get(pk=keep.pk)
    drop = Organisation.objects.select_for_update().get(pk=drop.pk)
    reason = _("merged %(drop)s into %(keep)s") % {"drop": drop.slug, "keep": keep.slug}
    journal = {
        "organisation": snapshot(drop),
        "moved": [],
        "deleted": [],
        "aliases": [],
        "filled": {},
        "changed": [],
        "conflicts": [],
    }
    journal["aliases"] = _names_as_aliases(keep, drop, reason)
    journal["filled"], journal["conflicts"] = _fill_fields(keep, drop, reason)
    has_headquarters = keep.sites.filter(is_headquarters=True).exists()
    for relation in _reverse_relations():
        for row in relation.related_model.objects.filter(**{relation.field.name: drop}):
            _move(row, relation.field, keep, journal, reason)
    if has_headquarters:
        # One headquarters: the merged organisation's becomes one more site.
        for site in Site.objects.filter(organisation=keep, is_headquarters=True, pk__in=_moved_pks(journal, Site)):
            journal["changed"].append({"model": "registry.site", "pk": site.pk, "field": "is_headquarters", "old": True})
            site.is_headquarters = False
            with_reason(site, reason).save(update_fields=["is_headquarters"])
    record = Merge.objects.create(
        kept=keep, merged_id=drop.pk, merged_slug=drop.slug, merged_name=drop.name, journal=journal, user=user
    )
    ReviewItem.objects.filter(pk__in=journal["conflicts"]).update(note=_("from merge #%(n)d") % {"n": record.pk})
    with_reason(keep, reason, user).save()
    with_reason(drop, reason, user).delete()
    return record


def _names_as_aliases(keep: Organisation, drop: Organisation, reason: str) -> list[int]:
    """Every name of `drop` that `keep` does not already bear becomes an alias of `keep`."""
    known = {fold(n) for n in organisation_names(keep)}
    known |= {fold(n) for n in drop.aliases.values_list("name", flat=True)}  # they move across
    created = []
    for field, kind in NAME_FIELDS:
        value = getattr(drop, field)
        if value and fold(value) not in known:
            known.add(fold(value))
            alias = with_reason(Alias(organisation=keep, name=value, kind=kind), reason)
            alias.save()
            created.append(alias.pk)
    return created


def _fill_fields(keep: Organisation, drop: Organisation, reason: str) -> tuple[dict, list[int]]:
    filled, conflicts = {}, []
    for field in MERGED_FIELDS:
        mine, theirs = getattr(keep, field), getattr(drop, field)
        if _blank(theirs) or mine == theirs:
            continue
        if _blank(mine):
            filled[field] = mine
            setattr(keep, field, theirs)
        else:
            conflicts.append(
                conflict(keep, field, theirs, origin=_("merge of %(slug)s") % {"slug": drop.slug}).pk
            )
    return filled, conflicts


def conflict(
    organisation: Organisation, field: str, offered, origin: str, source: str = "", record_id: str = "", kept=None
) -> ReviewItem:
    """Queue a value offered for a field the organisation already has (once per value)."""
    kept = getattr(organisation, field, "") if kept is None else kept
    candidate = {"field": field, "kept": _plain(kept), "offered": _plain(offered), "origin": origin}
    existing = ReviewItem.objects.filter(
        kind=ReviewKind.CONFLICT, status=ReviewStatus.OPEN, proposed=organisation,
        candidate__field=field, candidate__offered=candidate["offered"],
    ).first()
    if existing:
        return existing
    return ReviewItem.objects.create(
        kind=ReviewKind.CONFLICT, candidate=candidate, proposed=organisation, source=source, record_id=record_id,
        reasons=[_("%(origin)s offers %(offered)s for %(field)s; %(kept)s was kept") % candidate],
    )


def _plain(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _reverse_relations():
    """Every foreign key in the project that points at an organisation."""
    return [
        rel
        for rel in Organisation._meta.related_objects
        if isinstance(rel, (models.ManyToOneRel, models.OneToOneRel))
        and rel.related_model._meta.managed  # the search index is derived, and rebuilt by itself
        and not rel.field.primary_key
        and not rel.related_model._meta.auto_created
        and not rel.related_model.__name__.startswith("Historical")
    ]


def _label(row: models.Model) -> str:
    return row._meta.label_lower


def _move(row: models.Model, field: models.ForeignKey, keep: Organisation, journal: dict, reason: str) -> None:
    """Point one row at `keep`; if `keep` already has its twin, delete it (journalled)."""
    before = snapshot(row)
    setattr(row, field.name, keep)
    try:
        with transaction.atomic():
            with_reason(row, reason).save(update_fields=[field.name])
    except IntegrityError:
        # A unique or check constraint: keep has this alias / relation / link already.
        type(row).objects.filter(pk=row.pk).delete()
        journal["deleted"].append(before)
        return
    journal["moved"].append({"model": _label(row), "pk": row.pk, "field": field.name})


def _moved_pks(journal: dict, model) -> list:
    label = model._meta.label_lower
    return [m["pk"] for m in journal["moved"] if m["model"] == label]


# ---------------------------------------------------------------------------------------


@transaction.atomic
def undo_merge(record: Merge, user=None) -> Organisation:
    """Put the merged organisation back, with everything the merge moved, and return it."""
    record = Merge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at:
        raise CannotMerge(_("this merge was already undone"))
    keep = record.kept
    if keep is None:
        raise CannotMerge(_("the organisation it was merged into no longer exists"))
    journal = record.journal
    if Organisation.objects.filter(slug=record.merged_slug).exclude(pk=record.merged_id).exists():
        raise CannotMerge(_("the key %(slug)s is now used by another organisation") % {"slug": record.merged_slug})
    reason = _("undid the merge of %(drop)s into %(keep)s") % {"drop": record.merged_slug, "keep": keep.slug}
    restored = _restore(journal["organisation"], reason, user)
    for moved in journal["moved"]:
        model = _model(moved["model"])
        row = model.objects.filter(pk=moved["pk"]).first()
        if row is not None and getattr(row, f"{moved['field']}_id") == keep.pk:
            setattr(row, moved["field"], restored)
            with_reason(row, reason).save(update_fields=[moved["field"]])
    for changed in journal["changed"]:
        model = _model(changed["model"])
        model.objects.filter(pk=changed["pk"]).update(**{changed["field"]: changed["old"]})
    for row in journal["deleted"]:
        _restore(row, reason, user)
    Alias.objects.filter(pk__in=journal["aliases"], organisation=keep).delete()
    for field, old in journal["filled"].items():
        setattr(keep, field, old)
    ReviewItem.objects.filter(pk__in=journal["conflicts"], status=ReviewStatus.OPEN).update(
        status=ReviewStatus.REJECTED, note=_("the merge was undone"), decided_at=timezone.now()
    )
    with_reason(keep, reason, user).save()
    record.undone_at = timezone.now()
    record.save(update_fields=["undone_at"])
    return restored


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _restore(saved: dict, reason: str, user=None) -> models.Model:
    """Save a serialised row again, with its old primary key, as a normal (historied) save."""
    obj = next(serializers.deserialize("python", [saved])).object
    with_reason(obj, reason, user).save(force_insert=True)
    return obj
