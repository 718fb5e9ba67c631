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


def read_csv(path: Path, required: tuple[str, ...] = ("name",)) -> list[dict]:
    """The rows of a UTF-8 CSV (comma, semicolon or tab separated) with the required columns."""
    path = Path(path)
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
    # The separator is the one the header line uses most (a name may hold commas, quoted).
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidFile(
            _("%(path)s has no column %(missing)s (columns found: %(found)s)")
            % {"path": path.name, "missing": ", ".join(missing), "found": ", ".join(header) or _("none")}
        )
    reader.fieldnames = header
    try:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except csv.Error as error:
        raise InvalidFile(_("%(path)s is not a valid CSV file: %(error)s") % {"path": path.name, "error": error}) from error


def problems(rows: list[dict]) -> list[str]:
    """Every unusable row, by row number (the header is row 1), in plain words."""
    found = []
    for number, row in enumerate(rows, start=2):
        try:
            resolver.check({k: row.get(k) or "" for k in FIELDS} | {"name": row.get("name")}, _("row %(n)d") % {"n": number})
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
