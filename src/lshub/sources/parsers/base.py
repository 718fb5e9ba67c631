"""What every parser yields, and the small helpers they share.

A parser reads one file lazily and yields, in file order, one `Parsed` per good record and
one `Rejected` per bad one (with the record number, the field and the reason in plain
words), so one bad record never stops the rest of the file from loading.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class SourceFileError(ValueError):
    """The file as a whole cannot be read (wrong format, encoding, truncated, empty archive)."""


@dataclass(frozen=True)
class Parsed:
    number: int  # 1-based position of the record in the file
    record_id: str
    kind: str  # organisation, trial, site, sponsor, facility…
    raw: dict
    candidate: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    number: int
    field: str
    reason: str


# The keys of an organisation candidate, in the registry's vocabulary.
CANDIDATE_KEYS = (
    "name",
    "aliases",
    "acronyms",
    "types",
    "city",
    "province",
    "country",
    "lat",
    "lon",
    "website",
    "identifiers",
)


def candidate(**values) -> dict:
    """An organisation candidate with every key present, empty where the source is silent."""
    result = {
        "name": "",
        "aliases": [],
        "acronyms": [],
        "types": [],
        "city": "",
        "province": "",
        "country": "",
        "lat": None,
        "lon": None,
        "website": "",
        "identifiers": {},
    }
    result.update(values)
    return result


def unique(values) -> list[str]:
    """Non-empty stripped strings, first occurrence kept, order preserved."""
    seen = {}
    for value in values:
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            seen.setdefault(text, None)
    return list(seen)


def clean(value) -> str:
    """A string with runs of whitespace collapsed; None becomes empty."""
    return " ".join(str(value).split()) if value is not None else ""
