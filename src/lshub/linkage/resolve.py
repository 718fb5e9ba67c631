"""The resolver: which registry organisation, if any, does each candidate denote?

Order of evidence:
1. exact identifiers (ROR, VAT, Ministry of Health code, and the other schemes the
   registry keeps) — a shared identifier links outright;
2. the probabilistic model over names, acronyms, places, kinds and websites (model.py).

Decision per candidate, on the best organisation's probability p:
- link   when p >= LINK_THRESHOLD and the runner-up is clearly less likely;
- review when p >= REVIEW_THRESHOLD, or when two organisations are close;
- none   otherwise (the caller may then create a new organisation, see linking.py).
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from lshub.registry.models import Alias, Identifier, Organisation, Relation, Site

from . import features, model, warm
from . import normalise as norm

LINK, REVIEW, NONE = "link", "review", "none"

# Identifier schemes that name one organisation each, strongest first.
IDENTIFIER_SCHEMES = ("ror", "vat", "minsalute", "wikidata", "grid", "isni", "fundref")

MAX_NAME_CHARS = 1000


class InvalidCandidate(ValueError):
    """A record to resolve is unusable: no name, a name far too long, not text."""


@dataclass
class Match:
    organisation_id: int
    probability: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Resolution:
    candidate: dict
    decision: str = NONE
    best: Match | None = None
    runner_up: Match | None = None
    method: str = "model"

    @property
    def probability(self) -> float:
        return self.best.probability if self.best else 0.0

    @property
    def organisation_id(self) -> int | None:
        return self.best.organisation_id if self.best else None

    @property
    def linked_id(self) -> int | None:
        return self.organisation_id if self.decision == LINK else None


# ---------------------------------------------------------------------------------------
# Identifiers

_ROR = re.compile(r"(?:https?://)?(?:www\.)?ror\.org/", re.I)


def identifier_value(scheme: str, value) -> str:
    """An identifier as the registry stores it: ROR without its URL, VAT without 'IT'."""
    text = str(value or "").strip()
    if scheme == "ror":
        return _ROR.sub("", text).lower()
    if scheme == "vat":
        text = re.sub(r"[\s.]", "", text).upper()
        return text[2:] if text.startswith("IT") and len(text) == 13 else text
    if scheme == "wikidata":
        return text.rsplit("/", 1)[-1].upper()
    return text


def identifier_index() -> dict[tuple[str, str], int]:
    """(scheme, value in lower case) -> organisation id, for every identifier the registry has."""
    rows = Identifier.objects.filter(scheme__in=IDENTIFIER_SCHEMES).values_list("scheme", "value", "organisation_id")
    return {(scheme, value.lower()): org_id for scheme, value, org_id in rows}


def by_identifier(candidate: dict, index: dict) -> tuple[int | None, list[str], set[int]]:
    """(organisation id, reasons, every organisation the identifiers point at)."""
    identifiers = candidate.get("identifiers") or {}
    if not isinstance(identifiers, dict):
        return None, [], set()
    found: dict[int, list[str]] = {}
    for scheme, value in identifiers.items():
        if scheme not in IDENTIFIER_SCHEMES or not value or not isinstance(value, (str, int)):
            continue
        value = identifier_value(scheme, value)
        org_id = index.get((scheme, value.lower()))
        if org_id is not None:
            found.setdefault(org_id, []).append(_("same %(scheme)s identifier %(value)s") % {"scheme": scheme.upper(), "value": value})
    if len(found) == 1:
        org_id, reasons = next(iter(found.items()))
        return org_id, reasons, set(found)
    return None, [r for reasons in found.values() for r in reasons], set(found)


# ---------------------------------------------------------------------------------------
# The registry, as rows, kept while it does not change


@dataclass
class _Snapshot:
    """The registry's rows at one fingerprint, and the warm scorer over them (built on
    first use: batch runs on Spark never need it)."""

    key: tuple
    rows: list[dict]
    organisations: int
    units: Units
    _scorer: warm.WarmScorer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def scorer(self) -> warm.WarmScorer:
        with self._lock:
            if self._scorer is None:
                self._scorer = warm.WarmScorer(self.rows, self.organisations)
            return self._scorer


_current: _Snapshot | None = None
_current_lock = threading.Lock()


def _fingerprint() -> tuple:
    """Changes whenever a name or place the model reads may have changed.

    Counts and highest ids see additions and deletions; the organisations' update times
    and the last history rows of aliases and sites see edits made through the models."""
    orgs = Organisation.objects.aggregate(n=Count("id"), top=Max("id"), last=Max("updated"))
    aliases = Alias.objects.aggregate(n=Count("id"), top=Max("id"))
    sites = Site.objects.aggregate(n=Count("id"), top=Max("id"))
    relations = Relation.objects.aggregate(n=Count("id"), top=Max("id"))
    edits = (
        Alias.history.aggregate(last=Max("history_id"))["last"],
        Site.history.aggregate(last=Max("history_id"))["last"],
        Relation.history.aggregate(last=Max("history_id"))["last"],
    )
    return (
        orgs["n"], orgs["top"], orgs["last"], aliases["n"], aliases["top"], sites["n"], sites["top"],
        relations["n"], relations["top"], *edits,
    )  # fmt: skip


def _snapshot() -> _Snapshot:
    """The registry as it is now: the one kept if nothing changed since, else a new one.

    Threads of a server share it; one that is replaced stays usable by calls still
    running on it."""
    global _current
    key = _fingerprint()
    with _current_lock:
        if _current is None or _current.key != key:
            rows = features.registry_rows(Organisation.objects.all())
            _current = _Snapshot(key, rows, key[0], Units.of(rows))
        return _current


def warm_up() -> None:
    """Prepare the warm scorer now, so that the first request does not wait for it."""
    if Organisation.objects.exists():
        _snapshot().scorer()


def registry() -> tuple[list[dict], int]:
    """The registry's rows and its number of organisations, rebuilt when it changed."""
    snapshot = _snapshot()
    # Rows are copied: the model adds nothing to them, but callers may.
    return [dict(row) for row in snapshot.rows], snapshot.organisations


