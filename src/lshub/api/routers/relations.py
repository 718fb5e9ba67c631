"""/api/relations: typed links between organisations (member of, part of…)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from lshub.registry.choices import RelationKind
from lshub.registry.models import Relation
from lshub.registry.services import editing, profile
from lshub.registry.services.directory import MAX_PAGE_SIZE

from ..auth import TokenAuth, editor
from ..common import organisation_by_key, reject_unknown_parameters
from ..errors import BadRequest
from ..schemas import Error, Id, RelationIn, RelationPage, Text
from ..schemas import Relation as RelationOut

router = Router(tags=["relations"])

LIST_PARAMETERS = {"kind", "organisation", "page", "page_size"}
WRITE_ERRORS = {400: Error, 401: Error, 404: Error, 409: Error, 422: Error}


@router.get("", response={200: RelationPage, 400: Error, 422: Error}, summary="List relations")
def list_relations(
    request,
    kind: list[Text] = Query([], description="member_of, partner_of, part_of, affiliated_with (repeatable)"),
    organisation: Text = Query("", description="id or slug: relations where it is subject or object"),
    page: int = Query(1),
    page_size: int = Query(50, description=f"1 to {MAX_PAGE_SIZE}"),
):
    reject_unknown_parameters(request, LIST_PARAMETERS)
    relations = Relation.objects.select_related("subject", "object", "source").order_by("subject__name", "kind", "id")
    unknown_kinds = [k for k in kind if k not in RelationKind.values]
    if unknown_kinds:
        raise BadRequest(_("kind: unknown value %(value)r") % {"value": unknown_kinds[0]}, "kind")
    if kind:
        relations = relations.filter(kind__in=kind)
    if organisation:
        found = organisation_by_key(organisation)
        if found is None:
            raise BadRequest(_("organisation: no organisation with id or slug %(key)r") % {"key": organisation}, "organisation")
        relations = relations.filter(Q(subject=found) | Q(object=found))
    if page < 1:
        raise BadRequest(_("page: must be 1 or more"), "page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise BadRequest(_("page_size: must be between 1 and %(max)d") % {"max": MAX_PAGE_SIZE}, "page_size")
    paginator = Paginator(relations, page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "results": [profile.relation(r) for r in current.object_list],
    }


@router.post("", auth=TokenAuth(), response={201: RelationOut, **WRITE_ERRORS}, summary="Create a relation")
def create_relation(request, payload: RelationIn):
    """`subject` is `kind` `object`: e.g. {"subject": "ifom", "kind": "member_of", "object": "lombardy-life-sciences-cluster"}."""
    ends = {}
    for end in ("subject", "object"):
        ends[end] = organisation_by_key(getattr(payload, end))
        if ends[end] is None:
            raise BadRequest(_("%(end)s: no organisation with id or slug %(key)r") % {"end": end, "key": getattr(payload, end)}, end)
    relation = editing.add_relation(
        ends["subject"], payload.kind, ends["object"], note=payload.note, source_url=payload.source_url, **editor(request)
    )
    return 201, profile.relation(relation)


@router.delete("/{relation_id}", auth=TokenAuth(), response={204: None, **WRITE_ERRORS}, summary="Delete a relation")
def delete_relation(request, relation_id: Id):
    relation = Relation.objects.filter(pk=relation_id).first()
    if relation is None:
        raise Http404(_("no relation with id %(id)s") % {"id": relation_id})
    editing.remove(relation, **editor(request))
    return 204, None
