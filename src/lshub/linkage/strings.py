"""Resolving plain strings (affiliations, trial site names): the service behind
`lshub resolve` and `POST /api/resolve`.

Input rows have a name and, optionally, a city and a country. Each answer is the
organisation the resolver links the row to — {id, slug, name, ror, probability} — or
None (no organisation, or only a doubtful one that a person would have to confirm).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from lshub.registry.models import Identifier, Organisation

from . import resolve as resolver

# Rows resolved per model run: bounded memory for files of any length.
CHUNK = 2000
FIELDS = ("name", "city", "country")


class InvalidFile(ValueError):
    """The CSV file cannot be read as a table of names; the message says why."""


class Row(dict):
    """A CSV row's cells by column, and its number in the file as a spreadsheet shows it
    (the header is row 1; blank lines count though they hold no row)."""

    def __init__(self, cells: dict, number: int):
        super().__init__(cells)
        self.number = number


def row_number(row: dict, position: int) -> int:
    """The row's number in its file; rows not read from one are numbered by `position`
    (0 for the first), after a header row."""
    return getattr(row, "number", position + 2)


def read_csv(path: Path, required: tuple[str, ...] = ("name",)) -> list[Row]:
    """The rows of a UTF-8 CSV (comma, semicolon or tab separated) with the required columns."""
    path = Path(path)
    text = _text(path)
    # The separator is the one the header line uses most (a name may hold commas, quoted).
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)
    # csv.reader gives a blank line as [] and counts it: each record keeps its place in the file.
    records = ((n, cells) for n, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1) if cells)
    try:
        header = [h.strip().lower() for h in next(records)[1]]
        _check_columns(path, header, required)
        return [Row(_cells(header, values), number) for number, values in records]
    except csv.Error as error:
        raise InvalidFile(_("%(path)s is not a valid CSV file: %(error)s") % {"path": path.name, "error": error}) from error


def _check_columns(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidFile(
            _("%(path)s has no column %(missing)s (columns found: %(found)s)")
            % {"path": path.name, "missing": ", ".join(missing), "found": ", ".join(header) or _("none")}
        )


def _text(path: Path) -> str:
    """The file's text: readable, UTF-8, not empty, not binary."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidFile(_("cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidFile(
            _("%(path)s is not UTF-8 text (undecodable byte at line %(line)d); save it as UTF-8 and try again")
            % {"path": path.name, "line": line}
        ) from error
    if not text.strip():
        raise InvalidFile(_("%(path)s is empty") % {"path": path.name})
    if "\x00" in text:
        raise InvalidFile(_("%(path)s is not a text file") % {"path": path.name})
    return text


def _cells(header: list[str], values: list[str]) -> dict:
    """Cells by column, stripped: a missing cell is empty, cells beyond the header and
    columns without a name are dropped."""
    cells = dict.fromkeys(header, "")
    cells.update(zip(header, (v.strip() for v in values)))
    cells.pop("", None)
    return cells


def problems(rows: list[dict]) -> list[str]:
    """Every unusable row, by its row number in the file (see `row_number`), in plain words."""
    found = []
    for position, row in enumerate(rows):
        where = _("row %(n)d") % {"n": row_number(row, position)}
        try:
            resolver.check({k: row.get(k) or "" for k in FIELDS} | {"name": row.get("name")}, where)
        except resolver.InvalidCandidate as error:
            found.append(str(error))
    return found


def resolve_strings(rows: list[dict], backend: str = "duckdb") -> list[dict | None]:
    """The linked organisation for each row, or None. Rows must have passed `problems`."""
    answers: list[dict | None] = []
    for start in range(0, len(rows), CHUNK):
        chunk = [{k: (row.get(k) or "") for k in FIELDS} for row in rows[start : start + CHUNK]]
        answers.extend(_answers(resolver.resolve(chunk, backend=backend)))
    return answers


def _answers(results: list[resolver.Resolution]) -> list[dict | None]:
    """Each linked organisation as {id, slug, name, ror, probability}; two queries in all."""
    linked = {r.linked_id for r in results if r.linked_id is not None}
    organisations = Organisation.objects.in_bulk(linked)
    rors = dict(
        Identifier.objects.filter(organisation_id__in=linked, scheme="ror")
        .order_by("-pk")  # the oldest wins when an organisation has two
        .values_list("organisation_id", "value")
    )
    return [_answer(result, organisations, rors) for result in results]


def _answer(result: resolver.Resolution, organisations: dict, rors: dict) -> dict | None:
    org = organisations.get(result.linked_id) if result.linked_id is not None else None
    if org is None:
        return None
    ror = rors.get(org.pk)
    return {
        "id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "ror": f"https://ror.org/{ror}" if ror else None,
        "probability": round(result.probability, 4),
    }