def score(
    rows: list[dict], backend: str = "duckdb", warm_path: bool = True, snapshot: _Snapshot | None = None
) -> list[dict]:
    """Candidate rows scored against the registry (see model.score for what a pair says).

    On DuckDB, a batch that fits is scored by the warm scorer kept for the registry; a
    larger one, Spark, or `warm_path=False` build a linker for this batch alone. Both give
    the same pairs and probabilities. `snapshot` is the registry to score against (taken
    now when not given)."""
    snapshot = snapshot or _snapshot()
    if backend == "duckdb" and warm_path and warm.fits(len(rows), len(snapshot.rows)):
        return snapshot.scorer().score(rows)
    return model.score(rows, snapshot.rows, snapshot.organisations, backend)


# ---------------------------------------------------------------------------------------
# Parts of bodies: a centre of an institute, a plant of a company, a unit hosted by a
# hospital. A string naming both ("Centre for Structural Biology, Human Technopole")
# scores both well; the answer is the part when the string names it, else the body.

# Relations that make one organisation a part of another, or hosted by it.
PART_KINDS = ("part_of", "affiliated_with")


@dataclass(frozen=True)
class Said:
    """What a candidate's string says: its words (canonical) and its place."""

    words: frozenset[str]
    cities: frozenset[str]


def _what_is_said(rows: list[dict]) -> Said:
    words = {word for row in rows for word in row["key"].split()}
    cities = {city for row in rows for city in row["cities"] or ()}
    return Said(frozenset(words), frozenset(cities))


