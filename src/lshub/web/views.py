"""The registry's web pages: thin adapters over the registry services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lshub.registry.models import Organisation
from lshub.registry.services import directory, history, profile
from lshub.sources.services.trials import trials_for

from . import mapdata
from .labels import ownership_label, subtype_label, type_label
from .facets import chosen_filters, facet_options
from .query import filters_only, parse


@require_GET
def home(request):
    """The ecosystem at a glance: counts by type and subtype, IRCCS in the region by area."""
    type_counts = directory.counts_by("type")
    by_type = [(value, type_label(value), n) for value, n in type_counts]
    by_subtype = [(value, subtype_label(value), n) for value, n in directory.counts_by("subtype") if value]
    seated = directory.irccs_seated_in().count()
    irccs_total = dict(type_counts).get("irccs", 0)
    by_area = directory.irccs_by_area()
    return render(
        request,
        "web/home.html",
        {
            "total": sum(n for _value, n in type_counts),  # every organisation has a type
            "by_type": _with_share(by_type),
            "by_subtype": by_subtype,
            "irccs_seated": seated,
            "irccs_seated_elsewhere": irccs_total - seated,
            "by_area": _with_share([(s.code, s.label, n) for s, n in by_area]),
        },
    )


def _with_share(rows: list[tuple[str, str, int]]) -> list[tuple[str, str, int, int]]:
    """Append each row's length as a percentage of the largest, for drawing bars."""
    largest = max((row[-1] for row in rows), default=0) or 1
    return [(value, label, n, round(100 * n / largest)) for value, label, n in rows]


@require_GET
def directory_page(request):
    """Search and facets over the registry; a fragment for htmx, a whole page otherwise."""
    context = {}
    status = 200
    try:
        parsed = parse(request.GET)
        result = directory.browse(parsed.query)
    except directory.InvalidQuery as error:
        parsed, result, status = None, None, 400
        context["error"] = str(error)
    if result is not None:
        prefetch_related_objects(result.organisations, "sites", "specialisation_links__specialisation")
        facets = facet_options(result)
        context.update(
            result=result,
            facets=facets,
            chosen=chosen_filters(request.GET, facets),
            typed=parsed.typed,
            unsearchable=parsed.unsearchable,
            filters=filters_only(request.GET).urlencode(),
            first_number=(result.page - 1) * result.query.page_size + 1,
            only_search=urlencode({"q": parsed.query.q}) if parsed.query.q else "",
        )
    else:
        context.update(typed=request.GET.get("q", "")[:500], filters="")
    template = "web/directory.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "web/_directory_body.html"
    response = render(request, template, context, status=status)
    # The same URL answers with a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def organisation(request, slug):
    """Everything the registry holds on one organisation, with its sources and history."""
    org = get_object_or_404(Organisation, slug=slug)
    language = get_language()
    own_description = org.description_it if language == "it" else org.description_en
    sites = list(org.sites.all())
    return render(
        request,
        "web/organisation.html",
        {
            "org": org,
            "type_label": type_label(org.type),
            "subtype_label": subtype_label(org.subtype) if org.subtype else "",
            "description_fallback": bool(org.description) and not own_description,
            "aliases": org.aliases.all(),
            "identifiers": org.identifiers.all(),
            "specialisations": org.specialisation_links.select_related("specialisation").order_by(
                "-recognised", "specialisation__kind", "specialisation__label_en"
            ),
            "relations": profile.relations_both_ways(org),
            "sites": sites,
            "markers": mapdata.site_markers(sites),
            "tile_url": settings.LSHUB_TILE_URL,
            "sources": org.source_links.select_related("source").order_by("source__url", "field"),
            "changes": _history_rows(history.changes(org)),
            "trials": trials_for(org),
        },
    )


def _history_rows(changes: list[history.Change]) -> list[dict]:
    """History steps with readable field names and values (choice labels, not codes)."""
    rows = []
    for change in changes:
        fields = [(_field_label(name), _field_value(name, old), _field_value(name, new)) for name, old, new in change.fields]
        rows.append({"change": change, "fields": fields})
    return rows


def _field_label(name: str) -> str:
    try:
        return str(Organisation._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed from the model still has a history
        return name


def _field_value(name: str, value):
    if value in (None, ""):
        return None
    if name == "type":
        return type_label(value)
    if name == "subtype":
        return subtype_label(value)
    if name == "ownership":
        return ownership_label(value)
    return value


@require_POST
def revert(request, slug, history_id):
    """Staff put an organisation back to an earlier version; the revert is itself recorded."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff can revert changes."))
    org = get_object_or_404(Organisation, slug=slug)
    try:
        history.revert(org, history_id, user=request.user)
    except history.CannotRevert:
        raise Http404(_("This version does not belong to this organisation.")) from None
    messages.success(request, _("The organisation was reverted. The revert is recorded in its history."))
    return redirect(org.get_absolute_url() + "#history")


@require_GET
def map_page(request):
    """Organisations with coordinates on a map; the directory's filters apply."""
    context = {"tile_url": settings.LSHUB_TILE_URL, "filters": filters_only(request.GET).urlencode()}
    status = 200
    try:
        parsed = parse(request.GET)
        parsed.query.validate()
    except directory.InvalidQuery as error:
        context["error"] = str(error)
        status = 400
    else:
        organisations = directory.filtered(parsed.query)
        context.update(mapdata.for_organisations(organisations, parsed.query.province), unsearchable=parsed.unsearchable)
    return render(request, "web/map.html", context, status=status)
