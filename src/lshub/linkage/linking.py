"""What a decision writes: link a candidate to an organisation, or create one from it,
and the run that resolves every staged candidate (`lshub link`).

Linking never overwrites a curated value: it adds the candidate's names as aliases and
its identifiers, fills blank fields, records the source, and queues a conflict for any
value that differs from one already there.

A new organisation is created without a person only when the source is authoritative
for that kind of body (the Ministry of Health for health bodies, ROR for universities
and research institutes) and the candidate lies in the hub's region; otherwise the
candidate is set aside (status "rejected") until someone decides otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lshub.registry.choices import IdentifierScheme, OrganisationType
from lshub.registry.models import Alias, Identifier, Organisation, OrganisationSource, Site, Source
from lshub.registry.services import editing, geo

from . import features, merges, normalise
from . import resolve as resolver
from .models import ReviewItem, ReviewKind, ReviewStatus

# The hub's region (NUTS 2): new organisations are created only for candidates in it.
HOME_REGION = getattr(settings, "LSHUB_REGION", "ITC4")

# Each source's home page and title, for provenance.
SOURCE_PAGES = {
    "ror": ("https://ror.org/", "Research Organization Registry (ROR)"),
    "ctgov": ("https://clinicaltrials.gov/", "ClinicalTrials.gov"),
    "minsalute": ("https://www.dati.salute.gov.it/", "Ministero della Salute"),
}

KNOWN_SCHEMES = set(IdentifierScheme.values)
CHUNK = 1000


# ---------------------------------------------------------------------------------------
# Which source may create which kind of organisation


def new_type(source: str, kind: str, candidate: dict) -> str | None:
    """The registry type a candidate would get if created, or None when the source is not
    authoritative for it."""
    types = {str(t).lower() for t in candidate.get("types") or []}
    words = set(normalise.name(candidate.get("name") or "").key.split())
    if source == "minsalute" and kind == "organisation":
        if words & {"ats"}:
            return OrganisationType.HEALTH_AUTHORITY
        return OrganisationType.IRCCS if "irccs" in words else OrganisationType.HOSPITAL
    if source == "ror":
        if "education" in types:
            return OrganisationType.UNIVERSITY
        if "facility" in types:
            return OrganisationType.RESEARCH_CENTRE
    return None


def in_region(candidate: dict, region: str = HOME_REGION) -> bool:
    """Whether the candidate's place is in the hub's region (by its comune's NUTS 2)."""
    if candidate.get("nuts2"):
        return candidate["nuts2"] == region
    comune = _comune(candidate)
    return comune is not None and comune.nuts2 == region


def _comune(candidate: dict):
    """The Italian comune the candidate's city names, or None (abroad, no city, unknown)."""
    if normalise.country(candidate.get("country")) not in ("", "IT") or not candidate.get("city"):
        return None
    try:
        return geo.find_comune(candidate["city"], candidate.get("province") or "")
    except geo.UnknownComune:
        return None


# ---------------------------------------------------------------------------------------
# Writing a link


def source_for(name: str) -> Source:
    home, title = SOURCE_PAGES.get(name, (f"lshub:source/{name}", name))
    source, _created = Source.objects.get_or_create(url=home, defaults={"title": title, "publisher": title})
    return source


@transaction.atomic
def apply_link(organisation: Organisation, candidate: dict, source: str = "", record_id: str = "", user=None) -> list[ReviewItem]:
    """Add what the candidate knows to the organisation; returns the conflicts queued."""
    reason = _("linked from %(source)s %(record)s") % {"source": source or _("a source"), "record": record_id}
    conflicts = []
    known = {normalise.fold(n) for n in features.organisation_names(organisation)}
    names = [candidate.get("name")] + list(candidate.get("aliases") or [])
    for text, kind in [(n, "variant") for n in names] + [(a, "acronym") for a in candidate.get("acronyms") or []]:
        # clean cuts to 300 characters, the length the registry's names and website hold.
        text = normalise.clean(text)
        if text and normalise.fold(text) not in known:
            known.add(normalise.fold(text))
            merges.with_reason(Alias(organisation=organisation, name=text, kind=kind), reason, user).save()
    for scheme, value in (candidate.get("identifiers") or {}).items():
        if scheme in KNOWN_SCHEMES and value:
            conflicts += _add_identifier(organisation, scheme, resolver.identifier_value(scheme, value), source, record_id, reason, user)
    website = normalise.clean(candidate.get("website"))
    if website:
        if not organisation.website:
            organisation.website = website
            merges.with_reason(organisation, reason, user).save(update_fields=["website", "updated"])
        elif normalise.domain(website) != normalise.domain(organisation.website):
            conflicts.append(merges.conflict(organisation, "website", website, _("%(source)s %(record)s") % {"source": source, "record": record_id}, source, record_id))
    if source:
        OrganisationSource.objects.get_or_create(
            organisation=organisation, source=source_for(source), field="", defaults={"record_id": record_id[:200]}
        )
    return conflicts


def _add_identifier(organisation, scheme, value, source, record_id, reason, user) -> list[ReviewItem]:
    existing = Identifier.objects.filter(scheme=scheme, value__iexact=value).first()
    if existing is not None:
        if existing.organisation_id == organisation.pk:
            return []
        # The same identifier on two organisations: they may be one. A person decides.
        current = organisation.identifiers.filter(scheme=scheme).values_list("value", flat=True).first() or ""
        return [
            merges.conflict(
                organisation, f"identifier:{scheme}", value,
                _("%(source)s %(record)s; it is already the identifier of %(other)s")
                % {"source": source, "record": record_id, "other": existing.organisation.slug},
                source, record_id, kept=current,
            )
        ]
    current = organisation.identifiers.filter(scheme=scheme).values_list("value", flat=True).first()
    if current:
        return [merges.conflict(organisation, f"identifier:{scheme}", value, f"{source} {record_id}", source, record_id, kept=current)]
    merges.with_reason(Identifier(organisation=organisation, scheme=scheme, value=value[:200]), reason, user).save()
    return []


# ---------------------------------------------------------------------------------------
# Creating an organisation from a candidate


@transaction.atomic
def create_organisation(candidate: dict, type_: str, source: str = "", record_id: str = "", user=None) -> Organisation:
    """A new organisation with the candidate's name, place, identifiers and source."""
    name = normalise.clean(candidate.get("name"))
    if not name:
        raise resolver.InvalidCandidate(_("a candidate without a name cannot become an organisation"))
    reason = _("created from %(source)s %(record)s") % {"source": source or _("a source"), "record": record_id}
    website = normalise.clean(candidate.get("website"))
    organisation = merges.with_reason(
        Organisation(slug=editing.unique_slug(name), name=name, type=type_, website=website if re.match(r"^https?://", website) else ""),
        reason,
        user,
    )
    organisation.save()
    _add_site(organisation, candidate, reason, user)
    apply_link(organisation, {**candidate, "website": ""}, source, record_id, user)
    return organisation


def _add_site(organisation, candidate, reason, user) -> None:
    comune = _comune(candidate)
    if comune is not None:
        merges.with_reason(Site(organisation=organisation, **comune.site_fields()), reason, user).save()


# ---------------------------------------------------------------------------------------
# The linking run over staged records


@dataclass
class LinkReport:
    read: int = 0
    linked: int = 0
    queued: int = 0
    created: int = 0
    rejected: int = 0
    conflicts: int = 0
    by_identifier: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("read", "linked", "queued", "created", "rejected", "conflicts", "by_identifier")} | {
            "problems": self.problems
        }


