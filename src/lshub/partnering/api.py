"""The partnering API: POST /match, partnering profiles and shortlists (reading open, writing
with a token).

Mount with `api.add_router("", partnering.api.router)`: the paths are /match,
/partnering/profiles… and /partnering/shortlists…. Bad input is answered 400 with {"detail", "field"} through the
API's handler for InvalidQuery (InvalidNeed and InvalidProfile are kinds of it).
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from lshub.api.auth import TokenAuth
from lshub.api.schemas import Error, Text

from .models import PartneringProfile, Shortlist
from .services import profiles, shortlists
from .services.match import MAX_LIMIT, MAX_NEED_LENGTH, MatchRequest, match

router = Router(tags=["partnering"])
ERRORS = {400: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 404: Error, 422: Error}


class MatchIn(Schema):
    text: Text = Field("", description=f"the need in plain words, English or Italian (at most {MAX_NEED_LENGTH} characters)")
    type: list[Text] = Field([], description="hard filter: organisation types (irccs, company, university…)")
    area: list[Text] = Field([], description="specialisation codes wanted (oncology, sterile-injectables…)")
    province: list[Text] = Field([], description="hard filter: a site in one of these provinces (MI, PV…)")
    region: Text = Field("", description="hard filter: a site in this NUTS 2 region (ITC4 is Lombardy)")
    limit: int = Field(10, description=f"how many partners, 1 to {MAX_LIMIT}")


class PartnerOut(Schema):
    id: str = Field(description="the organisation's key")
    name: str
    short_name: str
    type: str
    type_label: str
    score: float
    breakdown: dict[str, float] = Field(description="weighted parts of the score: text, area, type, trials, relations, place")
    reasons: list[str] = Field(description="why, in plain words, in the requested language")
    place: str
    url: str


class Understood(Schema):
    areas: list[str]
    types: list[str]
    provinces: list[str]
    phases: list[str]
    corrections: list[list[str]] = Field(description="[typed, read as] for each repaired typo")


class MatchOut(Schema):
    understood: Understood
    considered: int = Field(description="organisations scored")
    results: list[PartnerOut]


def _understood(need) -> dict:
    return {
        "areas": need.areas,
        "types": need.types,
        "provinces": need.provinces,
        "phases": need.phases,
        "corrections": [list(pair) for pair in need.corrections],
    }


@router.post("/match", response={200: MatchOut, **ERRORS}, summary="Partners for a need, ranked, with reasons")
def match_need(request, body: MatchIn):
    """Ranked organisations for a need stated in words, with a score breakdown and plain-words
    reasons. `type`, `province` and `region` filter; `area` and the words rank."""
    result = match(
        MatchRequest(text=body.text, types=body.type, areas=body.area, provinces=body.province, region=body.region, limit=body.limit)
    )
    return {"understood": _understood(result.need), "considered": result.considered, "results": result.as_list()}


class ProfileIn(Schema):
    kind: Text = Field(description="request or offer")
    cooperation: Text = Field(description="business, technology, research or clinical")
    title: Text
    text: Text
    owner: Text = Field(description="the person or organisation behind the profile")
    partner_types: list[Text] = []
    areas: list[Text] = []
    capabilities: list[Text] = []
    region: Text = ""
    province: Text = ""
    deadline: datetime.date | None = None
    organisation: Text | None = Field(None, description="key of the registry organisation posting it")


class ProfilePatch(Schema):
    kind: Text | None = None
    cooperation: Text | None = None
    title: Text | None = None
    text: Text | None = None
    owner: Text | None = None
    partner_types: list[Text] | None = None
    areas: list[Text] | None = None
    capabilities: list[Text] | None = None
    region: Text | None = None
    province: Text | None = None
    deadline: datetime.date | None = None
    organisation: Text | None = None


class ProfileOut(Schema):
    id: int
    kind: str
    cooperation: str
    title: str
    text: str
    partner_types: list[str]
    areas: list[str]
    capabilities: list[str]
    region: str
    province: str
    deadline: datetime.date | None
    owner: str
    organisation: str | None
    created: datetime.datetime
    updated: datetime.datetime


class OfferOut(Schema):
    id: int
    kind: str
    title: str
    score: float
    reasons: list[str]


class ProfileMatchesOut(Schema):
    organisations: list[PartnerOut]
    profiles: list[OfferOut] = Field(description="for a request, the offers that answer it; for an offer, the requests")


@router.get("/partnering/profiles", response={200: list[ProfileOut], **ERRORS}, summary="List and search partnering profiles")
def list_profiles(
    request,
    q: Text = Query("", description="words to search for, English or Italian"),
    kind: Text = Query("", description="request or offer"),
    cooperation: Text = Query("", description="business, technology, research or clinical"),
):
    return [profiles.as_dict(p) for p in profiles.search(q, kind=kind, cooperation=cooperation)]


def _profile(profile_id: int) -> PartneringProfile:
    try:
        return get_object_or_404(PartneringProfile, pk=profile_id)
    except (Http404, OverflowError, ValueError):
        raise Http404(_("no partnering profile with id %(id)s") % {"id": profile_id}) from None


@router.get("/partnering/profiles/{profile_id}", response={200: ProfileOut, **ERRORS}, summary="One partnering profile")
def get_profile(request, profile_id: int):
    return profiles.as_dict(_profile(profile_id))


@router.get(
    "/partnering/profiles/{profile_id}/matches", response={200: ProfileMatchesOut, **ERRORS}, summary="Partners and profiles for a profile"
)
def profile_matches(request, profile_id: int, limit: int = 10):
    profile = _profile(profile_id)
    result = match(profiles.request_for(profile, limit=max(1, min(limit, MAX_LIMIT))))
    others = profiles.matching_profiles(profile, limit=max(1, min(limit, MAX_LIMIT)))
    return {
        "organisations": result.as_list(),
        "profiles": [{"id": m.profile.pk, "kind": m.profile.kind, "title": m.profile.title, "score": round(m.score, 4), "reasons": m.reasons} for m in others],
    }


@router.post("/partnering/profiles", auth=TokenAuth(), response={201: ProfileOut, **WRITE_ERRORS}, summary="Create a partnering profile")
def create_profile(request, body: ProfileIn):
    profile = profiles.save(body.dict(), user=request.auth.user)
    return 201, profiles.as_dict(profile)


@router.patch("/partnering/profiles/{profile_id}", auth=TokenAuth(), response={200: ProfileOut, **WRITE_ERRORS}, summary="Change a partnering profile")
def update_profile(request, profile_id: int, body: ProfilePatch):
    profile = _profile(profile_id)
    changes = body.dict(exclude_unset=True)
    profile = profiles.save(changes, profile=profile)
    return profiles.as_dict(profile)


@router.delete("/partnering/profiles/{profile_id}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS}, summary="Delete a partnering profile")
def delete_profile(request, profile_id: int):
    _profile(profile_id).delete()
    return 204, None


# -- shortlists -------------------------------------------------------------------------------


class ShortlistIn(Schema):
    title: Text = Field(description="what the shortlist is for, e.g. the delegation it goes to")
    need: MatchIn = Field(description="the need the organisations were chosen for, as sent to /match")
    organisations: list[Text] = Field(description=f"keys of the chosen organisations, best first (at most {shortlists.MAX_ENTRIES})")
    profile: int | None = Field(None, description="id of the partnering profile the shortlist answers")


class ShortlistEntryOut(Schema):
    position: int
    key: str
    name: str
    type: str
    place: str
    score: float = Field(description="the score the organisation had for the need when the shortlist was saved")
    reasons: str
    website: str
    note: str


class ShortlistOut(Schema):
    key: str = Field(description="the shortlist's share key: whoever has it can read the shortlist")
    title: str
    need: str
    filters: dict
    profile: int | None
    created: datetime.datetime
    entries: list[ShortlistEntryOut]
    exports: dict[str, str] = Field(description="API address of each export (csv, xlsx, pdf)")


def _shortlist(key: str) -> Shortlist:
    try:
        return get_object_or_404(Shortlist, key=key)
    except Http404:
        raise Http404(_("no shortlist with key %(key)r") % {"key": key[:40]}) from None


def _shortlist_out(request, shortlist: Shortlist) -> dict:
    base = request.path.split("/partnering/")[0]
    return {
        "key": shortlist.key,
        "title": shortlist.title,
        "need": shortlist.need,
        "filters": shortlist.filters,
        "profile": shortlist.profile_id,
        "created": shortlist.created,
        "entries": shortlists.rows(shortlist),
        "exports": {fmt: f"{base}/partnering/shortlists/{shortlist.key}/export.{fmt}" for fmt in shortlists.EXPORT_FORMATS},
    }


@router.post("/partnering/shortlists", auth=TokenAuth(), response={201: ShortlistOut, **WRITE_ERRORS}, summary="Save a shortlist")
def create_shortlist(request, body: ShortlistIn):
    """Keep the chosen organisations for a need, with the scores and reasons they get for it now."""
    need = body.need
    chosen_profile = _profile(body.profile) if body.profile is not None else None
    request_for_need = MatchRequest(text=need.text, types=need.type, areas=need.area, provinces=need.province, region=need.region)
    shortlist = shortlists.save(body.title, request_for_need, body.organisations, user=request.auth.user, profile=chosen_profile)
    return 201, _shortlist_out(request, shortlist)


@router.get("/partnering/shortlists/{key}", response={200: ShortlistOut, **ERRORS}, summary="One shortlist, by its share key")
def get_shortlist(request, key: Text):
    return _shortlist_out(request, _shortlist(key))


@router.get(
    "/partnering/shortlists/{key}/export.{fmt}",
    response={200: None, **ERRORS},
    summary="A shortlist as CSV, XLSX or a one-page PDF",
)
def export_shortlist(request, key: Text, fmt: Text):
    shortlist = _shortlist(key)
    content, mime = shortlists.export(shortlist, fmt)  # an unknown format is a 400 naming the formats
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{shortlists.filename(shortlist, fmt)}"'
    return response
