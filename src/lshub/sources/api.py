"""/api/trials: clinical trials per organisation and the regional share indicator.

A ninja Router over services.trials; mount it with `api.add_router("/trials", router)`.
"""

from __future__ import annotations

import re
from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from lshub.api.common import find_organisation, reject_unknown_parameters
from lshub.api.errors import BadRequest
from lshub.api.schemas import Error

from .models import Trial
from .services.trials import share_of_national_interventional_trials, trials_for

router = Router(tags=["trials"])
NUTS2 = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
ERRORS = {400: Error, 404: Error, 422: Error}


class TrialOut(Schema):
    nct_id: str
    title: str
    phases: list[str]
    overall_status: str
    study_type: str
    conditions: list[str]
    start_date: date | None
    sponsor_name: str
    url: str
    source_file: str


class CountOut(Schema):
    value: str
    count: int


class OrganisationTrialsOut(Schema):
    organisation: str
    total: int
    by_phase: list[CountOut]
    by_condition: list[CountOut]
    trials: list[TrialOut]


class ShareOut(Schema):
    region: str
    value: float | None = Field(description="0–1; null when no Italian interventional trial is loaded")
    numerator: int
    denominator: int
    regional_trials: list[str]
    source_files: list[str]
    method: str


def _trial(trial: Trial) -> dict:
    return {**{f: getattr(trial, f) for f in TrialOut.model_fields if f != "url"}, "url": trial.url}


@router.get("", response={200: OrganisationTrialsOut, **ERRORS}, summary="Trials of an organisation")
def organisation_trials(request, organisation: str = Query(..., description="organisation id or slug")):
    reject_unknown_parameters(request, {"organisation"})
    org = find_organisation(organisation)
    found = trials_for(org)
    return {
        "organisation": org.slug,
        "total": found.total,
        "by_phase": [{"value": v, "count": n} for v, n in found.by_phase],
        "by_condition": [{"value": v, "count": n} for v, n in found.by_condition],
        "trials": [_trial(t) for t in found.trials],
    }


@router.get("/share", response={200: ShareOut, **ERRORS}, summary="Regional share of Italian interventional trials")
def regional_share(request, region: str = Query("ITC4", description="NUTS 2 code; ITC4 is Lombardy")):
    reject_unknown_parameters(request, {"region"})
    if not NUTS2.match(region):
        raise BadRequest(_("region must be a NUTS 2 code such as ITC4, not %(value)r") % {"value": region}, "region")
    share = share_of_national_interventional_trials(region)
    return {**share.__dict__, "value": share.value}


@router.get("/{nct_id}", response={200: TrialOut, **ERRORS}, summary="One trial")
def trial(request, nct_id: str):
    found = Trial.objects.filter(nct_id=nct_id.upper()).first()
    if found is None:
        raise Http404(_("no trial %(id)r is loaded") % {"id": nct_id})
    return _trial(found)
