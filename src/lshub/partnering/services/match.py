"""Matchmaking: from a stated need to ranked organisations, each with a score breakdown and
reasons in plain words drawn from the evidence the registry holds.

Hard constraints filter (partner type, province, region); everything else ranks:

    score = 0.40 text + 0.30 area + 0.08 type + 0.07 trials + 0.03 relations + 0.12 place

text       BM25 of the need against the organisation's document, relative to the best candidate
area       the specialisations wanted (chosen, or named in the text): recognised by an IRCCS
           decree 1.0, recorded 0.75, only mentioned in the description 0.35
type       the kind of partner the text asks for ("research hospital", "università"); a
           clinical trial asks for a place that treats patients (an IRCCS or a hospital)
trials     trials the organisation runs on the need's areas and phases (when trials are loaded)
relations  membership of clusters and networks, ties with organisations strong in the area
place      a site in the place the text names ("in Milan")

The breakdown holds each weighted part, so the parts add up to the score.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lshub.registry.choices import OrganisationType, RelationKind
from lshub.registry.models import Organisation, OrganisationSpecialisation, Relation, Site, Specialisation
from lshub.registry.services import geo
from lshub.registry.services.directory import InvalidQuery

from . import index as partnering_index
from .index import Need, PartneringIndex
from .vocabulary import TYPE_ALSO

WEIGHTS = {"text": 0.40, "area": 0.30, "type": 0.08, "trials": 0.07, "relations": 0.03, "place": 0.12}
MAX_NEED_LENGTH = 2000
MAX_LIMIT = 100
FACET_DEPTH = 100  # facets count the best this-many candidates
TRIALS_SATURATION = 50  # this many relevant trials or more give the full trials part
RECOGNISED, RECORDED, MENTIONED = 1.0, 0.75, 0.35
# Broad value-chain and mission codes ("medicines", "research") say less about a partner
# than a therapeutic area or a technology.
BROAD_KINDS = {"value_chain": 0.5, "mission": 0.5}
RECRUITING = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
MAX_REASONS = 5
# Who can run a clinical trial: a need for one prefers these when it names no partner type.
CLINICAL_SITE_TYPES = (OrganisationType.IRCCS, OrganisationType.HOSPITAL)


class InvalidNeed(InvalidQuery):
    """A need that cannot be matched as given; the message names the field and says why."""


@dataclass
class MatchRequest:
    text: str = ""
    types: list[str] = field(default_factory=list)  # hard: only these organisation types
    areas: list[str] = field(default_factory=list)  # wanted specialisation codes (rank)
    provinces: list[str] = field(default_factory=list)  # hard: a site in one of these provinces
    region: str = ""  # hard: a site in this NUTS 2 region (ITC4 is Lombardy)
    limit: int = 10

    def validate(self) -> None:
        self.text = (self.text or "").replace("\x00", " ")
        self.provinces = [p.strip().upper() for p in self.provinces if p.strip()]
        self.types = [t.strip() for t in self.types if t.strip()]
        self.areas = [a.strip() for a in self.areas if a.strip()]
        self.region = (self.region or "").strip().upper()
        if len(self.text) > MAX_NEED_LENGTH:
            raise InvalidNeed(
                _("text: the need is %(length)d characters long; keep it under %(max)d (a few sentences are enough)")
                % {"length": len(self.text), "max": MAX_NEED_LENGTH}
            )
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidNeed(_("limit: must be between 1 and %(max)d") % {"max": MAX_LIMIT})
        _check("type", self.types, OrganisationType.values)
        _check("province", self.provinces, geo.provinces())
        _check("area", self.areas, Specialisation.objects.values_list("code", flat=True))
        if self.region and not geo.comuni_in(self.region):
            raise InvalidNeed(_("region: unknown NUTS 2 code %(value)r (Lombardy is ITC4)") % {"value": self.region})
        if not self.text.strip() and not self.areas:
            raise InvalidNeed(_("text: describe the partner you need in a few words, or choose an area"))


def _check(name: str, values: list[str], known) -> None:
    known = set(known)
    for value in values:
        if value not in known:
            from rapidfuzz import process

            close = process.extractOne(value, sorted(known), score_cutoff=70)
            hint = _(" (did you mean %(close)r?)") % {"close": close[0]} if close else ""
            raise InvalidNeed(_("%(field)s: unknown value %(value)r") % {"field": name, "value": value} + hint)


@dataclass
class Candidate:
    organisation: Organisation
    score: float
    breakdown: dict[str, float]
    reasons: list[str]
    place: str

    def as_dict(self) -> dict:
        o = self.organisation
        return {
            "id": o.slug,
            "name": o.display_name,
            "short_name": o.short_name,
            "type": o.type,
            "type_label": str(o.get_type_display()),
            "score": round(self.score, 4),
            "breakdown": {k: round(v, 4) for k, v in self.breakdown.items()},
            "reasons": self.reasons,
            "place": self.place,
            "url": o.get_absolute_url(),
        }


@dataclass
class MatchResult:
    request: MatchRequest
    need: Need
    candidates: list[Candidate]
    considered: int  # how many organisations were scored
    facets: dict[str, list[tuple[str, str, int]]]  # facet -> [(value, label, count)]

    @property
    def corrections(self) -> list[tuple[str, str]]:
        return self.need.corrections

    def as_list(self) -> list[dict]:
        return [c.as_dict() for c in self.candidates]


def match(request: MatchRequest, *, index: PartneringIndex | None = None) -> MatchResult:
    """Rank organisations for a need. Raises InvalidNeed for a need that cannot be matched."""
    request.validate()
    index = index or partnering_index.current()
    need = index.understand(request.text)
    if request.text.strip() and not need.searchable and not request.areas:
        raise InvalidNeed(
            _("text: %(text)r holds only common words; name a field, a technology or a kind of partner")
            % {"text": request.text.strip()[:80]}
        )
    allowed = _allowed(request)
    mask = index.mask_for(allowed) if allowed is not None else None
    text_scores = dict(index.top(need, mask=mask))
    wanted_areas = list(dict.fromkeys([*request.areas, *need.areas]))
    candidates = set(text_scores) | index.with_area(_strong(wanted_areas))
    if need.types or need.provinces:
        candidates |= _structural_candidates(need, allowed)
    if allowed is not None:
        candidates &= allowed
    scored = _score(candidates, text_scores, need, wanted_areas, index)
    scored.sort(key=lambda c: (-c.score, c.organisation.name))
    return MatchResult(request, need, scored[: request.limit], len(scored), _facets(scored[:FACET_DEPTH]))


def _strong(codes: list[str]) -> list[str]:
    """Areas that may bring candidates in on their own (not broad value-chain codes)."""
    kinds = dict(Specialisation.objects.filter(code__in=codes).values_list("code", "kind"))
    return [c for c in codes if kinds.get(c) not in BROAD_KINDS]


def _allowed(request: MatchRequest) -> set[int] | None:
    """Organisations that pass the hard constraints (None: no constraint)."""
    queryset = None
    if request.types:
        queryset = Organisation.objects.filter(type__in=request.types)
    sites = Site.objects.all()
    if request.provinces:
        sites = sites.filter(province__in=request.provinces)
    if request.region:
        sites = sites.filter(nuts2=request.region)
    if request.provinces or request.region:
        base = queryset if queryset is not None else Organisation.objects.all()
        queryset = base.filter(id__in=sites.values("organisation_id"))
    return set(queryset.values_list("id", flat=True)) if queryset is not None else None


def _structural_candidates(need: Need, allowed: set[int] | None) -> set[int]:
    """For needs like "a hospital in Pavia": organisations of that type and place."""
    queryset = Organisation.objects.all()
    if need.types:
        queryset = queryset.filter(type__in=_soft_types(need))
    if need.provinces:
        queryset = queryset.filter(sites__province__in=need.provinces)
    if allowed is not None:
        queryset = queryset.filter(id__in=allowed)
    return set(queryset.values_list("id", flat=True)[:partnering_index.CANDIDATES])


def _soft_types(need: Need) -> set[str]:
    types = set(need.types) | {also for t in need.types for also in TYPE_ALSO.get(t, ())}
    if "concept:clinical-trial" in need.concepts:
        types = (types & set(CLINICAL_SITE_TYPES)) or set(CLINICAL_SITE_TYPES)
    return types


# -- evidence and scores --------------------------------------------------------------------


@dataclass
class Evidence:
    """What the registry knows about one candidate, gathered in bulk."""

    areas: dict[str, bool] = field(default_factory=dict)  # code -> recognised
    sites: list[tuple[str, str, bool]] = field(default_factory=list)  # (comune, province, headquarters)
    relations: list[tuple[str, Organisation]] = field(default_factory=list)
    trials: list[tuple[list[str], str, list[str]]] = field(default_factory=list)  # (phases, status, conditions)


def _gather(ids: set[int]) -> dict[int, Evidence]:
    evidence = defaultdict(Evidence)
    for pk, code, recognised in OrganisationSpecialisation.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "specialisation__code", "recognised"
    ):
        evidence[pk].areas[code] = recognised
    for pk, comune, province, headquarters in Site.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "comune", "province", "is_headquarters"
    ):
        evidence[pk].sites.append((comune, province, headquarters))
    for relation in Relation.objects.filter(subject_id__in=ids).select_related("object"):
        evidence[relation.subject_id].relations.append((relation.kind, relation.object))
    for pk, trials in _trials(ids).items():
        evidence[pk].trials = trials
    return evidence


def _trials(ids: set[int]) -> dict[int, list]:
    from lshub.sources.models import TrialSite

    found = defaultdict(dict)
    rows = TrialSite.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "trial_id", "trial__phases", "trial__overall_status", "trial__conditions"
    )
    for pk, trial, phases, status, conditions in rows:
        found[pk][trial] = (phases or [], status or "", conditions or [])
    return {pk: list(trials.values()) for pk, trials in found.items()}


def _score(ids: set[int], text_scores: dict[int, float], need: Need, wanted: list[str], index: PartneringIndex) -> list[Candidate]:
    if not ids:
        return []
    organisations = Organisation.objects.in_bulk(ids)
    evidence = _gather(ids)
    best_text = max(text_scores.values(), default=0.0) or 1.0
    kinds = dict(Specialisation.objects.values_list("code", "kind"))
    labels = {s.code: s.label for s in Specialisation.objects.all()}
    results = []
    for pk, organisation in organisations.items():
        facts = evidence.get(pk, Evidence())
        reasons: list[str] = []
        parts = {
            "text": text_scores.get(pk, 0.0) / best_text,
            "area": _area_part(organisation, facts, wanted, kinds, labels, index, reasons),
            "type": _type_part(organisation, need),
            "trials": _trials_part(facts, need, wanted, index, labels, reasons),
            "relations": _relations_part(facts, wanted, reasons),
            "place": _place_part(facts, need),
        }
        place = _place(facts, need)
        if parts["place"] and place:
            reasons.append(place)
        if parts["text"] > 0 and len(reasons) < 2:
            reasons.extend(_text_reasons(pk, need, index))
        breakdown = {name: WEIGHTS[name] * value for name, value in parts.items()}
        results.append(Candidate(organisation, sum(breakdown.values()), breakdown, reasons[:MAX_REASONS], place))
    return results


def _area_part(organisation, facts: Evidence, wanted, kinds, labels, index: PartneringIndex, reasons: list[str]) -> float:
    if not wanted:
        return 0.0
    mentioned = None
    total = weight_sum = 0.0
    for code in wanted:
        weight = BROAD_KINDS.get(kinds.get(code), 1.0)
        weight_sum += weight
        held = [c for c in facts.areas if c == code or code in index.ancestors.get(c, ())]
        if held:
            recognised = any(facts.areas[c] for c in held) and organisation.type == OrganisationType.IRCCS
            total += weight * (RECOGNISED if recognised else RECORDED)
            if weight == 1.0:
                reasons.append(_area_reason(labels.get(code, code), recognised))
            continue
        if mentioned is None:
            record = index.record(organisation.pk)
            mentioned = index.vocabulary.concepts(" ".join(record.texts)) if record else set()
        if f"area:{code}" in mentioned:
            total += weight * MENTIONED
            if weight == 1.0:
                reasons.append(_("description mentions %(area)s") % {"area": _lower(labels.get(code, code))})
    return total / weight_sum if weight_sum else 0.0


def _area_reason(label: str, recognised: bool) -> str:
    if recognised:
        return _("IRCCS recognised for %(area)s") % {"area": _lower(label)}
    return _("works in %(area)s") % {"area": _lower(label)}


def _lower(label: str) -> str:
    """'Oncology' -> 'oncology', but 'CDMO' and 'In-vitro…' keep their capitals where they mean something."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _type_part(organisation, need: Need) -> float:
    types = _soft_types(need)
    return 1.0 if organisation.type in types else 0.0


