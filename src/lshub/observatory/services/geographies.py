"""Geographies and peer sets: lookups that fail with a clear message."""

from __future__ import annotations

import re

from ..models import Geography, PeerSet
from .errors import UnknownGeography, UnknownPeerSet

HOME_REGION = "ITC4"
CODE = re.compile(r"[A-Z0-9_]{1,12}")
SLUG = re.compile(r"[a-z0-9_-]{1,40}")


def geography(code: str) -> Geography:
    """The geography with this code (case-insensitive), or UnknownGeography."""
    cleaned = (code or "").strip().upper()
    # Checked before the query: some text (a NUL byte) cannot even be sent to PostgreSQL.
    found = Geography.objects.filter(code=cleaned).first() if CODE.fullmatch(cleaned) else None
    if found is None:
        raise UnknownGeography(code)
    return found


def peer_set(slug: str) -> PeerSet:
    found = PeerSet.objects.filter(slug=slug).first() if SLUG.fullmatch(slug or "") else None
    if found is None:
        raise UnknownPeerSet(slug, list(PeerSet.objects.values_list("slug", flat=True)))
    return found


def peer_sets() -> list[PeerSet]:
    return list(PeerSet.objects.prefetch_related("members"))