def link_staged(source: str | None = None, backend: str = "duckdb", on_progress=None) -> LinkReport:
    """Resolve every staged candidate waiting (new or changed), chunk by chunk.

    Each chunk is written in one transaction; a run stopped half-way leaves whole chunks
    done, and the next run takes up the rest (done records are no longer new or changed).
    """
    from lshub.sources.services import staging, trials

    report = LinkReport()
    while True:
        chunk = list(staging.candidates(source=source)[:CHUNK])
        if not chunk:
            break
        results = resolver.resolve([_usable(r.candidate) for r in chunk], backend=backend)
        with transaction.atomic():
            creatable = [record for record, result in zip(chunk, results) if _decide(record, result, report)]
            _create(creatable, backend, report)
        report.read += len(chunk)
        if on_progress:
            on_progress(report)
    trials.sync_organisations()
    return report


def _usable(candidate: dict) -> dict:
    """A staged candidate fit for the resolver: a name of sane length at least."""
    fixed = dict(candidate or {})
    fixed["name"] = normalise.clean(fixed.get("name")) or "?"
    for key in ("city", "country", "province", "website"):
        value = fixed.get(key)
        fixed[key] = normalise.clean(value) if value else ""
    return fixed


def _decide(record, result: resolver.Resolution, report: LinkReport) -> bool:
    """Link, queue or set aside one record; True when it is left to be created."""
    from lshub.sources.models import StagedStatus

    candidate = record.candidate or {}
    if result.decision == resolver.LINK:
        organisation = Organisation.objects.get(pk=result.organisation_id)
        report.conflicts += len(apply_link(organisation, candidate, record.source, record.record_id))
        record.organisation, record.status = organisation, StagedStatus.LINKED
        report.linked += 1
        report.by_identifier += result.method == "identifier"
    elif result.decision == resolver.REVIEW:
        queue(record, result)
        record.status = StagedStatus.QUEUED
        report.queued += 1
    elif creatable(record):
        return True  # created with the others of its chunk, see _create
    else:
        record.status = StagedStatus.REJECTED
        report.rejected += 1
    record.save(update_fields=["organisation", "status"])
    return False