def _trials_part(facts: Evidence, need: Need, wanted, index: PartneringIndex, labels, reasons: list[str]) -> float:
    if not facts.trials:
        return 0.0
    relevant = []
    for phases, status, conditions in facts.trials:
        if wanted or need.tokens:
            about = index.vocabulary.concepts(" ".join(conditions))
            words = {t for c in conditions for t in _stems(c)}
            if not ({f"area:{w}" for w in wanted} & about or set(need.tokens) & words):
                continue
        if need.phases and not any(p.endswith(tuple(need.phases)) for p in phases):
            continue
        relevant.append((phases, status))
    if not relevant:
        return 0.0
    recruiting = sum(1 for _phases, status in relevant if status in RECRUITING)
    phase = _("phase %(n)s") % {"n": "/".join(need.phases)} + " " if need.phases else ""
    if recruiting:
        reasons.append(
            ngettext("%(n)d recruiting %(phase)strial", "%(n)d recruiting %(phase)strials", recruiting)
            % {"n": recruiting, "phase": phase}
        )
    else:
        reasons.append(ngettext("%(n)d %(phase)strial", "%(n)d %(phase)strials", len(relevant)) % {"n": len(relevant), "phase": phase})
    return min(1.0, math.log1p(len(relevant)) / math.log1p(TRIALS_SATURATION))


