"""The review queue's decisions: accept, reject, merge into, create new.

Each decision is one transaction, records who decided and when, and refuses an item
that is no longer open (two people deciding at once: the second is told, nothing
changes twice).

- accept: a possible match is the proposed organisation — link it; a conflict's
  offered value replaces the kept one (a person decided, so it may overwrite);
- reject: a possible match is not the proposed organisation — the candidate is set
  aside; a conflict's offered value is dropped;
- merge into: the candidate is another organisation than the one proposed — link it
  there;
- create new: the candidate is an organisation the registry lacks — create it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lshub.registry.choices import OrganisationType
from lshub.registry.models import Identifier, Organisation
from lshub.registry.services import editing

from . import linking
from .models import ReviewItem, ReviewKind, ReviewStatus


class ReviewError(ValueError):
    """A decision that cannot be taken as asked; the message says why."""


def _open(item: ReviewItem) -> ReviewItem:
    locked = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if not locked.is_open:
        raise ReviewError(_("this item was already decided (%(status)s)") % {"status": locked.get_status_display()})
    return locked


def _close(item: ReviewItem, status: str, user, resolved: Organisation | None = None, note: str = "") -> ReviewItem:
    item.status = status
    item.decided_by = user if getattr(user, "is_authenticated", False) else None
    item.decided_at = timezone.now()
    item.resolved = resolved
    if note:
        item.note = note
    item.save()
    return item


def _staged_status(item: ReviewItem, status: str, organisation: Organisation | None = None) -> None:
    if item.staged_id is None:
        return
    record = item.staged
    record.status = status
    if organisation is not None:
        record.organisation = organisation
    record.save(update_fields=["status", "organisation"])


def _sync_trials() -> None:
    from lshub.sources.services import trials

    trials.sync_organisations()


@transaction.atomic
def accept(item: ReviewItem, user=None) -> ReviewItem:
    item = _open(item)
    if item.kind == ReviewKind.CONFLICT:
        return _accept_conflict(item, user)
    if item.proposed is None:
        raise ReviewError(_("no organisation is proposed: use merge into or create new"))
    return _link(item, item.proposed, ReviewStatus.ACCEPTED, user)


@transaction.atomic
def reject(item: ReviewItem, user=None, note: str = "") -> ReviewItem:
    item = _open(item)
    if item.kind == ReviewKind.MATCH:
        _staged_status(item, "rejected")
    return _close(item, ReviewStatus.REJECTED, user, note=note)


@transaction.atomic
def merge_into(item: ReviewItem, target: Organisation, user=None) -> ReviewItem:
    item = _open(item)
    if item.kind != ReviewKind.MATCH:
        raise ReviewError(_("only a possible match can be merged into an organisation"))
    return _link(item, target, ReviewStatus.MERGED, user)


@transaction.atomic
def create_new(item: ReviewItem, user=None, type_: str = "") -> ReviewItem:
    item = _open(item)
    if item.kind != ReviewKind.MATCH:
        raise ReviewError(_("only a candidate can become a new organisation"))
    type_ = type_ or linking.new_type(item.source, item.staged.kind if item.staged_id else "", item.candidate) or _guess_type(item.candidate)
    if type_ not in OrganisationType.values:
        raise ReviewError(_("unknown organisation type %(type)r") % {"type": type_})
    organisation = linking.create_organisation(item.candidate, type_, item.source, item.record_id, user)
    _staged_status(item, "created", organisation)
    _close(item, ReviewStatus.CREATED, user, resolved=organisation)
    _sync_trials()
    return item


def _link(item: ReviewItem, organisation: Organisation, status: str, user) -> ReviewItem:
    linking.apply_link(organisation, item.candidate, item.source, item.record_id, user)
    _staged_status(item, "linked", organisation)
    _close(item, status, user, resolved=organisation)
    _sync_trials()
    return item


def _accept_conflict(item: ReviewItem, user) -> ReviewItem:
    organisation = item.proposed
    if organisation is None:
        raise ReviewError(_("the organisation of this conflict no longer exists"))
    field, offered = item.candidate.get("field", ""), item.candidate.get("offered")
    reason = _("accepted %(field)s from %(origin)s") % {"field": field, "origin": item.candidate.get("origin", "")}
    try:
        if field.startswith("identifier:"):
            _replace_identifier(organisation, field.split(":", 1)[1], str(offered or ""), reason, user)
        elif field in editing.EDITABLE_FIELDS:
            editing.update_organisation(organisation, {field: offered}, reason=reason, user=user)
        else:
            raise ReviewError(_("%(field)s is not a field that can be set") % {"field": field})
    except editing.EditError as error:
        raise ReviewError(str(error)) from error
    return _close(item, ReviewStatus.ACCEPTED, user, resolved=organisation)


def _replace_identifier(organisation: Organisation, scheme: str, value: str, reason: str, user) -> None:
    """The organisation's identifier of this scheme becomes `value`, unless another organisation has it."""
    other = Identifier.objects.filter(scheme=scheme, value__iexact=value).exclude(organisation=organisation).first()
    if other is not None:
        raise ReviewError(
            _("%(value)s is the identifier of %(other)s: merge the two organisations instead")
            % {"value": value, "other": other.organisation.slug}
        )
    for kept in organisation.identifiers.filter(scheme=scheme):
        editing.remove(kept, reason=reason, user=user)
    editing.add_identifier(organisation, scheme, value, reason=reason, user=user)


def _guess_type(candidate: dict) -> str:
    """A type for a candidate the sources are not authoritative for, from its kinds."""
    from .features import TYPE_KINDS
    from .normalise import name

    kinds = set(name(candidate.get("name") or "").kinds)
    for kind in candidate.get("types") or []:
        kinds |= TYPE_KINDS.get(str(kind).lower(), set())
    for kind, type_ in (
        ("university", OrganisationType.UNIVERSITY),
        ("hospital", OrganisationType.HOSPITAL),
        ("health_authority", OrganisationType.HEALTH_AUTHORITY),
        ("company", OrganisationType.COMPANY),
        ("foundation", OrganisationType.FOUNDATION),
        ("association", OrganisationType.ASSOCIATION),
        ("public", OrganisationType.PUBLIC_BODY),
    ):
        if kind in kinds:
            return type_
    return OrganisationType.RESEARCH_CENTRE
