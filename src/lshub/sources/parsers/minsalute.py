"""Italian Ministry of Health open-data lists (dati.salute.gov.it): semicolon-separated,
Italian headers, Latin-1 or UTF-8, 3-digit region codes (Lombardia = 030).

A file is recognised by its header. Each layout says which columns name the organisation:
- `aziende`: the register of local health authorities (ASL, ATS…), one row per year;
- `strutture`: lists of facilities (hospitals…) with a CODICE/DENOMINAZIONE STRUTTURA;
- `dsm`, `serd`: statistics by mental-health department or addiction service, whose rows
  name the facility they count.
Register rows repeat over the years, and statistics rows repeat per measure: the parser keeps
one record per code (the newest year), holding one row per code in memory — bounded by the
number of facilities, not by the size of the file.

The Ministry code is the region code followed by the azienda code ("030321"); a facility's
record id adds its own code after a slash ("030321/S22").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import Parsed, Rejected, SourceFileError, candidate, clean
from .places import italian_comune
from .textfile import read_rows


@dataclass(frozen=True)
class Layout:
    name: str
    kind: str
    code: tuple[str, ...]  # header names, in order, whose values make the code
    name_column: str
    year: str = ""
    extra: tuple[str, ...] = ()  # further identifying columns kept in raw


# Header names are compared upper-cased and stripped (the originals have trailing spaces).
LAYOUTS = [
    Layout(
        "aziende",
        "organisation",
        ("CODICE REGIONE", "CODICE AZIENDA"),
        "DENOMINAZIONE AZIENDA",
        "ANNO",
        (
            "DENOMINAZIONE REGIONE",
            "INDIRIZZO",
            "CAP",
            "COMUNE",
            "SIGLA PROVINCIA",
            "TELEFONO",
            "FAX",
            "E-MAIL",
            "SITO WEB",
            "PARTITA IVA",
        ),
    ),
    Layout(
        "strutture",
        "facility",
        ("CODICE REGIONE", "CODICE AZIENDA", "CODICE STRUTTURA"),
        "DENOMINAZIONE STRUTTURA",
        "ANNO",
        (
            "DESCRIZIONE REGIONE",
            "DENOMINAZIONE REGIONE",
            "TIPO AZIENDA",
            "INDIRIZZO",
            "CAP",
            "COMUNE",
            "SIGLA PROVINCIA",
            "DESCRIZIONE TIPO STRUTTURA",
            "PARTITA IVA",
            "SITO WEB",
        ),
    ),
    Layout(
        "dsm",
        "facility",
        ("CODICE REGIONE", "CODICE ASL", "COD DSM"),
        "DSM",
        "ANNO",
        ("DESCRIZIONE REGIONE", "ASL"),
    ),
    Layout(
        "serd",
        "facility",
        ("CODICE REGIONE", "CODICE AZIENDA", "CODICE SERD"),
        "DENOMINAZIONE SERD",
        "ANNO DI RIFERIMENTO",
        ("DENOMINAZIONE REGIONE", "DENOMINAZIONE AZIENDA"),
    ),
]
PARENT_NAME = ("DENOMINAZIONE AZIENDA", "ASL")


def key(header: str) -> str:
    return " ".join(header.upper().split())


def layout_for(header: list[str]) -> Layout:
    names = {key(h) for h in header}
    # The most specific layout first: a facility list also carries the azienda columns.
    for layout in sorted(LAYOUTS, key=lambda candidate: -len(candidate.code)):
        if set(layout.code) | {layout.name_column} <= names:
            return layout
    known = "; ".join(f"{one.name}: {', '.join(one.code + (one.name_column,))}" for one in LAYOUTS)
    raise SourceFileError(
        "this is not a Ministry of Health list lshub knows (columns found: "
        f"{', '.join(h.strip() for h in header[:8])}…). Known layouts — {known}. "
        "For any other table use `lshub ingest orgs-csv` with a column mapping."
    )


def parse(path: str | Path, encoding: str | None = None) -> Iterator[Parsed | Rejected]:
    """One record per code, newest year first wins; bad rows are reported by line."""
    path = Path(path)
    layout, kept, rejected = None, {}, []
    for line, header, row in read_rows(path, encoding, delimiter=";"):
        if layout is None:
            layout = layout_for(header)
            columns = {key(h): i for i, h in enumerate(header)}
        record = {name: clean(row[i]) if i < len(row) else "" for name, i in columns.items() if name}
        parts = [record.get(c, "") for c in layout.code]
        if not all(parts):
            missing = layout.code[parts.index("")]
            rejected.append(
                Rejected(line, missing, f"line {line} has an empty {missing.lower()}: it names no {layout.kind}")
            )
            continue
        if not record.get(layout.name_column):
            rejected.append(Rejected(line, layout.name_column, f"line {line} has no {layout.name_column.lower()}"))
            continue
        code = parts[0] + parts[1] + "".join(f"/{p}" for p in parts[2:])
        year = record.get(layout.year, "")
        if code not in kept or year >= kept[code][1]:
            kept[code] = (line, year, record, kept.get(code, (0, "", {}, set()))[3] | {year})
    if layout is None:
        raise SourceFileError(f"{path.name} has a header but no data rows")
    yield from sorted(rejected, key=lambda r: r.number)
    for code, (line, _year, record, years) in sorted(kept.items(), key=lambda item: item[1][0]):
        yield _record(layout, code, line, record, sorted(y for y in years if y))


def _record(layout: Layout, code: str, line: int, record: dict, years: list[str]) -> Parsed:
    keep = (*layout.code, layout.name_column, layout.year, *layout.extra)
    raw = {"layout": layout.name, "years": years, **{c: record[c] for c in keep if c in record}}
    city, province = record.get("COMUNE", "").title(), record.get("SIGLA PROVINCIA", "")
    comune = italian_comune(city, province) if city else None
    identifiers = {"minsalute": code}
    vat = record.get("PARTITA IVA", "").replace(" ", "")
    if vat.isdigit() and len(vat) in (10, 11):
        identifiers["vat"] = vat.zfill(11)  # spreadsheets drop the leading zero
    parent = code.split("/")[0] if "/" in code else ""
    return Parsed(
        line,
        code,
        layout.kind,
        raw,
        candidate(
            name=record[layout.name_column],
            types=["healthcare"],
            city=comune.name if comune else city,
            province=comune.province if comune else province,
            country="IT",
            lat=comune.latitude if comune else None,
            lon=comune.longitude if comune else None,
            address=record.get("INDIRIZZO", ""),
            postcode=record.get("CAP", ""),
            website=_website(record.get("SITO WEB", "")),
            email=record.get("E-MAIL", ""),
            identifiers=identifiers,
            parent={"minsalute": parent, "name": next((record[c] for c in PARENT_NAME if record.get(c)), "")}
            if parent
            else {},
        ),
    )


def _website(text: str) -> str:
    text = text.strip()
    if text and not text.lower().startswith(("http://", "https://")):
        return "https://" + text
    return text
