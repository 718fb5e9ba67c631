"""Everything the registry knows about one organisation or specialisation, as plain data.

The API shows an organisation as `profile()` puts it together; the web page
orders some parts its own way (recognised specialisations first) but takes its relations
from here. Labels follow the active language; values are plain str/int/float/date.
"""

from __future__ import annotations

from functools import cache

import ateco
from django.db.models import Q

from ..choices import RELATION_INVERSE_LABELS
from ..models import Alias, Identifier, Organisation, Relation, Site, Specialisation

# The ATECO edition whose titles describe the NACE codes of the taxonomy (ATECO 2007 = NACE Rev. 2).
ATECO_EDITION = "2007"


def profile(organisation: Organisation) -> dict:
    """Names, classification, sites, identifiers, specialisations, relations and sources."""
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "display_name": organisation.display_name,
        "short_name": organisation.short_name,
        "name_en": organisation.name_en,
        "name_it": organisation.name_it,
        "aliases": [alias(a) for a in organisation.aliases.order_by("name")],
        "type": organisation.type,
        "type_label": str(organisation.get_type_display()),
        "subtype": organisation.subtype,
        "ownership": organisation.ownership,
        "ownership_label": str(organisation.get_ownership_display()),
        "description": organisation.description,
        "description_en": organisation.description_en,
        "description_it": organisation.description_it,
        "website": organisation.website,
        "founded": organisation.founded,
        "employees": organisation.employees,
        "employees_year": organisation.employees_year,
        "note": organisation.note,
        "updated": organisation.updated,
        "sites": [site(s) for s in organisation.sites.all()],
        "identifiers": [identifier(i) for i in organisation.identifiers.all()],
        "specialisations": [
            {**_specialisation_labels(link.specialisation), "wording": link.wording, "recognised": link.recognised}
            for link in organisation.specialisation_links.select_related("specialisation").order_by(
                "specialisation__kind", "specialisation__label_en"
            )
        ],
        "relations": relations_both_ways(organisation),
        "sources": [
            {
                "publisher": link.source.publisher,
                "title": link.source.title,
                "url": link.source.url,
                "retrieved": link.source.retrieved,
                "field": link.field,
                "record_id": link.record_id,
            }
            for link in organisation.source_links.select_related("source").order_by("field", "source__url")
        ],
    }


def alias(a: Alias) -> dict:
    return {"id": a.pk, "name": a.name, "kind": a.kind, "language": a.language}


def identifier(i: Identifier) -> dict:
    return {"id": i.pk, "scheme": i.scheme, "scheme_label": str(i.get_scheme_display()), "value": i.value, "url": i.url}


def site(s: Site) -> dict:
    return {
        "id": s.pk,
        "label": s.label,
        "is_headquarters": s.is_headquarters,
        "address": s.address,
        "comune": s.comune,
        "istat_code": s.istat_code,
        "province": s.province,
        "nuts2": s.nuts2,
        "nuts3": s.nuts3,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "coordinates_precision": s.coordinates_precision,
    }


def _specialisation_labels(specialisation: Specialisation) -> dict:
    return {
        "code": specialisation.code,
        "kind": specialisation.kind,
        "label": specialisation.label,
        "label_en": specialisation.label_en,
        "label_it": specialisation.label_it,
    }


def relation(rel: Relation, *, seen_from: Organisation | None = None) -> dict:
    """One relation; seen from its object it reads the other way ("includes" for part_of)."""
    incoming = seen_from is not None and rel.object_id == seen_from.pk
    other = rel.subject if incoming else rel.object
    return {
        "id": rel.pk,
        "direction": "in" if incoming else "out",
        "kind": rel.kind,
        "label": str(RELATION_INVERSE_LABELS[rel.kind] if incoming else rel.get_kind_display()),
        "subject": _organisation_ref(rel.subject),
        "object": _organisation_ref(rel.object),
        "other": _organisation_ref(other),
        "note": rel.note,
        "source": {"url": rel.source.url, "publisher": rel.source.publisher, "title": rel.source.title} if rel.source else None,
    }


# What a relation's dictionary reads: an organisation with hundreds of relations would
# otherwise fetch every column (descriptions included) of both ends of each.
_ORGANISATION_REF = ("slug", "name", "name_en", "name_it")
_RELATION_COLUMNS = (
    "kind", "note", "subject_id", "object_id", "source_id", "source__url", "source__publisher", "source__title",
    *(f"subject__{f}" for f in _ORGANISATION_REF), *(f"object__{f}" for f in _ORGANISATION_REF),
)  # fmt: skip


def relations_both_ways(organisation: Organisation) -> list[dict]:
    """Relations where the organisation is the subject, then those where it is the object."""
    # One query for both directions; the order is made here (outgoing first, then by
    # kind and the other organisation's name).
    rows = Relation.objects.filter(Q(subject=organisation) | Q(object=organisation))
    rows = rows.select_related("subject", "object", "source").only(*_RELATION_COLUMNS)
    seen = [relation(r, seen_from=organisation) for r in rows]
    return sorted(seen, key=lambda row: (row["direction"] == "in", row["kind"], row["other"]["name"].casefold(), row["id"]))


def _organisation_ref(organisation: Organisation) -> dict:
    return {"id": organisation.pk, "slug": organisation.slug, "name": organisation.display_name}


def specialisation(spec: Specialisation) -> dict:
    """A taxonomy entry with its parent and the Italian ATECO title of each NACE code."""
    return {
        **_specialisation_labels(spec),
        "parent": spec.parent.code if spec.parent_id else None,
        "is_irccs_area": spec.is_irccs_area,
        "nace_codes": [{"code": code, "title": nace_title(code)} for code in spec.nace_code_list],
    }


@cache
def nace_title(code: str) -> str | None:
    """The Italian title of an ATECO 2007 / NACE Rev. 2 code; None for a code the edition lacks."""
    node = ateco.lookup(code, edition=ATECO_EDITION)
    return node.title if node else None
