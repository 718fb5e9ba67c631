"""Controlled vocabularies of the registry, with English labels translated to Italian."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    COMPANY = "company", _("Company")
    IRCCS = "irccs", _("Research hospital (IRCCS)")
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_AUTHORITY = "health_authority", _("Health authority")
    UNIVERSITY = "university", _("University")
    RESEARCH_CENTRE = "research_centre", _("Research centre")
    CLUSTER = "cluster", _("Cluster")
    ASSOCIATION = "association", _("Association")
    FOUNDATION = "foundation", _("Foundation")
    PUBLIC_BODY = "public_body", _("Public body")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")
    UNKNOWN = "", _("Not recorded")


class RelationKind(models.TextChoices):
    MEMBER_OF = "member_of", _("member of")
    PARTNER_OF = "partner_of", _("partner of")
    PART_OF = "part_of", _("part of")
    AFFILIATED_WITH = "affiliated_with", _("affiliated with")


# How each relation reads from the other end, for "relations both ways".
RELATION_INVERSE_LABELS = {
    RelationKind.MEMBER_OF: _("has member"),
    RelationKind.PARTNER_OF: _("partner of"),
    RelationKind.PART_OF: _("includes"),
    RelationKind.AFFILIATED_WITH: _("has affiliate"),
}


class SpecialisationKind(models.TextChoices):
    THERAPEUTIC_AREA = "therapeutic_area", _("Therapeutic area")
    TECHNOLOGY = "technology", _("Technology")
    VALUE_CHAIN = "value_chain", _("Value-chain segment")
    MISSION = "mission", _("Mission")


class AliasKind(models.TextChoices):
    ACRONYM = "acronym", _("Acronym")
    SHORT = "short", _("Short name")
    TRANSLATION = "translation", _("Translation")
    FORMER = "former", _("Former name")
    VARIANT = "variant", _("Variant")


class IdentifierScheme(models.TextChoices):
    ROR = "ror", "ROR"
    WIKIDATA = "wikidata", "Wikidata"
    VAT = "vat", _("VAT number")
    MINSALUTE = "minsalute", _("Ministry of Health code")
    GRID = "grid", "GRID"
    ISNI = "isni", "ISNI"
    FUNDREF = "fundref", "Crossref Funder ID"


# Where each identifier resolves; a value missing here is shown as plain text.
IDENTIFIER_URLS = {
    IdentifierScheme.ROR: "https://ror.org/{}",
    IdentifierScheme.WIKIDATA: "https://www.wikidata.org/wiki/{}",
    IdentifierScheme.GRID: "https://www.grid.ac/institutes/{}",
    IdentifierScheme.ISNI: "https://isni.org/isni/{}",
    IdentifierScheme.FUNDREF: "https://api.crossref.org/funders/{}",
}
