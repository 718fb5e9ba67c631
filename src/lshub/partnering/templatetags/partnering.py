"""Small helpers for the partnering templates: labels of score parts and of what a need was read as."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lshub.registry.choices import OrganisationType
from lshub.registry.models import Specialisation

register = template.Library()

PART_LABELS = {
    "text": gettext_lazy("Words of the need"),
    "area": gettext_lazy("Area match"),
    "type": gettext_lazy("Kind of partner"),
    "trials": gettext_lazy("Clinical trials"),
    "relations": gettext_lazy("Networks and ties"),
    "place": gettext_lazy("Place"),
}


@register.simple_tag
def part_label(part: str) -> str:
    return str(PART_LABELS.get(part, part))


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def understood(need) -> list[str]:
    """What the need was read as: areas, kinds of partner, places and trial phases, in words."""
    labels = {s.code: s.label for s in Specialisation.objects.filter(code__in=need.areas)}
    types = dict(OrganisationType.choices)
    items = [labels.get(code, code) for code in need.areas]
    items += [str(types.get(t, t)) for t in need.types]
    items += [_("province %(p)s") % {"p": p} for p in need.provinces]
    items += [_("phase %(n)s") % {"n": n} for n in need.phases]
    if "concept:clinical-trial" in need.concepts:
        items.append(_("clinical trial"))
    return items
