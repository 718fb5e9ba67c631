"""Open a delimited text file whose encoding and separator are not declared.

Public-sector CSVs come in UTF-8 or Latin-1 (Windows-1252 in practice), separated by
semicolons or commas. The encoding is decided by one streaming pass over the bytes before
reading, so a Latin-1 character on the last line is not discovered half-way through a load.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from .base import SourceFileError

CHUNK = 1 << 16
ENCODING_HINT = "save it as UTF-8 or Latin-1, or give the encoding with --encoding"


def detect_encoding(path: Path) -> str:
    """'utf-8-sig' when every byte is valid UTF-8, else 'cp1252' (or 'latin-1' when cp1252
    cannot map a byte). UTF-16 and binary files are refused with the reason."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        first = handle.read(CHUNK)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first:
            raise SourceFileError(f"{path.name} looks like UTF-16 or a binary file, not a text CSV: {ENCODING_HINT}")
        chunk = first
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(CHUNK)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                chunk.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def open_text(path: Path, encoding: str | None = None):
    """A text stream over the file, in the given or detected encoding."""
    chosen = encoding or detect_encoding(path)
    try:
        codecs.lookup(chosen)
    except LookupError as error:
        raise SourceFileError(f"unknown encoding {chosen!r}") from error
    return path.open(encoding=chosen, newline=""), chosen


def sniff_delimiter(header_line: str) -> str:
    """The separator of a header line: the most frequent of ; , tab |."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_rows(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line number, header, row) for every data row, streamed.

    A file read with an explicit encoding that does not fit fails with the line number.
    """
    handle, chosen = open_text(path, encoding)
    line = 1
    try:
        with handle:
            header_line = handle.readline()
            if not header_line.strip():
                raise SourceFileError(f"{path.name} is empty: no header line")
            sep = delimiter or sniff_delimiter(header_line)
            header = next(csv.reader(io.StringIO(header_line), delimiter=sep))
            reader = csv.reader(handle, delimiter=sep)
            for row in reader:
                line = 1 + reader.line_num
                if any(cell.strip() for cell in row):
                    yield line, header, row
    except UnicodeDecodeError as error:
        raise SourceFileError(
            f"{path.name} is not valid {chosen} near line {line + 1} (byte {error.start} of a block): {ENCODING_HINT}"
        ) from error
    except csv.Error as error:
        raise SourceFileError(f"{path.name} line {line}: {error}") from error
