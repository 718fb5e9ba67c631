"""/api/organisations: the directory (list, filter, search) and each organisation's record.

Listing goes through the directory service, so the API filters and ranks exactly as the
web directory does. Writes need a token and go through the editing service.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from lshub.registry.choices import OrganisationType, Ownership
from lshub.registry.services import editing, history, profile
from lshub.registry.services.directory import FACETS, DirectoryQuery, browse

from ..auth import TokenAuth, editor
from ..common import find_organisation, links, reject_unknown_parameters
from ..schemas import (
    Error,
    HistoryStep,
    Id,
    OrganisationCreate,
    OrganisationDetail,
    OrganisationPage,
    OrganisationUpdate,
    Text,
)
from ..schemas import Alias as AliasOut
from ..schemas import AliasIn, IdentifierIn, Seat
from ..schemas import Identifier as IdentifierOut
from ..schemas import Site as SiteOut

router = Router(tags=["organisations"])

TYPES = ", ".join(OrganisationType.values)
OWNERSHIPS = ", ".join(v for v in Ownership.values if v)
LIST_PARAMETERS = {"q", *FACETS, "page", "page_size", "facets"}
READ_ERRORS = {400: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 404: Error, 409: Error, 422: Error}


def _summary(request, organisation) -> dict:
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "display_name": organisation.display_name,
        "short_name": organisation.short_name,
        "type": organisation.type,
        "type_label": str(organisation.get_type_display()),
        "subtype": organisation.subtype,
        "ownership": organisation.ownership,
        "provinces": sorted({site.province for site in organisation.sites.all() if site.province}),
        "score": getattr(organisation, "score", None),
        **links(request, organisation),
    }


def _detail(request, organisation) -> dict:
    return {**profile.profile(organisation), **links(request, organisation)}


@router.get(
    "",
    response={200: OrganisationPage, **READ_ERRORS},
    exclude_none=True,
    url_name="organisations",
    summary="List, filter and search organisations",
)
def list_organisations(
    request,
    q: Text = Query("", description="words to search for; accents and case do not matter"),
    type_: list[Text] = Query([], alias="type", description=f"organisation type (repeatable): {TYPES}"),
    subtype: list[Text] = Query([], description="subtype (repeatable)"),
    province: list[Text] = Query([], description="province sigla of any site (repeatable): MI, PV…"),
    specialisation: list[Text] = Query([], description="specialisation code (repeatable); includes its children"),
    ownership: list[Text] = Query([], description=f"ownership (repeatable): {OWNERSHIPS}"),
    page: int = Query(1, description="page number, from 1; past the last page gives the last page"),
    page_size: int = Query(settings.LSHUB_PAGE_SIZE, description="results per page, 1 to 200"),
    facets: bool = Query(False, description="also count, for each filter, the values present"),
):
    """Values of one filter are alternatives (type=irccs&type=hospital); different filters all apply."""
    reject_unknown_parameters(request, LIST_PARAMETERS)
    query = DirectoryQuery(
        q=q,
        type=type_,
        subtype=subtype,
        province=province,
        specialisation=specialisation,
        ownership=ownership,
        page=page,
        page_size=page_size,
    )
    result = browse(query, with_facets=facets)
    prefetch_related_objects(result.organisations, "sites")
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "page_size": query.page_size,
        "results": [_summary(request, o) for o in result.organisations],
        "facets": (
            {
                name: [{"value": v, "label": label, "count": n} for v, label, n in values]
                for name, values in result.facets.items()
            }
            if facets
            else None
        ),
    }


@router.get(
    "/{key}",
    response={200: OrganisationDetail, **READ_ERRORS},
    url_name="organisation",
    summary="One organisation, in full",
)
def organisation_detail(request, key: Text):
    """`key` is the organisation's slug (e.g. `besta`) or its numeric id."""
    reject_unknown_parameters(request, set())
    return _detail(request, find_organisation(key))


@router.get("/{key}/history", response={200: list[HistoryStep], **READ_ERRORS}, summary="Change history")
def organisation_history(request, key: Text):
    """Every change to the organisation's fields, newest first, with who made it and why."""
    reject_unknown_parameters(request, set())
    steps = history.changes(find_organisation(key))
    return [
        {
            **step.__dict__,
            "fields": [{"field": f, "old": _plain(old), "new": _plain(new)} for f, old, new in step.fields],
        }
        for step in steps
    ]


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


# ---- writes ------------------------------------------------------------------------------


@router.post("", auth=TokenAuth(), response={201: OrganisationDetail, **WRITE_ERRORS}, summary="Create")
def create_organisation(request, payload: OrganisationCreate):
    values = payload.model_dump(exclude_unset=True, exclude={"slug", "seat"})
    seat = (payload.seat.comune, payload.seat.province) if payload.seat else None
    organisation = editing.create_organisation(values, slug=payload.slug, seat=seat, **editor(request))
    return 201, _detail(request, organisation)


@router.patch("/{key}", auth=TokenAuth(), response={200: OrganisationDetail, **WRITE_ERRORS}, summary="Update")
def update_organisation(request, key: Text, payload: OrganisationUpdate):
    """Only the fields sent change; null clears a field."""
    organisation = find_organisation(key)
    editing.update_organisation(organisation, payload.model_dump(exclude_unset=True), **editor(request))
    return _detail(request, organisation)


@router.delete("/{key}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS}, summary="Delete")
def delete_organisation(request, key: Text):
    editing.remove(find_organisation(key), **editor(request))
    return 204, None


@router.post("/{key}/identifiers", auth=TokenAuth(), response={201: IdentifierOut, **WRITE_ERRORS})
def add_identifier(request, key: Text, payload: IdentifierIn):
    identifier = editing.add_identifier(find_organisation(key), payload.scheme, payload.value, **editor(request))
    return 201, profile.identifier(identifier)


@router.delete("/{key}/identifiers/{identifier_id}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS})
def remove_identifier(request, key: Text, identifier_id: Id):
    organisation = find_organisation(key)
    editing.remove(_owned(organisation.identifiers, identifier_id, "identifier"), **editor(request))
    return 204, None


@router.post("/{key}/aliases", auth=TokenAuth(), response={201: AliasOut, **WRITE_ERRORS})
def add_alias(request, key: Text, payload: AliasIn):
    alias = editing.add_alias(find_organisation(key), payload.name, payload.kind, payload.language, **editor(request))
    return 201, profile.alias(alias)


@router.delete("/{key}/aliases/{alias_id}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS})
def remove_alias(request, key: Text, alias_id: Id):
    organisation = find_organisation(key)
    editing.remove(_owned(organisation.aliases, alias_id, "alias"), **editor(request))
    return 204, None


@router.post("/{key}/sites", auth=TokenAuth(), response={201: SiteOut, **WRITE_ERRORS})
def add_site(request, key: Text, payload: Seat):
    """A site in an Italian municipality; its ISTAT and NUTS codes and centre are filled in."""
    site = editing.add_site(find_organisation(key), payload.comune, payload.province, **editor(request))
    return 201, profile.site(site)


@router.delete("/{key}/sites/{site_id}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS})
def remove_site(request, key: Text, site_id: Id):
    organisation = find_organisation(key)
    editing.remove(_owned(organisation.sites, site_id, "site"), **editor(request))
    return 204, None


def _owned(related_manager, pk: int, what: str):
    """One of the organisation's parts, or 404 when it is not this organisation's."""
    part = related_manager.filter(pk=pk).first()
    if part is None:
        raise Http404(_("this organisation has no %(what)s with id %(id)s") % {"what": what, "id": pk})
    return part