@dataclass
class Units:
    """Which organisation is a part of which, and the words and places that tell them apart."""

    parents: dict[int, set[int]] = field(default_factory=dict)
    children: dict[int, set[int]] = field(default_factory=dict)
    words: dict[int, set[str]] = field(default_factory=dict)
    names: dict[int, list[frozenset[str]]] = field(default_factory=dict)
    cities: dict[int, set[str]] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: list[dict]) -> Units:
        """The registry's parts and parents, read with the registry's rows."""
        units = cls()
        for row in rows:
            org = int(row["record_id"][1:])
            units.words.setdefault(org, set()).update(row["key"].split())
            units.names.setdefault(org, []).append(frozenset(row["strong"] or ()))
            units.cities.setdefault(org, set()).update(row["cities"] or ())
            if row["form"] == "whole":
                units.titles.setdefault(org, row["variant"])
        pairs = Relation.objects.filter(kind__in=PART_KINDS).values_list("subject_id", "object_id")
        for part, body in pairs:
            units.parents.setdefault(part, set()).add(body)
            units.children.setdefault(body, set()).add(part)
        return units

    def named(self, part: int, body: int, said: Said) -> frozenset[str]:
        """The words by which the string names `part` beyond its `body`: a name's words the
        body's names lack ("structural biology"), or a place of the part that is not the
        body's ("Cesano Maderno"). Empty when the string names the body only."""
        known = self.words.get(body, set())
        for strong in self.names.get(part, ()):
            own = strong - known
            if own and own <= said.words:
                return frozenset(own)
        for place in self.cities.get(part, set()) - self.cities.get(body, set()):
            if place in said.cities or norm.city_words(place) <= said.words:
                return frozenset({place})
        return frozenset()

    def choose(self, top: int, ranked: list[tuple[int, dict]], said: Said) -> int:
        """The organisation the string names among the best one, its parents and parts."""
        scored = [org for org, _pair in ranked]
        chosen = top
        parents = [org for org in scored if org in self.parents.get(top, ())]
        if parents and not any(self.named(top, body, said) for body in parents):
            chosen = parents[0]  # a part named only by its body's words is the body
        for _depth in range(3):
            parts = [part for part in self.children.get(chosen, ()) if self.named(part, chosen, said)]
            if not parts:
                break
            # Of two parts named, the one the model found likelier; neither scored: a person must look.
            parts.sort(key=lambda org: scored.index(org) if org in scored else len(scored))
            if len(parts) > 1 and parts[0] not in scored:
                break
            chosen = parts[0]
        return chosen

    def kin(self, org: int) -> set[int]:
        """The organisation's parents and parts, at any depth (not itself, not siblings)."""
        found: set[int] = set()
        for links in (self.parents, self.children):
            stack = list(links.get(org, ()))
            while stack:
                other = stack.pop()
                if other not in found and other != org:
                    found.add(other)
                    stack.extend(links.get(other, ()))
        return found

    def reasons(self, chosen: int, scored: int) -> list[str]:
        if chosen == scored:
            return []
        names = {"part": self.titles.get(chosen, chosen), "body": self.titles.get(scored, scored)}
        return [_("the string names %(part)s, related to %(body)s") % names]


# ---------------------------------------------------------------------------------------
# Resolution


def check(candidate: dict, where: str = "") -> dict:
    """The candidate if usable, else InvalidCandidate saying why (and where)."""
    prefix = f"{where}: " if where else ""
    if not isinstance(candidate, dict):
        raise InvalidCandidate(prefix + _("a record must be an object with a name"))
    name = candidate.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidCandidate(prefix + _("the name is missing or empty"))
    if len(name) > MAX_NAME_CHARS:
        raise InvalidCandidate(
            prefix + _("the name is %(n)d characters long; at most %(max)d are accepted") % {"n": len(name), "max": MAX_NAME_CHARS}
        )
    for key in ("city", "country", "province", "website"):
        value = candidate.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidCandidate(prefix + _("%(field)s must be text") % {"field": key})
        if value and len(value) > MAX_NAME_CHARS:
            raise InvalidCandidate(prefix + _("%(field)s is too long") % {"field": key})
    return candidate


def resolve(candidates: list[dict], backend: str = "duckdb", warm_path: bool = True) -> list[Resolution]:
    """Resolve each candidate onto the registry. Candidates are checked first.

    `warm_path=False` scores without the warm scorer (see `score`)."""
    for index, candidate in enumerate(candidates):
        check(candidate, _("record %(n)d") % {"n": index + 1})
    results = [Resolution(candidate=c) for c in candidates]
    pending = []
    # Names alone (the API, affiliation lists) need not read every identifier.
    identifiers = identifier_index() if any(c.get("identifiers") for c in candidates) else {}
    for index, result in enumerate(results):
        org_id, reasons, pointed = by_identifier(result.candidate, identifiers)
        if org_id is not None:
            result.best, result.decision, result.method = Match(org_id, 1.0, reasons), LINK, "identifier"
        elif len(pointed) > 1:
            # Identifiers that point at two organisations: a person must look.
            first, second, *_rest = sorted(pointed)
            result.best, result.runner_up = Match(first, 1.0, reasons), Match(second, 1.0, reasons)
            result.decision, result.method = REVIEW, "identifier"
        else:
            pending.append(index)
    if pending:
        _resolve_by_model(results, pending, backend, warm_path)
    return results


def _resolve_by_model(results: list[Resolution], pending: list[int], backend: str, warm_path: bool) -> None:
    rows, said = [], {}
    for index in pending:
        own = features.candidate_rows(f"c{index}", results[index].candidate)
        said[index] = _what_is_said(own)
        rows.extend(own)
    # One snapshot for the scores and the parts: the registry read once, and consistently.
    snapshot = _snapshot()
    pairs = score(rows, backend, warm_path, snapshot)
    units = snapshot.units
    best_per_org: dict[int, dict[int, dict]] = defaultdict(dict)
    for pair in pairs:
        index = int(pair["record_id_l"][1:])
        org_id = int(pair["record_id_r"][1:])
        kept = best_per_org[index].get(org_id)
        if kept is None or _strength(pair) > _strength(kept):
            best_per_org[index][org_id] = pair
    for index in pending:
        ranked = sorted(best_per_org[index].items(), key=lambda item: (-item[1]["match_weight"], item[0]))
        _decide(results[index], ranked, units, said[index])