def _stems(text: str) -> list[str]:
    from .vocabulary import tokens

    return tokens(text)


NETWORK_TYPES = {OrganisationType.CLUSTER, OrganisationType.ASSOCIATION}


def _relations_part(facts: Evidence, wanted, reasons: list[str]) -> float:
    part = 0.0
    for kind, other in facts.relations:
        name = other.short_name or other.display_name
        if kind in (RelationKind.MEMBER_OF, RelationKind.PARTNER_OF) and other.type in NETWORK_TYPES:
            part = 1.0
            label = _("member of %(name)s") if kind == RelationKind.MEMBER_OF else _("partner of %(name)s")
            reasons.append(label % {"name": name})
        elif kind in (RelationKind.PART_OF, RelationKind.AFFILIATED_WITH) and len(reasons) < MAX_REASONS:
            part = max(part, 0.5)
            label = _("part of %(name)s") if kind == RelationKind.PART_OF else _("affiliated with %(name)s")
            reasons.append(label % {"name": name})
    return part


def _place_part(facts: Evidence, need: Need) -> float:
    if not need.provinces:
        return 0.0
    return 1.0 if any(province in need.provinces for _c, province, _h in facts.sites) else 0.0


def _place(facts: Evidence, need: Need) -> str:
    """'Milano (MI)': the site in the place asked for, else the headquarters."""
    sites = sorted(facts.sites, key=lambda s: (s[1] not in need.provinces, not s[2]))
    if not sites:
        return ""
    comune, province, _h = sites[0]
    return f"{comune} ({province})" if province else comune


