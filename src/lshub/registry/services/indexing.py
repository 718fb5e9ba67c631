"""Keeps each organisation's SearchEntry in step with its names, places and specialisations."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import translation

from ..choices import OrganisationType
from ..models import Organisation, SearchEntry
from .text import normalise

_state = threading.local()


def document(organisation: Organisation) -> tuple[str, str]:
    """(names, body) for the index; both languages are indexed whatever the reader's."""
    names = [organisation.name, organisation.short_name, organisation.name_en, organisation.name_it]
    names += [alias.name for alias in organisation.aliases.all()]
    body = [organisation.description_en, organisation.description_it, organisation.subtype.replace("_", " ")]
    for language in ("en", "it"):
        with translation.override(language):
            body.append(str(OrganisationType(organisation.type).label))
    for link in organisation.specialisation_links.all():
        body += [link.specialisation.label_en, link.specialisation.label_it, link.wording]
    for site in organisation.sites.all():
        body += [site.comune, site.province]
    return normalise(" ".join(filter(None, names))), normalise(" ".join(filter(None, body)))


def index(organisation_ids: Iterable[int]) -> None:
    """Rebuild the entries of these organisations (deleted ones drop out by cascade)."""
    ids = list(organisation_ids)
    if getattr(_state, "pending", None) is not None:
        _state.pending.update(ids)
        return
    queryset = Organisation.objects.filter(id__in=ids).prefetch_related(
        "aliases", "sites", "specialisation_links__specialisation"
    )
    for organisation in queryset:
        names, body = document(organisation)
        SearchEntry.objects.update_or_create(organisation=organisation, defaults={"names": names, "body": body})


def index_bulk(organisation_ids: Iterable[int], batch_size: int = 1000) -> int:
    """Rebuild many entries at once: one delete and one multi-row insert per batch.

    The same documents as `index`, for loads of thousands of organisations made with
    bulk_create (which sends no signals); row-by-row upserts would take minutes there.
    Returns how many organisations were indexed.
    """
    ids = list(organisation_ids)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        organisations = Organisation.objects.filter(id__in=batch).prefetch_related(
            "aliases", "sites", "specialisation_links__specialisation"
        )
        entries = []
        for organisation in organisations:
            names, body = document(organisation)
            entries.append(SearchEntry(organisation=organisation, names=names, body=body))
        with transaction.atomic():
            SearchEntry.objects.filter(organisation_id__in=batch).delete()
            SearchEntry.objects.bulk_create(entries)
    return len(ids)


def rebuild() -> int:
    """Reindex every organisation; returns how many."""
    return index_bulk(Organisation.objects.values_list("id", flat=True))


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Collect reindex requests during a bulk change and run them once at the end."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        pending, _state.pending = _state.pending, None
        index(pending)
    finally:
        _state.pending = None
