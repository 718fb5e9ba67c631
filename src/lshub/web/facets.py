"""The directory's facets as the page shows them: titled, labelled, ticked, removable."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from lshub.registry.models import Specialisation
from lshub.registry.services.directory import FACETS, DirectoryPage

from .labels import ownership_label, subtype_label, type_label
from .query import filters_only


def facet_options(result: DirectoryPage) -> list[dict]:
    """Each facet with its title and options (value, label, count, checked).

    A chosen value that no longer has results is kept (count 0) so it can be unticked.
    """
    facets = []
    for name in FACETS:
        chosen = getattr(result.query, name)
        options = [
            (value, subtype_label(value) if name == "subtype" else label, n, value in chosen)
            for value, label, n in result.facets.get(name, [])
        ]
        present = {option[0] for option in options}
        options += [(value, _label_for(name, value), 0, True) for value in chosen if value not in present]
        facets.append({"name": name, "title": _facet_title(name), "options": options})
    return facets


def _label_for(name: str, value: str) -> str:
    """The label of a facet value that has no results at the moment (so no count row)."""
    if name == "type":
        return type_label(value)
    if name == "subtype":
        return subtype_label(value)
    if name == "ownership":
        return ownership_label(value)
    if name == "specialisation":
        found = Specialisation.objects.filter(code=value).first()
        return found.label if found else value
    return value


def chosen_filters(params: QueryDict, facets: list[dict]) -> list[tuple[str, str, str]]:
    """The filters in force as (facet title, value label, query string without that value)."""
    chosen = []
    for facet in facets:
        for value, label, _count, checked in facet["options"]:
            if checked:
                remaining = filters_only(params)
                kept = [v for v in remaining.getlist(facet["name"]) if v.strip().upper() != value.upper()]
                remaining.setlist(facet["name"], kept)
                chosen.append((facet["title"], label, remaining.urlencode()))
    return chosen


def _facet_title(name: str) -> str:
    return {
        "type": _("Type"),
        "subtype": _("Subtype"),
        "province": _("Province"),
        "specialisation": _("Specialisation"),
        "ownership": _("Ownership"),
    }[name]
