"""Partnering profiles: create and update them from plain data, search them, and match a
request to organisations and to the offers of others."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from lshub.registry.choices import OrganisationType
from lshub.registry.models import Specialisation
from lshub.registry.services import geo

from ..models import Cooperation, PartneringProfile, ProfileKind
from . import vocabulary as vocab
from .index import PartneringIndex, Record
from .match import InvalidNeed, MatchRequest, _check

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_CAPABILITIES = 30
FIELDS = ("kind", "cooperation", "title", "text", "partner_types", "areas", "capabilities", "region", "province", "deadline", "owner", "organisation")


class InvalidProfile(InvalidNeed):
    """A profile that cannot be saved as given; the message names the field."""


def clean(data: dict, *, partial: bool = False) -> dict:
    """Checked values for a profile; raises InvalidProfile naming the first bad field."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InvalidProfile(_("%(field)s: unknown field (known: %(known)s)") % {"field": unknown[0], "known": ", ".join(FIELDS)})
    cleaned = {}
    required = () if partial else ("kind", "cooperation", "title", "text", "owner")
    for name in required:
        if not str(data.get(name) or "").strip():
            raise InvalidProfile(_("%(field)s: this field is required") % {"field": name})
    for name, value in data.items():
        cleaned[name] = _clean_field(name, value)
    return cleaned


def _clean_field(name: str, value):
    if name == "kind":
        return _choice(name, value, ProfileKind.values)
    if name == "cooperation":
        return _choice(name, value, Cooperation.values)
    if name in ("title", "text", "owner"):
        text = str(value or "").replace("\x00", " ").strip()
        limit = MAX_TEXT if name == "text" else MAX_TITLE
        if not text:
            raise InvalidProfile(_("%(field)s: this field is required") % {"field": name})
        if len(text) > limit:
            raise InvalidProfile(_("%(field)s: at most %(max)d characters") % {"field": name, "max": limit})
        return text
    if name in ("partner_types", "areas", "capabilities"):
        items = _list(name, value)
        if name == "partner_types":
            _check("partner_types", items, OrganisationType.values)
        elif name == "areas":
            _check("areas", items, Specialisation.objects.values_list("code", flat=True))
        elif len(items) > MAX_CAPABILITIES or any(len(i) > MAX_TITLE for i in items):
            raise InvalidProfile(_("capabilities: at most %(n)d short phrases") % {"n": MAX_CAPABILITIES})
        return items
    if name == "province":
        province = str(value or "").strip().upper()
        if province:
            _check("province", [province], geo.provinces())
        return province
    if name == "region":
        region = str(value or "").strip().upper()
        if region and not geo.comuni_in(region):
            raise InvalidProfile(_("region: unknown NUTS 2 code %(value)r (Lombardy is ITC4)") % {"value": region})
        return region
    if name == "deadline":
        return _date(value)
    if name == "organisation":
        return _organisation(value)
    return value


def _choice(name: str, value, known) -> str:
    value = str(value or "").strip()
    if value not in known:
        raise InvalidProfile(_("%(field)s: must be one of %(known)s") % {"field": name, "known": ", ".join(known)})
    return value


