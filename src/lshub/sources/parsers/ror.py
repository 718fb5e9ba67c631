"""ROR data dump: schema v2 (current) and v1 (legacy) records.

Accepts the release zip (one big JSON array inside; the schema-v2 file is preferred when
the archive carries both), a plain JSON array, or a single-record JSON file. Records are
streamed with ijson, so memory stays flat however large the dump is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from .base import Parsed, Rejected, candidate, clean, unique
from .jsonstream import json_items
from .places import italian_comune

ROR_PREFIX = "https://ror.org/"
# ROR v1 spells external id schemes in capitals; v2 in lower case, as the registry does.
V1_SCHEMES = {"GRID": "grid", "ISNI": "isni", "FundRef": "fundref", "Wikidata": "wikidata"}


def parse(path: str | Path) -> Iterator[Parsed | Rejected]:
    """Every record of a ROR file, as organisation candidates, in file order."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = _json_member(archive, path)
            with archive.open(member) as stream:
                yield from _records(json_items(stream, f"{path.name}:{member}"))
    else:
        with path.open("rb") as stream:
            yield from _records(json_items(stream, path.name))


def _json_member(archive: zipfile.ZipFile, path: Path) -> str:
    from .base import SourceFileError

    names = [n for n in archive.namelist() if n.lower().endswith(".json") and not n.startswith("__MACOSX")]
    if not names:
        raise SourceFileError(f"the archive {path.name} holds no JSON file")
    v2 = [n for n in names if "schema_v2" in n]
    return (v2 or names)[0]


def _records(items) -> Iterator[Parsed | Rejected]:
    for number, record in enumerate(items, start=1):
        yield parse_record(number, record)


def parse_record(number: int, record) -> Parsed | Rejected:
    """One ROR record (either schema) as a staged organisation candidate."""
    if not isinstance(record, dict):
        return Rejected(number, "record", "a ROR record must be a JSON object")
    ror_id = clean(record.get("id"))
    if not ror_id:
        return Rejected(number, "id", "the record has no ROR id")
    short_id = ror_id.removeprefix(ROR_PREFIX).strip("/")
    build = _v2 if isinstance(record.get("names"), list) else _v1
    fields = build(record)
    if not fields["name"]:
        return Rejected(number, "name", f"{short_id} has no display name")
    fields["identifiers"] = {"ror": short_id, **fields["identifiers"]}
    comune = italian_comune(fields["city"]) if fields["country"] == "IT" else None
    extra = {
        "status": clean(record.get("status")),
        "established": record.get("established"),
        "relationships": [
            {
                "type": clean(r.get("type")).lower(),
                "id": clean(r.get("id")).removeprefix(ROR_PREFIX),
                "label": clean(r.get("label")),
            }
            for r in record.get("relationships") or []
            if isinstance(r, dict)
        ],
    }
    return Parsed(
        number,
        short_id,
        "organisation",
        record,
        candidate(**{**fields, **extra, **_place(comune)}),
    )


def _place(comune) -> dict:
    """ISTAT spelling and province for Italian cities ("Milan" → "Milano", MI)."""
    return {"city": comune.name, "province": comune.province} if comune else {}


def _v2(record: dict) -> dict:
    names = [n for n in record.get("names") or [] if isinstance(n, dict)]

    def named(kind):
        return [n.get("value") for n in names if kind in (n.get("types") or [])]

    display = unique(named("ror_display"))
    name = display[0] if display else ""
    place = next(
        (loc.get("geonames_details") or {} for loc in record.get("locations") or [] if isinstance(loc, dict)), {}
    )
    links = record.get("links") or []
    return {
        "name": name,
        "aliases": [n for n in unique(named("label") + named("alias")) if n != name],
        "acronyms": unique(named("acronym")),
        "types": unique(t.lower() for t in record.get("types") or []),
        "city": clean(place.get("name")),
        "country": clean(place.get("country_code")).upper(),
        "region": clean(place.get("country_subdivision_name")),
        "lat": place.get("lat"),
        "lon": place.get("lng"),
        "geonames_id": next(
            (loc.get("geonames_id") for loc in record.get("locations") or [] if isinstance(loc, dict)), None
        ),
        "website": next(
            (clean(link.get("value")) for link in links if isinstance(link, dict) and link.get("type") == "website"), ""
        ),
        "identifiers": _external_ids(
            (e.get("type"), e) for e in record.get("external_ids") or [] if isinstance(e, dict)
        ),
        "identifiers_all": _all_ids(
            (e.get("type"), e) for e in record.get("external_ids") or [] if isinstance(e, dict)
        ),
    }


def _v1(record: dict) -> dict:
    name = clean(record.get("name"))
    address = next((a for a in record.get("addresses") or [] if isinstance(a, dict)), {})
    city_info = address.get("geonames_city") or {}
    labels = [label.get("label") for label in record.get("labels") or [] if isinstance(label, dict)]
    external = record.get("external_ids") or {}
    pairs = [(V1_SCHEMES.get(k, k.lower()), v) for k, v in external.items() if isinstance(v, dict)]
    return {
        "name": name,
        "aliases": [n for n in unique(labels + list(record.get("aliases") or [])) if n != name],
        "acronyms": unique(record.get("acronyms") or []),
        "types": unique(t.lower() for t in record.get("types") or []),
        "city": clean(address.get("city") or city_info.get("city")),
        "country": clean((record.get("country") or {}).get("country_code")).upper(),
        "region": clean((city_info.get("geonames_admin1") or {}).get("name")),
        "lat": address.get("lat"),
        "lon": address.get("lng"),
        "geonames_id": city_info.get("id"),
        "website": next((clean(link) for link in record.get("links") or [] if link), ""),
        "identifiers": _external_ids(pairs),
        "identifiers_all": _all_ids(pairs),
    }


def _values(entry: dict) -> list[str]:
    """All values of an external id entry; v1 sometimes gives `all` as a bare string."""
    found = entry.get("all")
    values = [found] if isinstance(found, str) else list(found or [])
    return unique([entry.get("preferred"), *values])


def _external_ids(pairs) -> dict[str, str]:
    """One value per scheme: the preferred one, else the first."""
    return {scheme: values[0] for scheme, entry in pairs if scheme and (values := _values(entry))}


def _all_ids(pairs) -> dict[str, list[str]]:
    return {scheme: values for scheme, entry in pairs if scheme and (values := _values(entry))}