def creatable(record) -> bool:
    """A record no organisation matches, that its source may turn into a new one: the
    source is authoritative for its type, the record is current, and it is in the region."""
    candidate = record.candidate or {}
    if str(candidate.get("status") or "active").lower() in ("withdrawn", "inactive"):
        return False
    return bool(new_type(record.source, record.kind, candidate)) and in_region(candidate)


def _create(records: list, backend: str, report: LinkReport) -> None:
    """One organisation per body: records of a chunk that are one body (two ROR records
    of one institute, say) make one organisation, the others are linked to it."""
    from lshub.sources.models import StagedStatus

    candidates = [_usable(r.candidate) for r in records]
    for group in resolver.clusters(candidates, backend):
        first = records[group[0]]
        organisation = create_organisation(
            first.candidate, new_type(first.source, first.kind, first.candidate), first.source, first.record_id
        )
        report.created += 1
        for index in group:
            record = records[index]
            if index != group[0]:
                report.conflicts += len(apply_link(organisation, record.candidate, record.source, record.record_id))
                report.linked += 1
            record.organisation = organisation
            record.status = StagedStatus.CREATED if index == group[0] else StagedStatus.LINKED
            record.save(update_fields=["organisation", "status"])


def queue(record, result: resolver.Resolution) -> ReviewItem:
    """One open review item per staged record: a re-run updates it rather than adding one."""
    reasons = list(result.best.reasons if result.best else [])
    if result.runner_up:
        reasons.append(_("runner-up: organisation #%(id)d at %(p).2f") % {"id": result.runner_up.organisation_id, "p": result.runner_up.probability})
    item, _created = ReviewItem.objects.update_or_create(
        staged=record,
        kind=ReviewKind.MATCH,
        status=ReviewStatus.OPEN,
        defaults={
            "candidate": record.candidate or {},
            "source": record.source,
            "record_id": record.record_id,
            "proposed_id": result.organisation_id,
            "probability": result.probability,
            "reasons": reasons,
        },
    )
    return item