def _list(name: str, value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidProfile(_("%(field)s: a list of words") % {"field": name})
    return [v.strip() for v in value if v.strip()]


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidProfile(_("deadline: a date as YYYY-MM-DD, e.g. 2027-03-31")) from None


def _organisation(value):
    from lshub.registry.models import Organisation

    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        return value
    found = Organisation.objects.filter(slug=str(value).strip()).first()
    if found is None:
        raise InvalidProfile(_("organisation: no organisation with key %(key)r") % {"key": str(value)})
    return found


@transaction.atomic
def save(data: dict, *, profile: PartneringProfile | None = None, user=None) -> PartneringProfile:
    """Create a profile (profile=None) or change the given fields of one."""
    cleaned = clean(data, partial=profile is not None)
    areas = cleaned.pop("areas", None)
    if profile is None:
        profile = PartneringProfile(created_by=user if user and user.is_authenticated else None)
    for name, value in cleaned.items():
        setattr(profile, name, value)
    profile.save()
    if areas is not None:
        profile.areas.set(Specialisation.objects.filter(code__in=areas))
    return profile


def _area_codes(profile: PartneringProfile) -> list[str]:
    # Through .all(), so a prefetch_related("areas") is used instead of a query per profile.
    return [area.code for area in profile.areas.all()]


def as_dict(profile: PartneringProfile) -> dict:
    return {
        "id": profile.pk,
        "kind": profile.kind,
        "cooperation": profile.cooperation,
        "title": profile.title,
        "text": profile.text,
        "partner_types": profile.partner_types,
        "areas": sorted(_area_codes(profile)),
        "capabilities": profile.capabilities,
        "region": profile.region,
        "province": profile.province,
        "deadline": profile.deadline,
        "owner": profile.owner,
        "organisation": profile.organisation.slug if profile.organisation_id else None,
        "created": profile.created,
        "updated": profile.updated,
    }


# -- searching and matching profiles ----------------------------------------------------------


def _record(profile: PartneringProfile) -> Record:
    areas = {code: False for code in _area_codes(profile)}
    return Record(
        id=profile.pk,
        slug=str(profile.pk),
        name=profile.title,
        type=profile.kind,
        names=[profile.title],
        texts=[profile.text, *profile.capabilities, profile.get_cooperation_display()],
        areas=areas,
    )


def _profile_index(profiles) -> PartneringIndex:
    from .index import ancestors_from_registry

    return PartneringIndex([_record(p) for p in profiles], vocab.current(), ancestors=ancestors_from_registry())


def search(q: str = "", *, kind: str = "", cooperation: str = "") -> list[PartneringProfile]:
    """Profiles matching words in any language (same vocabulary as the matchmaking), newest first
    when there are no words."""
    profiles = PartneringProfile.objects.prefetch_related("areas").select_related("organisation")
    if kind:
        profiles = profiles.filter(kind=_choice("kind", kind, ProfileKind.values))
    if cooperation:
        profiles = profiles.filter(cooperation=_choice("cooperation", cooperation, Cooperation.values))
    profiles = list(profiles)
    if not q.strip():
        return profiles
    if len(q) > MAX_TEXT:
        raise InvalidProfile(_("q: at most %(max)d characters") % {"max": MAX_TEXT})
    index = _profile_index(profiles)
    by_id = {p.pk: p for p in profiles}
    return [by_id[pk] for pk, _score in index.top(index.understand(q), k=len(profiles) or 1)]


def request_for(profile: PartneringProfile, limit: int = 10) -> MatchRequest:
    """The matchmaking request a profile states: its words, wanted types, areas and place."""
    words = " ".join([profile.title, profile.text, *profile.capabilities])
    return MatchRequest(
        text=words[: 2000],
        types=list(profile.partner_types),
        areas=_area_codes(profile),
        provinces=[profile.province] if profile.province else [],
        region=profile.region,
        limit=limit,
    )


@dataclass
class ProfileMatch:
    profile: PartneringProfile
    score: float
    reasons: list[str]


def matching_profiles(profile: PartneringProfile, limit: int = 10) -> list[ProfileMatch]:
    """For a request, the offers that answer it (for an offer, the requests it answers)."""
    other = ProfileKind.OFFER if profile.kind == ProfileKind.REQUEST else ProfileKind.REQUEST
    others = list(PartneringProfile.objects.filter(kind=other).exclude(pk=profile.pk).prefetch_related("areas"))
    if not others:
        return []
    index = _profile_index(others)
    request = request_for(profile)
    need = index.understand(request.text)
    text = dict(index.top(need, k=len(others)))
    best = max(text.values(), default=0.0) or 1.0
    wanted = set(request.areas) | set(need.areas)
    labels = {s.code: s.label for s in Specialisation.objects.filter(code__in=wanted)}
    found = []
    for offer in others:
        shared = sorted(wanted & set(_area_codes(offer)))
        same_kind = offer.cooperation == profile.cooperation
        score = 0.6 * text.get(offer.pk, 0.0) / best + 0.3 * (len(shared) / len(wanted) if wanted else 0) + 0.1 * same_kind
        if score <= 0.1 and not text.get(offer.pk):
            continue
        reasons = [_("shares the area %(area)s") % {"area": labels.get(code, code)} for code in shared]
        if same_kind:
            reasons.append(str(offer.get_cooperation_display()))
        if offer.deadline:
            reasons.append(_("deadline %(date)s") % {"date": offer.deadline.isoformat()})
        found.append(ProfileMatch(offer, score, reasons))
    found.sort(key=lambda m: (-m.score, m.profile.title))
    return found[:limit]
