"""Numbered source notes, one per distinct source statement, in order of first use."""

from __future__ import annotations

from datetime import date

from .document import Footnote, RecordSource
from .numbers import status_label


class Footnotes:
    def __init__(self) -> None:
        self.notes: list[Footnote] = []
        self._numbers: dict[tuple, int] = {}

    def add(
        self,
        *,
        publisher: str,
        url: str,
        retrieved: date | None,
        status: str,
        note: str = "",
        records: list[RecordSource] | None = None,
    ) -> int:
        """The number of the note for this source; the same statement twice gets the same number."""
        records = records or []
        key = (publisher, url, retrieved, status, note, tuple(r.slug for r in records))
        if key not in self._numbers:
            number = len(self.notes) + 1
            self.notes.append(Footnote(number, publisher, url, retrieved, status, status_label(status), note, records))
            self._numbers[key] = number
        return self._numbers[key]
