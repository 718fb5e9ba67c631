"""Trials: load them from staged ClinicalTrials.gov records, show them per organisation,
and compute the regional share of Italian interventional trials."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import StagedRecord, Trial, TrialSite, TrialSponsor
from .staging import StagedItem

INTERVENTIONAL = "INTERVENTIONAL"


# --- loading (runs inside each staging batch's transaction) -----------------------------


def load_batch(items: list[StagedItem]) -> None:
    """Upsert the trials of a batch, then attach each staged site/sponsor to its row.

    The parser yields a trial before its sites and sponsors, so their rows exist by the
    time the staged records that describe them are attached.
    """
    for item in items:
        if item.parsed.kind == "trial" and (item.state != "unchanged" or not _has_trial(item.record)):
            upsert_trial(item.parsed.candidate, item.parsed.raw, item.record)
    for item in items:
        if item.parsed.kind in ("site", "sponsor"):
            _attach(item.record)


def _has_trial(record: StagedRecord) -> bool:
    return Trial.objects.filter(staged_record=record).exists()


def upsert_trial(fields: dict, raw: dict, record: StagedRecord) -> Trial:
    trial, _ = Trial.objects.update_or_create(
        nct_id=fields["nct_id"],
        defaults={
            "title": fields["title"],
            "official_title": fields.get("official_title", ""),
            "phases": fields.get("phases", []),
            "overall_status": fields.get("overall_status", ""),
            "study_type": fields.get("study_type", ""),
            "conditions": fields.get("conditions", []),
            "start_date": date.fromisoformat(fields["start_date"]) if fields.get("start_date") else None,
            "sponsor_name": fields.get("sponsor_name", ""),
            "raw": raw,
            "source_file": record.file,
            "staged_record": record,
        },
    )
    _sync_children(trial, TrialSite, [_site_values(s["candidate"]) for s in fields.get("sites", [])])
    _sync_children(trial, TrialSponsor, [_sponsor_values(s["candidate"]) for s in fields.get("sponsors", [])])
    return trial


def _site_values(c: dict) -> dict:
    return {
        "name": c.get("name", "")[:500],
        "city": c.get("city", "")[:200],
        "country": (c.get("country_name") or c.get("country", ""))[:100],
        "country_code": c.get("country", ""),
        "nuts2": c.get("nuts2", ""),
    }


def _sponsor_values(c: dict) -> dict:
    return {"name": c.get("name", "")[:500], "role": c.get("role", ""), "agency_class": c.get("agency_class", "")}


def _sync_children(trial: Trial, model, rows: list[dict]) -> None:
    """Rows by position: update those that differ, add new ones, drop positions that are gone.
    A row keeps its staged record and organisation when only its text changes."""
    existing = {child.position: child for child in model.objects.filter(trial=trial)}
    for position, values in enumerate(rows, start=1):
        child = existing.get(position)
        if child is None:
            model.objects.create(trial=trial, position=position, **values)
        elif any(getattr(child, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(child, k, v)
            child.save()
    model.objects.filter(trial=trial, position__gt=len(rows)).delete()


def _attach(record: StagedRecord) -> None:
    """Point the trial site or sponsor that `NCT…/site/3` describes at its staged record."""
    nct_id, kind, position = record.record_id.split("/")
    model = TrialSite if kind == "site" else TrialSponsor
    model.objects.filter(trial__nct_id=nct_id, position=int(position)).exclude(staged_record=record).update(
        staged_record=record, organisation=record.organisation
    )


def sync_organisations() -> int:
    """Copy each staged site/sponsor's resolved organisation onto its trial row; for the
    linker to call after a run. Returns how many rows changed."""
    changed = 0
    for model in (TrialSite, TrialSponsor):
        pairs = model.objects.filter(staged_record__isnull=False).values_list(
            "pk", "organisation_id", "staged_record__organisation_id"
        )
        for pk, current, resolved in pairs.iterator():
            if current != resolved:
                changed += model.objects.filter(pk=pk).update(organisation_id=resolved)
    return changed


# --- reading ----------------------------------------------------------------------------


@dataclass
class OrganisationTrials:
    trials: list[Trial]
    by_phase: list[tuple[str, int]] = field(default_factory=list)
    by_condition: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.trials)


def trials_for(organisation) -> OrganisationTrials:
    """The trials an organisation is a site, sponsor or collaborator of, newest first, with
    counts by phase ("NA" for studies without phases) and by condition (most frequent first)."""
    resolved = (
        Q(sites__organisation=organisation)
        | Q(sites__staged_record__organisation=organisation)
        | Q(sponsors__organisation=organisation)
        | Q(sponsors__staged_record__organisation=organisation)
    )
    trials = list(
        Trial.objects.filter(pk__in=Trial.objects.filter(resolved).values("pk")).order_by("-start_date", "nct_id")
    )
    phases = Counter(phase for t in trials for phase in (t.phases or ["NA"]))
    conditions = Counter(c for t in trials for c in t.conditions)
    return OrganisationTrials(
        trials=trials,
        by_phase=sorted(phases.items()),
        by_condition=sorted(conditions.items(), key=lambda kv: (-kv[1], kv[0])),
    )


@dataclass
class TrialShare:
    region: str
    numerator: int  # Italian interventional trials with ≥1 site in the region
    denominator: int  # Italian interventional trials (≥1 site in Italy)
    source_files: list[str]
    method: str
    regional_trials: list[str] = field(default_factory=list)  # NCT numbers in the numerator

    @property
    def value(self) -> float | None:
        """The share, 0–1; None when no Italian interventional trial is loaded (a gap, not 0)."""
        return self.numerator / self.denominator if self.denominator else None


SHARE_METHOD = _(
    "Trials loaded from ClinicalTrials.gov whose study type is interventional and that list at "
    "least one site in Italy form the denominator. A trial counts in the numerator when at least "
    "one of its Italian sites is in the region: for a site resolved to an organisation, when that "
    "organisation has a site whose NUTS 2 code is the region; for a site not yet resolved, when "
    "its city is a comune of the region (ISTAT list)."
)


def share_of_national_interventional_trials(region: str = "ITC4") -> TrialShare:
    """The share of Italian interventional trials with at least one site in `region` (NUTS 2)."""
    from lshub.registry.models import Site

    sites = TrialSite.objects.filter(trial__study_type=INTERVENTIONAL, country_code="IT").values_list(
        "trial_id", "nuts2", "organisation_id", "staged_record__organisation_id"
    )
    in_region = set(Site.objects.filter(nuts2=region).values_list("organisation_id", flat=True))
    national, regional = set(), set()
    for trial_id, nuts2, org_id, staged_org_id in sites:
        national.add(trial_id)
        resolved = org_id or staged_org_id
        if (resolved in in_region) if resolved else nuts2 == region:
            regional.add(trial_id)
    files = sorted(set(Trial.objects.filter(pk__in=national).values_list("source_file", flat=True)))
    nct_ids = sorted(Trial.objects.filter(pk__in=regional).values_list("nct_id", flat=True))
    return TrialShare(region, len(regional), len(national), files, str(SHARE_METHOD), nct_ids)
