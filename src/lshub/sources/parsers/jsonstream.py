"""Stream the items of a JSON array, or the one object of a single-record file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import ijson

from .base import SourceFileError


def json_items(stream: BinaryIO, name: str, array_path: str = "item") -> Iterator:
    """Yield each element of a top-level array (or the whole object) without loading the file.

    A file that stops in the middle raises SourceFileError naming how many complete records
    came before the break; those have already been yielded.
    """
    first = _first_byte(stream)
    if first is None:
        raise SourceFileError(f"{name} is empty")
    if first not in (b"[", b"{"):
        raise SourceFileError(f"{name} is not JSON: it starts with {first!r}, not [ or {{")
    prefix = array_path if first == b"[" else ""
    count = 0
    try:
        for item in ijson.items(_Rewound(first, stream), prefix, use_float=True):
            count += 1
            yield item
    except ijson.IncompleteJSONError as error:
        raise SourceFileError(
            f"{name} is cut short or malformed after {count} complete record(s): {_reason(error)}"
        ) from error
    except ijson.JSONError as error:
        raise SourceFileError(f"{name} is not valid JSON after {count} record(s): {_reason(error)}") from error
    if count == 0 and first == b"{":
        raise SourceFileError(f"{name} holds no record")


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _first_byte(stream: BinaryIO) -> bytes | None:
    """The first non-blank byte (a UTF-8 byte-order mark is skipped too)."""
    while True:
        byte = stream.read(1)
        if not byte:
            return None
        if byte in b" \t\r\n" or byte in b"\xef\xbb\xbf":
            continue
        return byte


class _Rewound:
    """A read-only stream that puts back the byte already consumed."""

    def __init__(self, first: bytes, stream: BinaryIO):
        self._pending = first
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes with read(0) to tell bytes from text
            return b""
        head, self._pending = self._pending, b""
        if size is None or size < 0:
            return head + self._stream.read()
        return head + self._stream.read(max(size - len(head), 0))