def _strength(pair: dict) -> tuple:
    """Which pair of names speaks for a candidate and an organisation: the heaviest; of
    equals, the fullest names (then by spelling), whatever order the pairs came in."""
    return (pair["match_weight"], len(pair["variant_l"]) + len(pair["variant_r"]), pair["variant_l"], pair["variant_r"])


def _decide(result: Resolution, ranked: list[tuple[int, dict]], units: Units, said: Said) -> None:
    if not ranked:
        return
    org_id, pair = ranked[0]
    result.best = Match(org_id, pair["match_probability"], explain(pair))
    rivals = ranked[1:]
    chosen = units.choose(org_id, ranked, said)
    if chosen != org_id or (rivals and rivals[0][0] in units.kin(org_id)):
        result.best, pair, rivals = _one_answer(chosen, ranked, units, said)
    if rivals:
        other_id, other = rivals[0]
        result.runner_up = Match(other_id, other["match_probability"], explain(other))
    p = result.best.probability
    clear = not rivals or pair["match_weight"] - rivals[0][1]["match_weight"] >= math.log2(model.AMBIGUITY_ODDS_RATIO)
    if p >= model.LINK_THRESHOLD and clear:
        result.decision = LINK
    elif p >= model.REVIEW_THRESHOLD:
        result.decision = REVIEW


def _one_answer(
    chosen: int, ranked: list[tuple[int, dict]], units: Units, said: Said
) -> tuple[Match, dict, list]:
    """A body and its parts or parents are one answer, the one the string names: its
    evidence is the best pair of any of them, and its rivals are the other organisations."""
    kin = units.kin(chosen) | {chosen}
    org_id, pair = next((org, pair) for org, pair in ranked if org in kin)
    if org_id != chosen and units.cities.get(chosen, set()) & said.cities:
        pair = _in_same_comune(pair)
    match = Match(chosen, pair["match_probability"], explain(pair) + units.reasons(chosen, org_id))
    return match, pair, [(org, other) for org, other in ranked if org not in kin]


def _in_same_comune(pair: dict) -> dict:
    """The pair as if compared in the same comune: the string is in the comune of the part
    it names, though its words matched the parent's names, elsewhere."""
    same = len(model.levels_of("city")) - 1  # the strongest level: the same comune
    gamma = pair["gamma_city"]
    if gamma < 0 or gamma == same:
        return pair
    weight = pair["match_weight"] - model.level_weight("city", gamma) + model.level_weight("city", same)
    return {**pair, "gamma_city": same, "match_weight": weight, "match_probability": 1 / (1 + 2 ** -weight)}


def explain(pair: dict) -> list[str]:
    """Plain reasons for a score: the level each comparison reached and its weight."""
    reasons = [f"{pair['variant_l']} ~ {pair['variant_r']}"]
    for column, _description, _levels in model.COMPARISONS:
        gamma = pair[f"gamma_{column}"]
        if gamma < 0:
            continue
        reasons.append(f"{column}: {model.level_label(column, gamma)} ({model.level_weight(column, gamma):+.1f})")
    return reasons


def clusters(candidates: list[dict], backend: str = "duckdb") -> list[list[int]]:
    """Group candidates that are one body (e.g. two records of one organisation in a
    source), by the same model and link threshold; returns lists of indexes, in order."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(candidates) > 1:
        left, right = [], []
        for index, candidate in enumerate(candidates):
            left += features.candidate_rows(f"c{index}", candidate)
            right += features.candidate_rows(f"o{index}", candidate)
        # The prior is the registry's: a new record is as unlikely to be another new one
        # as to be any organisation already known.
        population = max(len(candidates), Organisation.objects.count())
        for pair in model.score(left, right, population, backend):
            a, b = int(pair["record_id_l"][1:]), int(pair["record_id_r"][1:])
            if a != b and pair["match_probability"] >= model.LINK_THRESHOLD:
                parent[root(max(a, b))] = root(min(a, b))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(candidates)):
        groups[root(index)].append(index)
    return sorted(groups.values())
