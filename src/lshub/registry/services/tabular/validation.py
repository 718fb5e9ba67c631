"""Check every row of an import before anything is written, and say what is wrong in plain words.

Each bad cell becomes a RowError (row number as the file shows it, column, reason); a row
with at least one error is left out of the rows to write. An empty cell means "no value
in the file" and is never an error, except in the required columns.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.utils.translation import gettext as _

from ...choices import IdentifierScheme, OrganisationType, Ownership
from ...models import Identifier, Specialisation
from .. import geo
from .columns import COLUMNS, ORGANISATION_FIELDS, REQUIRED, restore, split_list
from .reading import ImportFileError, Table

MAX_LENGTHS = {"key": 120, "name": 300, "short_name": 120, "name_en": 300, "name_it": 300, "subtype": 60}
WHOLE_NUMBER = re.compile(r"^\d+$")


class Invalid(ValueError):
    """One cell's value cannot be right; the message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class Incoming:
    """A valid row, parsed: what the file says about one organisation."""

    row: int
    key: str
    fields: dict  # Organisation field -> value, for the non-empty cells only
    comune: geo.Comune | None = None
    coordinates: tuple[float, float] | None = None
    aliases: list[str] = field(default_factory=list)
    specialisations: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def check_header(header: list[str]) -> None:
    """Refuse a header with unknown, unnamed, repeated or missing columns."""
    accepted = ", ".join(COLUMNS)
    for position, name in enumerate(header, start=1):
        if not name:
            raise ImportFileError(_("column %(n)d has no name in the header row") % {"n": position})
        if name not in COLUMNS:
            raise ImportFileError(
                _("unknown column %(name)r; the accepted columns are: %(accepted)s")
                % {"name": name, "accepted": accepted}
            )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ImportFileError(_("the column %(name)r appears more than once in the header") % {"name": repeated[0]})
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            _("required columns are missing: %(missing)s (every file needs %(required)s)")
            % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED)}
        )


def validate(table: Table) -> tuple[list[Incoming], list[RowError]]:
    """The valid rows, parsed, and every error of every bad row."""
    check_header(table.header)
    known_codes = set(Specialisation.objects.values_list("code", flat=True))
    parsed: list[tuple[Incoming, list[RowError]]] = []
    for number, cells in table.rows:
        parsed.append(_parse_row(number, table.header, cells, known_codes))
    _check_across_rows(parsed)
    valid = [incoming for incoming, errors in parsed if not errors]
    errors = [error for _incoming, row_errors in parsed for error in row_errors]
    return valid, errors


def _parse_row(number: int, header: list[str], cells: list[str], known_codes: set[str]):
    errors: list[RowError] = []
    values = {name: restore(cell.strip()) for name, cell in zip(header, cells)}
    for position, cell in enumerate(cells[len(header) :], start=len(header) + 1):
        if cell.strip():
            errors.append(
                RowError(
                    number,
                    _("(column %(n)d)") % {"n": position},
                    _("a value in a column that has no name in the header row"),
                )
            )

    def check(column: str, parse, *args):
        """The parsed cell, or None after recording why it is wrong."""
        text = values.get(column, "")
        if not text:
            return None
        try:
            return parse(text, *args)
        except Invalid as problem:
            errors.append(RowError(number, column, str(problem)))
            return None

    for column in REQUIRED:
        if not values.get(column):
            errors.append(RowError(number, column, _("missing %(column)s") % {"column": column}))
    incoming = Incoming(row=number, key=values.get("key", ""), fields={})
    for column, model_field in ORGANISATION_FIELDS.items():
        value = check(column, PARSERS[column], column)
        if value is not None:
            incoming.fields[model_field] = value
    incoming.aliases = check("aliases", _aliases) or []
    incoming.specialisations = check("specialisations", _specialisations, known_codes) or []
    incoming.identifiers = check("identifiers", _identifiers) or []
    incoming.sources = check("sources", _sources) or []
    _parse_site(values, incoming, errors)
    return incoming, errors


