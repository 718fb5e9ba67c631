"""The shapes the API reads and writes; these also make the OpenAPI description."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

MAX_ID = 2**63 - 1  # the largest id the database can hold


def _no_null_character(value: str) -> str:
    # Databases refuse NUL inside text (PostgreSQL errors out): refuse it here, with a message.
    if "\x00" in value:
        raise ValueError("must not contain a null character")
    return value


# Text from clients: surrounding spaces dropped (a name of only spaces is an empty name).
Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_null_character)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1, le=2999)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]


class Error(Schema):
    detail: str = Field(description="what is wrong, in plain words")
    field: str | None = Field(None, description="the parameter or field to blame, when there is one")


# ---- reading -------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class OrganisationSummary(Schema):
    id: int
    slug: str
    name: str
    display_name: str
    short_name: str
    type: str
    type_label: str
    subtype: str
    ownership: str
    provinces: list[str]
    score: float | None = Field(None, description="relevance to q (higher is better); only when searching")
    url: str = Field(description="the organisation's web page")
    api_url: str = Field(description="the organisation's detail in this API")


class FacetValue(Schema):
    value: str
    label: str
    count: int


class OrganisationPage(Schema):
    count: int = Field(description="organisations matching, on all pages")
    page: int
    pages: int
    page_size: int
    results: list[OrganisationSummary]
    facets: dict[str, list[FacetValue]] | None = Field(
        None, description="with facets=true: for each filter, the values present and how many each would give"
    )


class Alias(Schema):
    id: int
    name: str
    kind: str
    language: str


class Site(Schema):
    id: int
    label: str
    is_headquarters: bool
    address: str
    comune: str
    istat_code: str
    province: str
    nuts2: str
    nuts3: str
    latitude: float | None
    longitude: float | None
    coordinates_precision: str


class Identifier(Schema):
    id: int
    scheme: str
    scheme_label: str
    value: str
    url: str = Field(description="where the identifier resolves; empty when the scheme has no resolver")


class OrganisationSpecialisation(Schema):
    code: str
    kind: str
    label: str
    label_en: str
    label_it: str
    wording: str = Field(description="the words the source used (e.g. an IRCCS recognition decree)")
    recognised: bool = Field(description="formally recognised, e.g. the area of an IRCCS decree")


class SourceRef(Schema):
    url: str
    publisher: str
    title: str


class Relation(Schema):
    id: int
    kind: str
    label: str = Field(description="how the relation reads from this side ('part of' / 'includes')")
    subject: OrganisationRef
    object: OrganisationRef
    note: str
    source: SourceRef | None


class RelationSeen(Relation):
    direction: str = Field(description="'out' when the organisation is the subject, 'in' when it is the object")
    other: OrganisationRef


class SourceLink(Schema):
    publisher: str
    title: str
    url: str
    retrieved: datetime.date | None
    field: str = Field(description="the field the source vouches for; empty for the whole record")
    record_id: str


class OrganisationDetail(Schema):
    id: int
    slug: str
    name: str = Field(description="the official name")
    display_name: str = Field(description="the name in the requested language where known")
    short_name: str
    name_en: str
    name_it: str
    aliases: list[Alias]
    type: str
    type_label: str
    subtype: str
    ownership: str
    ownership_label: str
    description: str
    description_en: str
    description_it: str
    website: str
    founded: int | None
    employees: int | None
    employees_year: int | None
    note: str
    updated: datetime.datetime
    sites: list[Site]
    identifiers: list[Identifier]
    specialisations: list[OrganisationSpecialisation]
    relations: list[RelationSeen]
    sources: list[SourceLink]
    url: str
    api_url: str


class FieldChange(Schema):
    field: str
    old: str | int | float | bool | None
    new: str | int | float | bool | None


class HistoryStep(Schema):
    history_id: int
    when: datetime.datetime
    who: str
    kind: str = Field(description="created, changed or deleted")
    reason: str
    fields: list[FieldChange]


class RelationPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[Relation]


class NaceCode(Schema):
    code: str
    title: str | None = Field(description="Italian ATECO 2007 title; null for a code that edition lacks")


class Specialisation(Schema):
    code: str
    kind: str
    label: str
    label_en: str
    label_it: str
    parent: str | None
    is_irccs_area: bool
    nace_codes: list[NaceCode]


class AreaCount(Schema):
    code: str
    label: str
    count: int


class IrccsStats(Schema):
    region: str = Field(description="NUTS 2 code of the region")
    seated: int = Field(description="IRCCS whose seat is in the region")
    organisations: list[OrganisationRef]
    by_area: list[AreaCount]


class Stats(Schema):
    organisations: int
    by_type: list[FacetValue]
    by_ownership: list[FacetValue]
    irccs: IrccsStats


# ---- writing -------------------------------------------------------------------------


class Seat(Schema):
    model_config = ConfigDict(extra="forbid")

    comune: Text = Field(min_length=1, description="Italian municipality, e.g. 'Milano'")
    province: Text = Field("", description="province sigla, needed when the name is ambiguous")


class OrganisationFields(Schema):
    """Fields shared by create and update; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    short_name: Text | None = None
    name_en: Text | None = None
    name_it: Text | None = None
    subtype: Text | None = None
    ownership: Text | None = Field(None, description="public, private or empty")
    description_en: Text | None = None
    description_it: Text | None = None
    website: Text | None = None
    founded: Year | None = None
    employees: Count | None = None
    employees_year: Year | None = None
    note: Text | None = None


class OrganisationCreate(OrganisationFields):
    name: Text = Field(min_length=1, description="the official name")
    type: Text = Field(description="irccs, hospital, university, company…")
    slug: Text = Field("", description="the key in URLs; made from the short or official name when empty")
    seat: Seat | None = Field(None, description="the municipality of the headquarters")


class OrganisationUpdate(OrganisationFields):
    name: Text | None = Field(None, min_length=1)
    type: Text | None = None


class IdentifierIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scheme: Text = Field(description="ror, wikidata, vat, minsalute, grid, isni, fundref")
    value: Text = Field(min_length=1)


class AliasIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1)
    kind: Text = Field("variant", description="acronym, short, translation, former or variant")
    language: Text = Field("", description="e.g. 'it' or 'en'")


class RelationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: Text = Field(description="id or slug of the organisation the relation starts from")
    kind: Text = Field(description="member_of, partner_of, part_of or affiliated_with")
    object: Text = Field(description="id or slug of the other organisation")
    note: Text = ""
    source_url: Text = Field("", description="where the relation is stated")
