"""Rows to compare: the registry's organisations and the candidates, one row per name form.

A record (an organisation, or a candidate from a source) has several names: its official
name, short name, translations, aliases, and the parts of a composite name. Each becomes
one row as written and, when the words of the record's city (or of a place the name ends
with) appear in it, one more row without them, so that "IRCCS Istituto Nazionale Tumori
Milano" in Milano also compares equal to "Istituto Nazionale Tumori", whether the city is
written in the name or given apart.
The model compares rows; the resolver keeps, for each record pair, the best row pair.

Rows are plain dicts with list-valued columns, ready for a DataFrame in any backend.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from lshub.registry.services import geo

from . import affiliation
from . import normalise as norm

# Registry types, and the types sources use (ROR's in particular), as kinds of body.
TYPE_KINDS = {
    "irccs": {"hospital"},
    "hospital": {"hospital"},
    "health_authority": {"health_authority"},
    "university": {"university"},
    "company": {"company"},
    "foundation": {"foundation"},
    "association": {"association"},
    "cluster": {"association"},
    "public_body": {"public"},
    "research_centre": set(),
    # ROR types
    "education": {"university"},
    "healthcare": {"hospital"},
    "government": {"public"},
}

COLUMNS = (
    "unique_id",
    "record_id",
    "variant",
    "key",
    "core",
    "core_key",
    "strong",
    "strong_key",
    "acronyms",
    "kinds",
    "not_kinds",
    "cities",
    "provinces",
    "regions",
    "country",
    "domain",
    "blocking",
    "form",
)


@lru_cache(maxsize=4096)
def comune(place: str) -> geo.Comune | None:
    """The Italian comune of this (folded) name, or None when unknown or ambiguous."""
    try:
        return geo.find_comune(place)
    except geo.UnknownComune:
        return None


def is_city(place: str) -> bool:
    return place in norm.EXONYMS.values() or comune(place) is not None


def _or_none(values: Iterable[str]) -> list[str] | None:
    """Sorted distinct values, or None: the model reads a missing list as 'unknown'."""
    found = sorted({v for v in values if v})
    return found or None


def _words_of(places: Iterable[str]) -> set[str]:
    return set().union(*(norm.city_words(place) for place in places if place))


def name_rows(record_id: str, names: Iterable[str], context: dict, hints: Iterable[str] = ()) -> list[dict]:
    """One row per distinct name form of a record; `context` holds the record-level columns.

    `hints` are places the names may end with (not known to be the record's city): the
    names are also read without them.
    """
    rows, seen = [], set()
    own = _words_of(context["cities"] or [])
    strip = own | _words_of(hints)
    forms = []
    for text in names:
        found = norm.variants(text)
        if not found:  # punctuation only, or nothing at all
            continue
        whole, *parts = found
        forms.append(("whole", whole))
        forms += _part_forms(parts, own)
    # Whole names first: when a part of one name equals another name, it is that name.
    forms.sort(key=lambda item: item[0] != "whole")
    for form, variant in forms:
        for index, parsed in enumerate(_with_and_without(variant, strip)):
            if index:
                form = "without place"
            if parsed.is_empty or parsed.key in seen:
                continue
            seen.add(parsed.key)
            rows.append(
                {
                    "unique_id": f"{record_id}:{len(rows)}",
                    "record_id": record_id,
                    "variant": parsed.raw,
                    "key": order_free_key(parsed),
                    "core": list(parsed.core),
                    "core_key": " ".join(parsed.core),
                    "strong": list(parsed.strong) or None,
                    "strong_key": " ".join(parsed.strong) or None,
                    **context,
                    "blocking": blocking_tokens(parsed, strip),
                    "form": form,
                }
            )
    return rows


def _names_something(parsed: norm.Name, own_city: set[str]) -> bool:
    """Whether a part of a name names a body by itself.

    "ASST di Lecco" does (a kind of body and a place); "(sede di Milano)" and "University"
    do not.
    """
    distinctive = set(parsed.strong) - norm.KIND_TOKENS
    return bool(distinctive - own_city) or bool(parsed.kinds and distinctive)


# A part made of one of these words and a place names a site of the body the other parts
# name ("Maugeri IRCCS, Institute of Montescano"), not a unit of it ("INFN, Sezione di
# Pavia", "(sede di Milano)"): the other parts still name the body.
SITE_WORDS = frozenset(norm.canonical(w) for w in "istituto institute ospedale hospital presidio stabilimento".split())


def _only_qualifies(parsed: norm.Name, own_city: set[str]) -> bool:
    """Whether a part only qualifies the others: a kind of body alone ("IRCCS"), or a site
    of the body in its own place ("Institute of Montescano")."""
    distinctive = set(parsed.strong) - norm.KIND_TOKENS
    if not distinctive:
        return True
    words = parsed.key.split()
    return bool(own_city) and words[0] in SITE_WORDS and distinctive <= own_city


def _part_forms(parts: list[str], own_city: set[str]) -> list[tuple[str, str]]:
    """The parts of a composite name to read as names of the record.

    "INFN, Sezione di Pavia", "CNR - Istituto di Neuroscienze (sede di Milano)": when a
    part only says where, the other parts name the parent body, not this one. A part that
    only qualifies the others (a kind, a site) is left out without that veto."""
    parsed = {p: norm.name(p) for p in parts}
    kept = [p for p in parts if not _only_qualifies(parsed[p], own_city)]
    if all(_names_something(parsed[p], own_city) for p in kept):
        return [("part", p) for p in kept]
    return []


def _with_and_without(text: str, place_words: set[str]) -> list[norm.Name]:
    """The name as written, and without the words of its place.

    "Istituto Nazionale Tumori Milano" in Milano is also "Istituto Nazionale Tumori";
    "University of Pavia" with no city given keeps its Pavia, and meets the registry's
    "Università degli Studi di Pavia" as written.
    """
    parsed = norm.name(text)
    if not place_words & set(parsed.key.split()):
        return [parsed]
    stripped = norm.without_words(parsed, place_words)
    # "Politecnico di Milano" without Milano says only what kind of body it is.
    if not set(stripped.strong) - norm.KIND_TOKENS:
        return [parsed]
    return [parsed, stripped]


def order_free_key(parsed: norm.Name) -> str:
    """The name's words in the order of no language: "Fondazione Cariplo" = "Cariplo Foundation"."""
    return " ".join(sorted(parsed.key.split()))


def blocking_tokens(parsed: norm.Name, place_words: set[str]) -> list[str] | None:
    """The words pairs are blocked on: distinctive words, the record's place left out.

    With the city in, every Milan candidate would be compared with every Milan row of the
    registry; without it, only with the rows sharing a word of the name.
    """
    words = list(parsed.strong or parsed.core)
    return [t for t in words if t not in place_words] or words or None


def _context(acronyms, kinds, cities, provinces, regions, country, domain) -> dict:
    kinds = frozenset(kinds)
    return {
        "acronyms": _or_none(acronyms),
        "kinds": _or_none(kinds),
        "not_kinds": _or_none(norm.excluded_kinds(kinds)),
        "cities": _or_none(cities),
        "provinces": _or_none(provinces),
        "regions": _or_none(regions),
        "country": country or None,
        "domain": domain or None,
    }


def _names_kinds_acronyms(names: list[str]) -> tuple[set[str], set[str]]:
    kinds, acronyms = set(), set()
    for text in names:
        parsed = norm.name(text)
        kinds |= parsed.kinds
        acronyms |= parsed.acronyms
    return kinds, acronyms


def organisation_names(org) -> list[str]:
    """Every name the registry knows for an organisation (aliases must be prefetched)."""
    names = [org.name, org.short_name, org.name_en, org.name_it]
    names += [alias.name for alias in org.aliases.all()]
    return [n for n in dict.fromkeys(names) if n and n.strip()]


def organisation_rows(org) -> list[dict]:
    """The rows of one registry organisation (aliases and sites prefetched)."""
    names = organisation_names(org)
    kinds, acronyms = _names_kinds_acronyms(names)
    kinds |= TYPE_KINDS.get(org.type, set())
    acronyms |= {
        alias.name.upper() for alias in org.aliases.all() if alias.kind == "acronym" and len(alias.name) <= 10
    }
    if org.short_name and norm.acronyms_in(org.short_name) == {org.short_name.strip()}:
        acronyms.add(org.short_name.strip())
    acronyms = {a for a in acronyms if len(a) >= 3}
    sites = list(org.sites.all())
    context = _context(
        acronyms=acronyms,
        kinds=kinds,
        cities=[norm.city(site.comune) for site in sites],
        provinces=[site.province for site in sites],
        regions=[site.nuts2 for site in sites],
        country="IT",
        domain=norm.domain(org.website),
    )
    return name_rows(f"o{org.pk}", names, context)


def registry_rows(organisations) -> list[dict]:
    """Every organisation's rows, less the derived forms that are another's whole name.

    "Human Technopole - Centre for Genomics" has the part "Human Technopole", which is
    the whole name of another organisation: that part names the other one, not this.
    Likewise "Bracco Cesano" without its place is "Bracco", which is another's name.
    """
    rows = []
    for org in organisations.prefetch_related("aliases", "sites"):
        rows.extend(organisation_rows(org))
    owners: dict[str, set[str]] = {}
    for row in rows:
        if row["form"] == "whole":
            owners.setdefault(row["core_key"], set()).add(row["record_id"])
    return [
        row
        for row in rows
        if row["form"] == "whole" or not owners.get(row["core_key"], set()) - {row["record_id"]}
    ]


def candidate_place(candidate: dict) -> tuple[str, str, str, str]:
    """(name, city, country, hint) of a candidate.

    The name is read as an affiliation: a department before the body and the address
    after it are dropped ("Unit of Immunology, IRCCS Humanitas Research Hospital, via
    Manzoni 56, 20089 Rozzano, Milan, Italy"). The stated city and country win over the
    ones the name's tail gives. The hint is the place the name may end with ("INT
    Milano"), only a hint.
    """
    read = affiliation.read(complete_cut_name(norm.clean(candidate.get("name"))), is_city)
    place = norm.city(candidate.get("city")) or read.city or _place_after_dash(read.name)
    country = norm.country(candidate.get("country")) or read.country or norm.legal_country(read.name)
    hint = "" if place else norm.trailing_place(read.name, is_city)
    return read.name, place, country, hint


# "IRCCS S.GIOVANNI DI DIO-FBF- BRESCIA", "Ospedale Maggiore - Crema": a comune set apart
# by a dash at the end says where the body is, as a last comma-separated part does.
_DASHED_TAIL = re.compile(r"[-–—]\s*([^-–—,()]+)$")


def _place_after_dash(name: str) -> str:
    match = _DASHED_TAIL.search(name)
    if not match:
        return ""
    place = norm.city(match.group(1))
    return place if place and is_city(place) else ""


def _without_trailing_place(text: str, place: str) -> str:
    """The name without the place it ends with: "… Advanced Studies IUSS Pavia" ends with
    its acronym once "Pavia" is read as its place."""
    words = text.split()
    size = len(place.split())
    if place and len(words) > size and norm.city(" ".join(words[-size:])) == place:
        return " ".join(words[:-size])
    return text


def candidate_rows(record_id: str, candidate: dict) -> list[dict]:
    """The rows of one candidate (the shape sources stage: name, aliases, city, …)."""
    name, place, country, hint = candidate_place(candidate)
    names = [name] + [norm.clean(a) for a in candidate.get("aliases") or []]
    kinds, acronyms = _names_kinds_acronyms(names)
    acronyms |= norm.acronyms_in(_without_trailing_place(name, place or hint))
    for kind in candidate.get("types") or []:
        kinds |= TYPE_KINDS.get(str(kind).lower(), set())
    acronyms |= {norm.clean(a).upper() for a in candidate.get("acronyms") or [] if a and 3 <= len(a) <= 10}
    province = norm.clean(candidate.get("province")).upper()[:2]
    region = ""
    if place and country in ("", "IT"):
        found = comune(place)
        if found and (not province or province == found.province):
            province, region = found.province, found.nuts2
    context = _context(
        acronyms=acronyms,
        kinds=kinds,
        cities=[place],
        provinces=[province],
        regions=[region],
        country=country,
        domain=norm.domain(candidate.get("website")),
    )
    # Acronyms the source states are names too; those only spotted in the text are not
    # ("… di IFOM - …" is not IFOM).
    stated = [norm.clean(a) for a in candidate.get("acronyms") or [] if a]
    return name_rows(record_id, names + stated, context, hints=[hint])


# Field widths at which files cut names: the Ministry of Health's lists cut the name of
# an azienda at 40 characters ("ASST GRANDE OSPEDALE METROPOLITANO NIGUA").
CUT_WIDTHS = frozenset({40})


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """The words of the names the hub ships with (registry and aliases), and the spellings
    `normalise` reads: what a cut last word is written out against."""
    words: set[str] = set()
    for filename, columns in (("organisations.csv", ("name", "short_name", "name_en", "name_it")), ("aliases.csv", ("name",))):
        with resources.files("lshub.data").joinpath(filename).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in columns:
                    words.update(norm.fold_words(norm.clean(row.get(column))).split())
    return frozenset(w for w in words if len(w) > 2 and w.isalpha()) | norm.SPELLINGS


def complete_cut_name(text: str) -> str:
    """A name as long as a field that cuts names, with its cut last word written out:
    "FONDAZ.IRCCS CA' GRANDA - OSPEDALE MAGGI" -> "… OSPEDALE MAGGIORE". A last word that is
    whole, or that begins words of different meanings, stays."""
    if len(text) not in CUT_WIDTHS or not text[-1:].isalpha():
        return text
    head, _, last = text.rpartition(" ")
    word = norm.fold(last)
    if not head or not word.isalpha() or comune(word) is not None:
        return text
    whole = norm.complete(word, known_words())
    if whole == word:
        return text
    # Written in the case of the rest: an all-capitals name keeps saying nothing of acronyms.
    return f"{head} {whole.upper() if last.isupper() else whole}"