def _text(text: str, column: str) -> str:
    limit = MAX_LENGTHS.get(column)
    if limit and len(text) > limit:
        raise Invalid(_("longer than %(limit)d characters") % {"limit": limit})
    return text


def _key(text: str, column: str) -> str:
    try:
        validate_slug(text)
    except ValidationError:
        raise Invalid(
            _("%(value)r is not a valid key: use only letters, digits, hyphens and underscores") % {"value": text}
        ) from None
    return _text(text, column)


def _choice(text: str, column: str, choices) -> str:
    value = text.lower()
    accepted = [v for v in choices.values if v]
    if value not in accepted:
        raise Invalid(
            _("unknown %(column)s %(value)r; accepted: %(accepted)s")
            % {"column": column, "value": text, "accepted": ", ".join(accepted)}
        )
    return value


def _url(text: str, limit: int = 300) -> str:
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise Invalid(
            _("%(value)r is not a web address (it must start with http:// or https://)") % {"value": text}
        ) from None
    if len(text) > limit:
        raise Invalid(_("longer than %(limit)d characters") % {"limit": limit})
    return text


def _whole_number(text: str, column: str) -> int:
    if not WHOLE_NUMBER.match(text):
        raise Invalid(_("%(value)r is not a whole number") % {"value": text})
    number = int(text)
    if number > 2_000_000_000:
        raise Invalid(_("%(value)s is too large") % {"value": text})
    return number


def _year(text: str, column: str) -> int:
    year = _whole_number(text, column)
    this_year = datetime.date.today().year
    if not 1 <= year <= this_year:
        raise Invalid(
            _("%(value)s is not a year between 1 and %(this_year)d") % {"value": text, "this_year": this_year}
        )
    return year


PARSERS = {
    "key": _key,
    "name": _text,
    "short_name": _text,
    "name_en": _text,
    "name_it": _text,
    "type": lambda text, column: _choice(text, column, OrganisationType),
    "subtype": _text,
    "ownership": lambda text, column: _choice(text, column, Ownership),
    "website": lambda text, column: _url(text),
    "founded": _year,
    "employees": _whole_number,
    "employees_year": _year,
    "description_en": _text,
    "description_it": _text,
}


def _aliases(text: str) -> list[str]:
    names = split_list(text)
    for name in names:
        if len(name) > 300:
            raise Invalid(_("the alias %(name)r is longer than 300 characters") % {"name": name[:40] + "…"})
    return names


def _specialisations(text: str, known_codes: set[str]) -> list[str]:
    codes = split_list(text)
    unknown = [code for code in codes if code not in known_codes]
    if unknown:
        raise Invalid(_("unknown specialisation code %(code)r") % {"code": unknown[0]})
    return codes


