"""POST /api/resolve: names (with city and country when known) to registry organisations.

A ninja Router; mounted by the API at its root.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lshub.api.errors import BadRequest
from lshub.api.schemas import Error

from . import resolve as resolver
from . import strings

MAX_RECORDS = 1000

router = Router(tags=["linkage"])


class NameIn(Schema):
    name: str = Field(..., description="The name as written: an affiliation, a trial site, a company…")
    city: str | None = Field(None, description="The city, in any language (Milan, Milano, Mailand)")
    country: str | None = Field(None, description="Country name or ISO code")


class ResolveIn(Schema):
    records: list[NameIn] = Field(..., description=f"At most {MAX_RECORDS} names per request")


class ResolvedOrganisation(Schema):
    id: int
    slug: str
    name: str
    ror: str | None = Field(None, description="The organisation's ROR id as a URL, when the registry has one")
    probability: float = Field(..., description="Probability that the name denotes this organisation")


class ResolveOut(Schema):
    results: list[ResolvedOrganisation | None] = Field(..., description="One entry per record, in order; null when none is linked")


@router.post("/resolve", response={200: ResolveOut, 400: Error, 422: Error}, url_name="resolve", summary="Resolve names to organisations")
def resolve(request, payload: ResolveIn):
    """The organisation each name denotes, or null.

    Exact identifiers are not used here (names only); the probabilistic model compares
    the name, acronyms, city and country with every organisation of the registry. A
    match is returned only when it is clear (probability at least 0.9 and well ahead of
    the runner-up); doubtful ones are null.
    """
    records = payload.records
    if not records:
        raise BadRequest(_("records is empty: send at least one name"), "records")
    if len(records) > MAX_RECORDS:
        raise BadRequest(
            _("%(n)d records sent; at most %(max)d per request") % {"n": len(records), "max": MAX_RECORDS}, "records"
        )
    rows = [record.dict() for record in records]
    for index, row in enumerate(rows):
        try:
            resolver.check(row)
        except resolver.InvalidCandidate as error:
            raise BadRequest(f"records[{index}]: {error}", f"records.{index}.name") from error
    return {"results": strings.resolve_strings(rows)}
