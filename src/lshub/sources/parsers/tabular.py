"""Any CSV or XLSX of organisations, read through a column mapping.

A mapping says which column feeds which candidate field (`name=Denominazione`,
`city=Comune`, `vat=Partita IVA`…). It comes from the command line or a small YAML file:

    name: assolombarda-members      # the source becomes "csv:assolombarda-members"
    columns: {id: Codice, name: Denominazione, city: Comune, vat: Partita IVA}
    defaults: {country: IT}         # constants for fields the file does not carry
    sheet: Soci                     # XLSX only; the first sheet by default
    encoding: latin-1               # CSV only; detected when absent
    delimiter: ";"                  # CSV only; sniffed from the header when absent

Without an `id` column a row is known by its name and city, so re-reading the file still
finds the same records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .base import Parsed, Rejected, SourceFileError, candidate, clean, unique
from .places import country_code, italian_comune
from .textfile import read_rows

IDENTIFIER_FIELDS = ("ror", "wikidata", "grid", "isni", "fundref", "minsalute", "vat")
LIST_FIELDS = ("aliases", "acronyms", "types")  # cells split on "|" or ";"
TEXT_FIELDS = ("id", "name", "city", "province", "country", "website", "address", "postcode", "kind")
NUMBER_FIELDS = ("lat", "lon")
TARGETS = TEXT_FIELDS + LIST_FIELDS + NUMBER_FIELDS + IDENTIFIER_FIELDS


@dataclass
class Mapping:
    name: str
    columns: dict[str, str]  # target field → column header
    defaults: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""

    def problems(self) -> list[str]:
        found = []
        unknown = sorted((set(self.columns) | set(self.defaults)) - set(TARGETS))
        if unknown:
            found.append(f"unknown field(s) {', '.join(unknown)}: use {', '.join(TARGETS)}")
        if "name" not in self.columns:
            found.append("the mapping must say which column holds the name (name=COLUMN)")
        if not self.name:
            found.append("the mapping needs a name (it becomes the source csv:NAME)")
        return found


def mapping_from_options(name: str, pairs: list[str], defaults: list[str] = ()) -> Mapping:
    """`--map name=Denominazione` pairs (and `--set country=IT` constants) as a Mapping."""
    return Mapping(name=name, columns=_pairs(pairs, "--map"), defaults=_pairs(defaults, "--set"))


def mapping_from_yaml(path: Path) -> Mapping:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SourceFileError(f"cannot read the mapping {path.name}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise SourceFileError(f"the mapping {path.name} needs a `columns:` table of field: column")
    return Mapping(
        name=str(data.get("name") or path.stem),
        columns={str(k): str(v) for k, v in data["columns"].items()},
        defaults={str(k): str(v) for k, v in (data.get("defaults") or {}).items()},
        sheet=str(data.get("sheet") or ""),
        encoding=str(data.get("encoding") or ""),
        delimiter=str(data.get("delimiter") or ""),
    )


def _pairs(pairs, option: str) -> dict[str, str]:
    result = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise SourceFileError(f"{option} {pair!r} should read FIELD=COLUMN")
        result[target.strip()] = column.strip()
    return result


def parse(path: str | Path, mapping: Mapping) -> Iterator[Parsed | Rejected]:
    path = Path(path)
    problems = mapping.problems()
    if problems:
        raise SourceFileError("; ".join(problems))
    rows = (
        _xlsx_rows(path, mapping.sheet)
        if path.suffix.lower() in (".xlsx", ".xlsm")
        else read_rows(path, mapping.encoding or None, mapping.delimiter or None)
    )
    index = None
    for line, header, row in rows:
        if index is None:
            index = _column_index(header, mapping, path)
        values = {target: clean(row[i]) if i < len(row) else "" for target, i in index.items()}
        yield row_record(
            line, {**mapping.defaults, **{k: v for k, v in values.items() if v}}, dict(zip(header, row, strict=False))
        )


def _column_index(header: list, mapping: Mapping, path: Path) -> dict[str, int]:
    positions = {clean(h).casefold(): i for i, h in enumerate(header) if h is not None}
    missing = [c for c in mapping.columns.values() if clean(c).casefold() not in positions]
    if missing:
        shown = ", ".join(clean(h) for h in header if h is not None)
        raise SourceFileError(f"{path.name} has no column {', '.join(map(repr, missing))}; its columns are: {shown}")
    return {target: positions[clean(column).casefold()] for target, column in mapping.columns.items()}


def row_record(line: int, values: dict[str, str], raw_row: dict) -> Parsed | Rejected:
    name = values.get("name", "")
    if not name:
        return Rejected(line, "name", f"line {line} has no name")
    raw = {clean(k): _json_cell(v) for k, v in raw_row.items() if k is not None}
    lat, lon = _number(values.get("lat")), _number(values.get("lon"))
    if (values.get("lat") and lat is None) or (values.get("lon") and lon is None):
        return Rejected(line, "lat/lon", f"line {line}: coordinates must be decimal numbers")
    code = country_code(values.get("country", "")) or values.get("country", "").upper()[:2]
    comune = italian_comune(values.get("city", ""), values.get("province", "")) if code in ("IT", "") else None
    record_id = values.get("id") or _derived_id(name, values.get("city", ""))
    identifiers = {s: values[s] for s in IDENTIFIER_FIELDS if values.get(s)}
    return Parsed(
        line,
        record_id,
        values.get("kind") or "organisation",
        raw,
        candidate(
            name=name,
            aliases=_split(values.get("aliases")),
            acronyms=_split(values.get("acronyms")),
            types=[t.lower() for t in _split(values.get("types"))],
            city=values.get("city", ""),
            province=(comune.province if comune else values.get("province", "")).upper(),
            country=code or ("IT" if comune else ""),
            lat=lat if lat is not None else (comune.latitude if comune else None),
            lon=lon if lon is not None else (comune.longitude if comune else None),
            website=values.get("website", ""),
            address=values.get("address", ""),
            postcode=values.get("postcode", ""),
            identifiers=identifiers,
        ),
    )


def _derived_id(name: str, city: str) -> str:
    """A stable id for a row without one: its name and city, case and spacing ignored."""
    from lshub.registry.services.text import normalise

    return "name:" + hashlib.sha1(f"{normalise(name)}|{normalise(city)}".encode()).hexdigest()[:16]


def _split(cell) -> list[str]:
    if not cell:
        return []
    return unique(cell.replace(";", "|").split("|"))


def _number(text):
    if not text:
        return None
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return None


def _json_cell(value):
    """Spreadsheet cells as JSON values: dates and times become ISO text (a date typed in a
    spreadsheet comes back as midnight; it is written as the date)."""
    from datetime import datetime, time

    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _xlsx_rows(path: Path, sheet: str) -> Iterator[tuple[int, list, list]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError) as error:
        raise SourceFileError(f"{path.name} is not a readable XLSX workbook: {error}") from error
    try:
        if sheet and sheet not in book.sheetnames:
            raise SourceFileError(f"{path.name} has no sheet {sheet!r}; its sheets are: {', '.join(book.sheetnames)}")
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise SourceFileError(f"{path.name} is empty: no header row")
        header = [clean(h) if h is not None else None for h in header]
        for line, row in enumerate(rows, start=2):
            cells = ["" if v is None else v for v in row]
            if any(clean(c) for c in cells):
                yield line, header, cells
    finally:
        book.close()
