"""Author affiliations read as a body's name, its place and its country.

PubMed, Scopus and OpenAlex print affiliations as comma-separated parts, from the
smallest unit to the country: "Unit of Immunology, IRCCS Humanitas Research Hospital,
via Manzoni 56, 20089 Rozzano, Milan, Italy". Only the middle names a body of the
registry; the unit before it names a part of that body, and what follows says where it
is. `read` keeps the middle as the name and takes the place and the country from the
tail, so that the comparisons see "IRCCS Humanitas Research Hospital" in Rozzano, Italy.

A name without commas, or whose parts are all names, is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import normalise as norm

# Words that open the name of a part of a body ("Department of Oncology", "Dipartimento
# di Scienze Cliniche", "USC Ematologia" — Italian codes of hospital units, also spelled
# out: "Struttura Complessa di Pediatria").
UNIT_HEADS = frozenset(
    """
    department departments dept dep dipartimento dipartimenti dip division divisione unit units unita
    uo uoc uos uosd usc usd ssd sc sosd laboratory laboratories lab labs section service services
    faculty facolta chair program programme struttura
    """.split()
)
# Words that close it ("Medical Oncology Department", "Epidemiology Unit").
UNIT_TAILS = frozenset("department dept division unit laboratory lab service section program programme".split())
# These are a unit only when they are "of" something: "School of Medicine" and
# "Laboratorio di Farmacologia" are, "Scuola Universitaria Superiore IUSS", "Clinica
# Mangiagalli" and "Laboratori Bouty" are not.
UNIT_OF = frozenset("school scuola clinic clinica graduate laboratorio laboratori servizio cattedra".split())
_OF = frozenset("of di in for per".split())

# Words that open a street address.
STREET_HEADS = frozenset(
    "via viale vle piazza piazzale pza pzza largo corso vicolo strada str localita loc contrada".split()
)
STREET_TAILS = frozenset("street st road rd avenue ave boulevard blvd drive lane way square".split())

# Regions written after the city ("Milan, Lombardy, Italy") say no more than the city.
REGIONS = frozenset(
    """
    lombardia lombardy piemonte piedmont veneto toscana tuscany lazio campania sicilia sicily
    liguria emilia-romagna puglia apulia sardegna sardinia
    """.split()
)

_POSTCODE_PLACE = re.compile(r"^(?:[A-Za-z]{1,2}[- ])?\d{4,5}\s+(\D.*)$")  # "20089 Rozzano", "I-20133 Milano"
_STATE_ZIP = re.compile(r"^[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?$")  # "MA", "MA 02115", "MI"
_HOUSE_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Affiliation:
    name: str
    city: str = ""  # folded, as normalise.city gives it
    country: str = ""  # ISO code where known, as normalise.country gives it


def read(text: str | None, known_city: Callable[[str], bool]) -> Affiliation:
    """The body an affiliation names, with the place and country its tail gives."""
    raw = _without_press_words(norm.clean(text))
    parts = [p.strip() for p in re.split(r"[,;]", raw) if p.strip()]
    if len(parts) < 2:
        name, place = _site_of(raw, known_city)
        return Affiliation(name or raw, place)  # "stabilimento di Lodi" alone stays a name
    parts, city, country = _peel_tail(parts, known_city)
    parts = _peel_units(parts)
    return Affiliation(", ".join(parts), city, country)


# The press writes names after articles and words that say whose or when: "il
# Politecnico", "la bresciana Magis Farmaceutici", "la futura Città della Salute".
# Demonyms of the provinces say where the body is, not what it is called; they are read
# so only after an article ("Lombarda Farmaci" would be a name).
ARTICLES = frozenset("il lo la l i gli le the".split())
PRESS_WORDS = frozenset(
    """
    futuro futura futuri future
    milanese milanesi bresciano bresciana bresciani bresciane bergamasco bergamasca bergamaschi
    bergamasche comasco comasca comaschi comasche cremonese cremonesi lodigiano lodigiana
    lecchese lecchesi mantovano mantovana pavese pavesi varesino varesina varesotto varesotta
    monzese monzesi brianzolo brianzola brianzoli sondriese valtellinese lombardo lombarda
    """.split()
)
_LEADING_WORD = re.compile(r"^\s*(?:([Ll])['’]\s*|([^\W\d_]+)\s+)")


def _without_press_words(text: str) -> str:
    """The name without the article and press words that open it ("lo stabilimento
    Bracco…" -> "stabilimento Bracco…"); a name made only of them stays."""
    rest, after_article = text, False
    while match := _LEADING_WORD.match(rest):
        word = norm.fold(match.group(1) or match.group(2))
        if not (word in ARTICLES or (after_article and word in PRESS_WORDS)):
            break
        if not rest[match.end():].strip():
            break
        rest, after_article = rest[match.end():], True
    return rest


# Words for a site of a body ("stabilimento di Cesano Maderno", "plant in Cassina de'
# Pecchi", "il campus OpenZone di Bresso"): the place after them is where the body is.
# "Sede" is not one: "(sede di Milano)" is a branch, a body of its own.
_SITE = (
    r"(?:stabilimento|stabilimenti|sito produttivo|polo produttivo|sito"
    r"|plant|factory|production site|manufacturing site|site|campus)"
)
_AT = r"(?:di|in|a|at|of|de)"
# "<name> <site> di <place>" or "<site> di <place>", "<site> <name> di <place>", and
# "<name> a <place>" ("la Città della Salute a Sesto San Giovanni").
_SITE_FORMS = (
    re.compile(rf"^(?P<name>.*?)[\s\-–—]*\b{_SITE}\s+{_AT}\s+(?P<place>.+)$", re.I),
    re.compile(rf"^{_SITE}\s+(?P<name>.+?)\s+{_AT}\s+(?P<place>.+)$", re.I),
    re.compile(r"^(?P<name>.+?)\s+a\s+(?P<place>.+)$"),
)


def _site_of(text: str, known_city) -> tuple[str, str]:
    """(name, place) of a name that says where the body is: "stabilimento Bracco di
    Ceriano Laghetto" -> ("Bracco", "ceriano laghetto"). Else (the name, "")."""
    for form in _SITE_FORMS:
        match = form.match(text)
        if not match:
            continue
        place = norm.city(match.group("place"))
        if place and known_city(place):
            return match.group("name").strip(" -–—"), place
    return text, ""


def _peel_tail(parts: list[str], known_city) -> tuple[list[str], str, str]:
    """Drop the country, places, postcodes and streets after the name; keep the place
    nearest to the name (in "Rozzano, Milan" the comune, not its province's city)."""
    city, country = "", ""
    while len(parts) > 1:
        last = parts[-1]
        found_country = norm.country(last) if not country and _is_country(last) else ""
        if found_country:
            country = found_country
        elif place := _place(last, known_city, abroad=country not in ("", "IT")):
            city = place
        elif not _is_street(last) and not _STATE_ZIP.match(last) and norm.fold(last) not in REGIONS:
            break
        parts = parts[:-1]
    return parts, city, country


def _is_country(part: str) -> bool:
    return norm.fold(part) in norm.COUNTRIES


def _place(part: str, known_city, abroad: bool) -> str:
    """The place a part names: a known comune, a postcode and a place, or — after a
    foreign country — a few words that name no kind of body."""
    name, site = _site_of(part, known_city)
    if site and not name:  # "stabilimento di Cesano Maderno", "plant in Cassina de' Pecchi"
        return site
    match = _POSTCODE_PLACE.match(part)
    text = match.group(1) if match else part
    place = norm.city(text)
    if not place or _HOUSE_NUMBER.search(place):
        return ""
    if match or known_city(place):
        return place
    if abroad and len(place.split()) <= 3 and not norm.name(text).kinds and not _is_street(text):
        return place
    return ""


def _is_street(part: str) -> bool:
    words = norm.fold(part).split()
    if not words:
        return False
    if words[0] in STREET_HEADS and len(words) > 1:
        return True
    return words[-1] in STREET_TAILS and bool(_HOUSE_NUMBER.search(part))


def _peel_units(parts: list[str]) -> list[str]:
    """Drop the parts that name a part of the body (department, unit, lab), wherever they
    are written ("University of Milan, Department of Oncology" is common too)."""
    bodies = [p for p in parts if not is_unit(p)]
    return bodies or parts


def is_unit(part: str) -> bool:
    """Whether a part of an affiliation names a unit of a body rather than a body."""
    words = norm.fold(part).split()
    if not words:
        return False
    if words[0] in UNIT_HEADS or words[-1] in UNIT_TAILS:
        return True
    return words[0] in UNIT_OF and len(words) > 2 and words[1] in _OF
