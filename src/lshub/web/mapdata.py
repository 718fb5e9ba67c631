"""What the maps draw: one marker per site with coordinates, coloured by organisation type."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lshub.registry.models import Site

from .labels import TYPE_COLOURS, type_label

FALLBACK_COLOUR = "#555555"


def _marker(site: Site) -> dict:
    org = site.organisation
    place = str(site)
    if site.coordinates_precision == "municipality":
        place = _("%(place)s (centre of the municipality)") % {"place": place}
    return {
        "name": org.display_name,
        "url": org.get_absolute_url(),
        "type": org.type,
        "type_label": type_label(org.type),
        "colour": TYPE_COLOURS.get(org.type, FALLBACK_COLOUR),
        "lat": site.latitude,
        "lng": site.longitude,
        "place": place,
        "comune": site.comune,
    }


def site_markers(sites: list[Site]) -> list[dict]:
    """Markers for one organisation's sites that have coordinates."""
    return [_marker(site) for site in sites if site.latitude is not None and site.longitude is not None]


def for_organisations(organisations: QuerySet, provinces: list[str] | None = None) -> dict:
    """Markers for every located site of `organisations`, a legend, and what could not be drawn.

    With `provinces` (the directory's province filter) only the sites in those provinces
    are drawn: an organisation found in Pavia is shown in Pavia, not at its sites elsewhere.
    """
    sites = Site.objects.filter(organisation__in=organisations, latitude__isnull=False, longitude__isnull=False)
    if provinces:
        sites = sites.filter(province__in=provinces)
    sites = sites.select_related("organisation").order_by("organisation__name")
    markers = [_marker(site) for site in sites]
    located = {site.organisation_id for site in sites}
    per_type = Counter(type_ for _id, type_ in {(site.organisation_id, site.organisation.type) for site in sites})
    legend = [
        (value, type_label(value), TYPE_COLOURS.get(value, FALLBACK_COLOUR), n)
        for value, n in sorted(per_type.items(), key=lambda item: -item[1])
    ]
    return {
        "markers": markers,
        "legend": legend,
        "located": len(located),
        # A subquery, not the list of located ids: at 100,000 organisations that list alone
        # made a statement of hundreds of kilobytes.
        "unlocated": organisations.exclude(id__in=sites.values("organisation_id")).order_by("name"),
    }
