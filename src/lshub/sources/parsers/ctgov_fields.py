"""The fields lshub keeps from a study, read from each of the three ClinicalTrials.gov shapes.

Vocabularies are brought to the API v2 spelling (PHASE2, INTERVENTIONAL, ACTIVE_NOT_RECRUITING)
whatever the format, so trials from different files compare.
"""

from __future__ import annotations

import re
from datetime import datetime

from .base import candidate, clean, unique
from .places import country_code, italian_comune

# Sponsor classes → registry-ish organisation types, as a hint for the linker.
SPONSOR_TYPES = {"INDUSTRY": ["company"], "NIH": ["government"], "FED": ["government"], "OTHER_GOV": ["government"]}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%B %d, %Y", "%B %Y", "%b %d, %Y", "%b %Y")


def as_list(value) -> list:
    """XML and the classic API give one item bare and several as a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def dig(data, *keys, default=None):
    for key in keys:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def upper_snake(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", clean(text).upper()).strip("_")


def phases(values) -> list[str]:
    """'Phase 1/Phase 2' → ['PHASE1', 'PHASE2']; 'N/A' → ['NA']; v2 values pass through."""
    found = []
    for value in values:
        text = clean(value)
        if upper_snake(text) in ("N_A", "NA", "NOT_APPLICABLE"):
            found.append("NA")
            continue
        for part in re.split(r"/", text):
            word = upper_snake(part).replace("PHASE_", "PHASE")
            if word:
                found.append(word)
    return unique(found)


def status(text: str) -> str:
    word = upper_snake(text)
    return "UNKNOWN" if word == "UNKNOWN_STATUS" else word


def study_type(text: str) -> str:
    """'Observational [Patient Registry]' → 'OBSERVATIONAL'."""
    return upper_snake(re.sub(r"\[.*?\]", "", clean(text)))


def start_date(text: str) -> str:
    """ISO date (first of the month when only a month is given), or '' when unreadable."""
    text = clean(text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def sponsor(name, agency_class, role, raw) -> dict:
    return {
        "raw": raw,
        "candidate": candidate(
            name=clean(name),
            types=SPONSOR_TYPES.get(upper_snake(agency_class), []),
            role=role,
            agency_class=upper_snake(agency_class),
        ),
    }


def site(facility, city, state, zip_code, country, raw, lat=None, lon=None) -> dict:
    code = country_code(country)
    comune = italian_comune(clean(city), clean(state)) if code == "IT" else None
    return {
        "raw": raw,
        "candidate": candidate(
            name=clean(facility),
            city=comune.name if comune else clean(city),  # ISTAT spelling: "Milan" → "Milano"
            province=comune.province if comune else "",
            nuts2=comune.nuts2 if comune else "",
            country=code,
            country_name=clean(country),
            state=clean(state),
            zip=clean(zip_code),
            lat=lat,
            lon=lon,
        ),
    }


def v2_study(study: dict) -> dict:
    protocol = study.get("protocolSection") or {}
    ident, status_mod = protocol.get("identificationModule") or {}, protocol.get("statusModule") or {}
    sponsors_mod, design = protocol.get("sponsorCollaboratorsModule") or {}, protocol.get("designModule") or {}
    lead = sponsors_mod.get("leadSponsor") or {}
    sponsors = (
        [sponsor(lead.get("name"), lead.get("class"), "lead", {"role": "lead", **lead})] if lead.get("name") else []
    )
    sponsors += [
        sponsor(c.get("name"), c.get("class"), "collaborator", {"role": "collaborator", **c})
        for c in sponsors_mod.get("collaborators") or []
        if isinstance(c, dict) and c.get("name")
    ]
    locations = dig(protocol, "contactsLocationsModule", "locations", default=[])
    return {
        "nct_id": clean(ident.get("nctId")),
        "title": clean(ident.get("briefTitle") or ident.get("officialTitle")),
        "official_title": clean(ident.get("officialTitle")),
        "phases": phases(design.get("phases") or []),
        "overall_status": status(status_mod.get("overallStatus")),
        "study_type": study_type(design.get("studyType")),
        "conditions": unique(dig(protocol, "conditionsModule", "conditions", default=[])),
        "start_date": start_date(dig(status_mod, "startDateStruct", "date", default="")),
        "sponsor_name": clean(lead.get("name")),
        "sponsors": sponsors,
        "sites": [
            site(
                loc.get("facility"),
                loc.get("city"),
                loc.get("state"),
                loc.get("zip"),
                loc.get("country"),
                {k: v for k, v in loc.items() if k != "contacts"},
                dig(loc, "geoPoint", "lat"),
                dig(loc, "geoPoint", "lon"),
            )
            for loc in locations
            if isinstance(loc, dict)
        ],
    }


def classic_study(study: dict) -> dict:
    protocol = study.get("ProtocolSection") or {}
    ident, status_mod = protocol.get("IdentificationModule") or {}, protocol.get("StatusModule") or {}
    sponsors_mod, design = protocol.get("SponsorCollaboratorsModule") or {}, protocol.get("DesignModule") or {}
    lead = sponsors_mod.get("LeadSponsor") or {}
    sponsors = []
    if lead.get("LeadSponsorName"):
        sponsors.append(
            sponsor(lead["LeadSponsorName"], lead.get("LeadSponsorClass"), "lead", {"role": "lead", **lead})
        )
    for c in as_list(dig(sponsors_mod, "CollaboratorList", "Collaborator")):
        if isinstance(c, dict) and c.get("CollaboratorName"):
            sponsors.append(
                sponsor(
                    c["CollaboratorName"], c.get("CollaboratorClass"), "collaborator", {"role": "collaborator", **c}
                )
            )
    locations = as_list(dig(protocol, "ContactsLocationsModule", "LocationList", "Location"))
    return {
        "nct_id": clean(ident.get("NCTId")),
        "title": clean(ident.get("BriefTitle") or ident.get("OfficialTitle")),
        "official_title": clean(ident.get("OfficialTitle")),
        "phases": phases(as_list(dig(design, "PhaseList", "Phase"))),
        "overall_status": status(status_mod.get("OverallStatus")),
        "study_type": study_type(design.get("StudyType")),
        "conditions": unique(as_list(dig(protocol, "ConditionsModule", "ConditionList", "Condition"))),
        "start_date": start_date(dig(status_mod, "StartDateStruct", "StartDate", default="")),
        "sponsor_name": clean(lead.get("LeadSponsorName")),
        "sponsors": sponsors,
        "sites": [
            site(
                loc.get("LocationFacility"),
                loc.get("LocationCity"),
                loc.get("LocationState"),
                loc.get("LocationZip"),
                loc.get("LocationCountry"),
                {k: v for k, v in loc.items() if k != "LocationContactList"},
            )
            for loc in locations
            if isinstance(loc, dict)
        ],
    }


def _text(value) -> str:
    """An XML leaf, whether it came out bare or with attributes ({'#text': ..., '@type': ...})."""
    return clean(value.get("#text")) if isinstance(value, dict) else clean(value)


def xml_study(study: dict) -> dict:
    lead = dig(study, "sponsors", "lead_sponsor", default={})
    sponsors = []
    if isinstance(lead, dict) and lead.get("agency"):
        sponsors.append(sponsor(lead["agency"], lead.get("agency_class"), "lead", {"role": "lead", **lead}))
    for c in as_list(dig(study, "sponsors", "collaborator")):
        if isinstance(c, dict) and c.get("agency"):
            sponsors.append(sponsor(c["agency"], c.get("agency_class"), "collaborator", {"role": "collaborator", **c}))
    sites = []
    for location in as_list(study.get("location")):
        facility = location.get("facility") if isinstance(location, dict) else None
        facility = facility if isinstance(facility, dict) else {}
        address = facility.get("address") if isinstance(facility.get("address"), dict) else {}
        sites.append(
            site(
                facility.get("name"),
                address.get("city"),
                address.get("state"),
                address.get("zip"),
                address.get("country"),
                {"facility": facility},
            )
        )
    return {
        "nct_id": _text(dig(study, "id_info", "nct_id", default="")),
        "title": _text(study.get("brief_title") or study.get("official_title")),
        "official_title": _text(study.get("official_title")),
        "phases": phases([_text(p) for p in as_list(study.get("phase"))]),
        "overall_status": status(_text(study.get("overall_status"))),
        "study_type": study_type(_text(study.get("study_type"))),
        "conditions": unique(_text(c) for c in as_list(study.get("condition"))),
        "start_date": start_date(_text(study.get("start_date"))),
        "sponsor_name": _text(lead.get("agency")) if isinstance(lead, dict) else "",
        "sponsors": sponsors,
        "sites": sites,
    }
