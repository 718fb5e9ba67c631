"""Keeps each organisation's SearchEntry in step with its names, places and specialisations."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

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


def rebuild() -> int:
    """Reindex every organisation; returns how many."""
    ids = list(Organisation.objects.values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        index(ids[start : start + 500])
    return len(ids)


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
