"""Read a CSV or XLSX file into a table of text cells, refusing files it cannot read safely.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first data row is
row 2, and blank rows still count. A file larger than the size limit is refused before
it is read, because an import checks every row before writing any, so the whole file
is held in memory; a very large registry is better loaded in parts.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"  # XLSX files are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls workbooks


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, cells)


def max_bytes() -> int:
    """The import size limit: settings.LSHUB_IMPORT_MAX_BYTES, 20 MB by default."""
    return int(getattr(settings, "LSHUB_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def read(path: str | Path, limit: int | None = None) -> Table:
    """The table in the CSV or XLSX file at `path`."""
    path = Path(path)
    check_size(path.stat().st_size, limit)
    data = path.read_bytes()
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(io.BytesIO(data))
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(_("old Excel .xls workbooks are not supported: save the file as .xlsx or as CSV UTF-8"))
    return read_csv_bytes(data)


def check_size(size: int, limit: int | None = None) -> None:
    """Refuse a file over the limit before reading it."""
    limit = max_bytes() if limit is None else limit
    if size > limit:
        raise ImportFileError(
            _(
                "the file is %(size)s, larger than the import limit of %(limit)s; "
                "split it into smaller files and import them one after the other"
            )
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_csv_bytes(data: bytes) -> Table:
    """CSV bytes, which must be UTF-8 (a byte-order mark is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "the file is not UTF-8 text (line %(line)d has the byte 0x%(byte)02X, as written by programs "
                'saving in Latin-1 or Windows-1252); save it as "CSV UTF-8" and import it again'
            )
            % {"line": line, "byte": data[error.start]}
        ) from None
    return read_csv_text(text)


def read_csv_text(text: str) -> Table:
    """CSV text separated by commas or semicolons (spreadsheets in Italian use semicolons)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFileError(_("the file is empty: the first row must name the columns, e.g. key,name,type"))
    first_line = next(line for line in io.StringIO(text) if line.strip())
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("the file cannot be read as CSV near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return table(records)


def read_xlsx(source) -> Table:
    """The first worksheet of an XLSX workbook (a path or a binary file)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("the file is not a readable XLSX workbook (%(error)s)") % {"error": error}) from None
    try:
        sheet = workbook.worksheets[0]
        records = [[_xlsx_text(value) for value in values] for values in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    return table(records)


def _xlsx_text(value) -> str:
    """A cell as the text a CSV export would hold: 1928.0 reads as 1928."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table(records: list[list[str]]) -> Table:
    """Split records into header and numbered rows; blank rows are skipped but counted."""
    numbered = [(number, cells) for number, cells in enumerate(records, start=1) if any(c.strip() for c in cells)]
    if not numbered:
        raise ImportFileError(_("the file is empty: the first row must name the columns, e.g. key,name,type"))
    (_number, header), rows = numbered[0], numbered[1:]
    if not rows:
        raise ImportFileError(_("the file has a header row but no organisations below it"))
    header = [cell.strip().lower() for cell in header]
    while header and not header[-1]:
        header.pop()  # spreadsheets often save empty trailing columns
    return Table(header=header, rows=rows)
