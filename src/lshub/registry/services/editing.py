"""Curating the registry from code (API, CLI): validated writes, each with its reason in the history.

Every write runs the model's own validation first (choices, lengths, URLs, uniqueness), so
bad input is refused with a plain message naming the field and nothing is half-saved.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from ..models import Alias, Identifier, Organisation, Relation, Site, Source
from . import geo
from .upsert import fill

# The fields of an organisation a curator may set directly (the slug is fixed once created).
EDITABLE_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "name_it",
    "type",
    "subtype",
    "ownership",
    "description_en",
    "description_it",
    "website",
    "founded",
    "employees",
    "employees_year",
    "note",
)

_CONFLICT_CODES = {"unique", "unique_together"}


class EditError(ValueError):
    """A write that cannot be made; `field` names the culprit, `conflict` marks a duplicate."""

    def __init__(self, message: str, field: str = "", *, conflict: bool = False):
        super().__init__(message)
        self.field = field
        self.conflict = conflict


def _edit_error(error: ValidationError) -> EditError:
    if not hasattr(error, "error_dict"):
        return EditError(" ".join(error.messages))
    field, errors = next(iter(error.error_dict.items()))
    first = errors[0]
    message = " ".join(first.messages)
    conflict = first.code in _CONFLICT_CODES
    if field == NON_FIELD_ERRORS:
        return EditError(message, conflict=conflict)
    return EditError(f"{field}: {message}", field, conflict=conflict)


def _save(instance: models.Model, reason: str, user=None) -> None:
    """Validate, then save with the reason (and user) recorded by the history."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise _edit_error(error) from None
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.save()


def _blank_for_text(model: type[models.Model], name: str, value):
    """None clears a field: text fields store that as ''."""
    if value is None and not model._meta.get_field(name).null:
        return ""
    return value


def unique_slug(text: str) -> str:
    """A free slug made from `text`: 'ieo', then 'ieo-2', 'ieo-3'…"""
    base = slugify(text)[:100].strip("-") or "organisation"
    if base.isdigit():  # an all-digit key would read as an id in URLs
        base = f"organisation-{base}"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organisation(
    values: dict, *, reason: str, user=None, slug: str = "", seat: tuple[str, str] | None = None
) -> Organisation:
    """A new organisation; `seat` (comune, province) adds its headquarters site."""
    _check_fields(values)
    if slug and slug.isdigit():
        raise EditError("slug: must contain a letter, or it would read as an id", "slug")
    fields = {name: _blank_for_text(Organisation, name, value) for name, value in values.items()}
    organisation = Organisation(**fields)
    organisation.slug = slug or unique_slug(values.get("short_name") or values.get("name") or "")
    _save(organisation, reason, user)
    if seat:
        add_site(organisation, *seat, reason=reason, user=user)
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, changes: dict, *, reason: str, user=None) -> bool:
    """Set the given fields; returns False (and writes no history) when nothing differs."""
    _check_fields(changes)
    changed = False
    for name, value in changes.items():
        value = _blank_for_text(Organisation, name, value)
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed = True
    if changed:
        _save(organisation, reason, user)
    return changed


def _check_fields(values: dict) -> None:
    for name in values:
        if name not in EDITABLE_FIELDS:
            raise EditError(f"{name}: not a field that can be edited", name)


@transaction.atomic
def remove(instance: models.Model, *, reason: str, user=None) -> None:
    """Delete an organisation or one of its parts, the deletion recorded in the history."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.delete()


@transaction.atomic
def add_site(organisation: Organisation, comune: str, province: str = "", *, reason: str, user=None) -> Site:
    """A site in an Italian comune, its codes and centre taken from the ISTAT list."""
    try:
        place = geo.find_comune(comune, province)
    except geo.UnknownComune as error:
        raise EditError(f"comune: {error}", "comune") from None
    has_headquarters = organisation.sites.filter(is_headquarters=True).exists()
    site = Site(organisation=organisation, is_headquarters=not has_headquarters, **place.site_fields())
    _save(site, reason, user)
    return site


@transaction.atomic
def add_identifier(organisation: Organisation, scheme: str, value: str, *, reason: str, user=None) -> Identifier:
    identifier = Identifier(organisation=organisation, scheme=scheme, value=value.strip())
    _save(identifier, reason, user)
    return identifier


@transaction.atomic
def add_alias(
    organisation: Organisation, name: str, kind: str = "variant", language: str = "", *, reason: str, user=None
) -> Alias:
    alias = Alias(organisation=organisation, name=name.strip(), kind=kind, language=language)
    _save(alias, reason, user)
    return alias


@transaction.atomic
def add_relation(
    subject: Organisation,
    kind: str,
    object_: Organisation,
    *,
    note: str = "",
    source_url: str = "",
    reason: str,
    user=None,
) -> Relation:
    """`subject` is `kind` `object_`; `source_url` says where that is stated."""
    if subject.pk == object_.pk:
        raise EditError("object: an organisation cannot be related to itself", "object")
    source = _source(source_url, reason) if source_url else None
    relation = Relation(subject=subject, kind=kind, object=object_, note=note, source=source)
    _save(relation, reason, user)
    return relation


def _source(url: str, reason: str) -> Source:
    try:
        Source(url=url).clean_fields(exclude=["publisher", "title", "retrieved"])
    except ValidationError as error:
        raise EditError(f"source_url: {' '.join(error.messages)}", "source_url") from None
    return fill(Source, {"url": url}, {}, reason)[0]
