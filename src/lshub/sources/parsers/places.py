"""Places as sources write them: English exonyms, country names, Italian comuni.

Pure lookups over the ISTAT and GeoNames lists bundled with the registry's geo service;
no database.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lshub.registry.services import geo

BRACKETED = re.compile(r"^\s*(?P<city>.*?)\s*\((?P<hint>[A-Za-z]{2})\)\s*$")

# GeoNames and ClinicalTrials.gov name big Italian cities in English.
EXONYMS = {
    "milan": "Milano",
    "rome": "Roma",
    "turin": "Torino",
    "naples": "Napoli",
    "florence": "Firenze",
    "venice": "Venezia",
    "genoa": "Genova",
    "padua": "Padova",
    "mantua": "Mantova",
    "syracuse": "Siracusa",
    "leghorn": "Livorno",
    "reggio emilia": "Reggio nell'Emilia",
    "reggio calabria": "Reggio di Calabria",
    "san giovanni rotondo": "San Giovanni Rotondo",
}

# Country names as registries spell them → ISO 3166-1 alpha-2. Names not listed keep an
# empty code and their written name in the candidate's `country_name`.
COUNTRIES = {
    "italy": "IT",
    "italia": "IT",
    "france": "FR",
    "germany": "DE",
    "spain": "ES",
    "portugal": "PT",
    "switzerland": "CH",
    "austria": "AT",
    "belgium": "BE",
    "netherlands": "NL",
    "luxembourg": "LU",
    "united kingdom": "GB",
    "ireland": "IE",
    "denmark": "DK",
    "sweden": "SE",
    "norway": "NO",
    "finland": "FI",
    "iceland": "IS",
    "poland": "PL",
    "czechia": "CZ",
    "czech republic": "CZ",
    "slovakia": "SK",
    "hungary": "HU",
    "slovenia": "SI",
    "croatia": "HR",
    "romania": "RO",
    "bulgaria": "BG",
    "greece": "GR",
    "cyprus": "CY",
    "malta": "MT",
    "estonia": "EE",
    "latvia": "LV",
    "lithuania": "LT",
    "serbia": "RS",
    "turkey": "TR",
    "türkiye": "TR",
    "russian federation": "RU",
    "russia": "RU",
    "ukraine": "UA",
    "israel": "IL",
    "united states": "US",
    "canada": "CA",
    "mexico": "MX",
    "brazil": "BR",
    "argentina": "AR",
    "chile": "CL",
    "colombia": "CO",
    "peru": "PE",
    "australia": "AU",
    "new zealand": "NZ",
    "japan": "JP",
    "china": "CN",
    "korea, republic of": "KR",
    "south korea": "KR",
    "taiwan": "TW",
    "hong kong": "HK",
    "singapore": "SG",
    "india": "IN",
    "south africa": "ZA",
    "egypt": "EG",
    "saudi arabia": "SA",
    "united arab emirates": "AE",
    "iran, islamic republic of": "IR",
    "san marino": "SM",
    "holy see (vatican city state)": "VA",
    "monaco": "MC",
}


def country_code(name: str) -> str:
    """ISO code for a country name or code as written; empty when unknown."""
    text = (name or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRIES.get(geo.fold(text), "")


@lru_cache(maxsize=8192)  # a dump names the same few thousand cities again and again
def italian_comune(city: str, hint: str = "") -> geo.Comune | None:
    """The Italian comune a city name denotes, or None when unknown or ambiguous.

    `hint` is whatever the source adds (a province sigla such as "MI", or a region name);
    a sigla in brackets after the city ("Meldola (FC)") is used the same way.
    """
    match = BRACKETED.match(city or "")
    if match:
        city, hint = match["city"], hint or match["hint"]
    if not city:
        return None
    name = EXONYMS.get(geo.fold(city), city)
    hint = (hint or "").strip()
    province = hint.upper() if len(hint) == 2 and hint.isalpha() else ""
    try:
        return geo.find_comune(name, province)
    except geo.UnknownComune:
        pass
    if hint and not province:  # a region name can settle a shared comune name
        region = geo.fold(hint)
        found = [c for c in geo.comuni_named(name) if geo.fold(c.region) == region]
        if len(found) == 1:
            return found[0]
    return None