def _text_reasons(pk: int, need: Need, index: PartneringIndex) -> list[str]:
    record = index.record(pk)
    if record is None:
        return []
    from .vocabulary import stem, words

    in_names = {stem(w) for n in record.names for w in words(n)}
    in_text = {stem(w) for t in [*record.texts, *record.trial_texts] for w in words(t)}
    named = [w for w in need.words if stem(w) in in_names]
    mentioned = [w for w in need.words if stem(w) in in_text and w not in named]
    reasons = []
    if named:
        reasons.append(_("name matches %(words)s") % {"words": _quoted(named)})
    if mentioned:
        reasons.append(_("mentions %(words)s") % {"words": _quoted(mentioned)})
    return reasons


def _quoted(items: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in list(dict.fromkeys(items))[:4])


# -- facets ---------------------------------------------------------------------------------


def _facets(candidates: list[Candidate]) -> dict[str, list[tuple[str, str, int]]]:
    """Type, province and area counts over the best candidates, for refining the need."""
    ids = [c.organisation.pk for c in candidates]
    types = Counter(c.organisation.type for c in candidates)
    type_labels = dict(OrganisationType.choices)
    pairs = set(Site.objects.filter(organisation_id__in=ids).exclude(province="").values_list("organisation_id", "province"))
    provinces = Counter(province for _pk, province in pairs)
    areas = Counter(
        OrganisationSpecialisation.objects.filter(organisation_id__in=ids, specialisation__kind__in=["therapeutic_area", "technology"]).values_list(
            "specialisation__code", flat=True
        )
    )
    labels = {s.code: s.label for s in Specialisation.objects.filter(code__in=areas)}
    return {
        "type": sorted(((t, str(type_labels.get(t, t)), n) for t, n in types.items()), key=lambda x: (-x[2], x[1])),
        "province": sorted(((p, p, n) for p, n in provinces.items()), key=lambda x: (-x[2], x[1])),
        "area": sorted(((a, labels.get(a, a), n) for a, n in areas.items()), key=lambda x: (-x[2], x[1]))[:15],
    }