def _identifiers(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in split_list(text):
        scheme, colon, value = item.partition(":")
        scheme, value = scheme.strip().lower(), value.strip()
        if not colon or not value or scheme not in IdentifierScheme.values:
            raise Invalid(
                _("malformed identifier %(item)r: write scheme:value, with scheme one of %(schemes)s")
                % {"item": item, "schemes": ", ".join(IdentifierScheme.values)}
            )
        if len(value) > 200:
            raise Invalid(_("the identifier %(item)r is longer than 200 characters") % {"item": item[:40] + "…"})
        pairs.append((scheme, value))
    return pairs


def _sources(text: str) -> list[str]:
    """Source addresses: web addresses, or file:NAME for a file an earlier import came from."""
    urls = split_list(text)
    for url in urls:
        if not url.startswith("file:"):
            _url(url, limit=1000)
    return urls


def _decimal(text: str) -> float:
    # Spreadsheets set to Italian write 45,46 for 45.46.
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise Invalid(_("%(value)r is not a decimal number") % {"value": text}) from None


def _parse_site(values: dict, incoming: Incoming, errors: list[RowError]) -> None:
    """The main site: comune (with province to tell namesakes apart), codes checked against it."""
    number = incoming.row
    province = values.get("province", "").upper()
    if province and province not in geo.provinces():
        errors.append(
            RowError(
                number,
                "province",
                _("unknown province %(value)r (use the two-letter code, e.g. MI)") % {"value": province},
            )
        )
        province = ""
    comune = None
    if values.get("comune"):
        try:
            comune = geo.find_comune(values["comune"], province)
        except geo.UnknownComune as problem:
            errors.append(RowError(number, "comune", str(problem)))
    elif any(values.get(c) for c in ("province", "istat_code", "nuts3", "latitude", "longitude")):
        errors.append(RowError(number, "comune", _("missing: a site needs its municipality (comune)")))
    if comune:
        for column, expected in (("istat_code", comune.istat_code), ("nuts3", comune.nuts3)):
            given = values.get(column, "")
            if given and given != expected:
                errors.append(
                    RowError(
                        number,
                        column,
                        _("%(value)r is not the code of %(comune)s (%(expected)s)")
                        % {"value": given, "comune": comune.name, "expected": expected},
                    )
                )
    incoming.comune = comune
    incoming.coordinates = _coordinates(values, number, errors)


def _coordinates(values: dict, number: int, errors: list[RowError]) -> tuple[float, float] | None:
    found = {}
    for column, limit in (("latitude", 90), ("longitude", 180)):
        text = values.get(column, "")
        if not text:
            continue
        try:
            value = _decimal(text)
        except Invalid as problem:
            errors.append(RowError(number, column, str(problem)))
            continue
        if not -limit <= value <= limit:
            errors.append(
                RowError(
                    number, column, _("%(value)s is outside -%(limit)d…%(limit)d") % {"value": text, "limit": limit}
                )
            )
            continue
        found[column] = value
    given = [c for c in ("latitude", "longitude") if values.get(c)]
    if len(given) == 1:
        other = "longitude" if given[0] == "latitude" else "latitude"
        errors.append(RowError(number, other, _("missing: give both latitude and longitude, or neither")))
    if len(found) == 2:
        return found["latitude"], found["longitude"]
    return None


def _check_across_rows(parsed: list[tuple[Incoming, list[RowError]]]) -> None:
    """Keys and identifiers must be unique in the file, and identifiers not taken by others."""
    first_key: dict[str, int] = {}
    first_identifier: dict[tuple[str, str], int] = {}
    wanted = {pair for incoming, _errors in parsed for pair in incoming.identifiers}
    owners = _identifier_owners(wanted)
    for incoming, errors in parsed:
        if incoming.key:
            if incoming.key in first_key:
                errors.append(
                    RowError(
                        incoming.row,
                        "key",
                        _("duplicate key %(key)r: also on row %(row)d")
                        % {"key": incoming.key, "row": first_key[incoming.key]},
                    )
                )
            else:
                first_key[incoming.key] = incoming.row
        for pair in incoming.identifiers:
            label = f"{pair[0]}:{pair[1]}"
            if pair in first_identifier and first_identifier[pair] != incoming.row:
                errors.append(
                    RowError(
                        incoming.row,
                        "identifiers",
                        _("the identifier %(id)s is also on row %(row)d")
                        % {"id": label, "row": first_identifier[pair]},
                    )
                )
            first_identifier.setdefault(pair, incoming.row)
            owner = owners.get(pair)
            if owner and owner != incoming.key:
                errors.append(
                    RowError(
                        incoming.row,
                        "identifiers",
                        _("the identifier %(id)s already belongs to %(owner)r") % {"id": label, "owner": owner},
                    )
                )


def _identifier_owners(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(scheme, value) -> key of the organisation holding it, for the pairs in the file."""
    owners = {}
    values = sorted({value for _scheme, value in pairs})
    for start in range(0, len(values), 500):
        rows = Identifier.objects.filter(value__in=values[start : start + 500]).values_list(
            "scheme", "value", "organisation__slug"
        )
        owners.update({(scheme, value): slug for scheme, value, slug in rows})
    return owners
