"""Units of the indicator data as a reader sees them, in the active language.

Indicator definitions keep a unit code in English ("persons", "EUR bn"); pages, exports
for people and the fact sheet show its label. An unknown unit is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UNIT_LABELS = {
    "persons": gettext_lazy("people"),
    "companies": gettext_lazy("companies"),
    "institutes": gettext_lazy("institutes"),
    "students": gettext_lazy("students"),
    "researchers": gettext_lazy("researchers"),
    "scientists": gettext_lazy("scientists"),
    "centres": gettext_lazy("centres"),
    "plants": gettext_lazy("plants"),
    "studies": gettext_lazy("studies"),
    "facilities": gettext_lazy("facilities"),
    "beds": gettext_lazy("beds"),
    "hospitals": gettext_lazy("hospitals"),
    "agencies": gettext_lazy("agencies"),
    "members": gettext_lazy("members"),
    "universities": gettext_lazy("universities"),
    "organisations": gettext_lazy("organisations"),
    "EUR bn": gettext_lazy("bn €"),
    "EUR mn": gettext_lazy("mn €"),
    "EUR per inhabitant": gettext_lazy("€ per inhabitant"),
    "percent of GDP": gettext_lazy("% of GDP"),
    "percent of total employment": gettext_lazy("% of total employment"),
    "beds per 100,000 inhabitants": gettext_lazy("beds per 100,000 inhabitants"),
    "articles per million inhabitants": gettext_lazy("articles per million inhabitants"),
    "percent of the region's publications": gettext_lazy("% of the region's publications"),
    "percent of regional value added": gettext_lazy("% of regional value added"),
}
PERCENT_UNITS = {"percent", "%", "pct"}


def unit_label(unit: str) -> str:
    if unit in PERCENT_UNITS:
        return "%"
    return str(UNIT_LABELS.get(unit, unit))


def per_100k_label(unit: str) -> str:
    """'people per 100,000 inhabitants': the unit of a count divided by the population."""
    return _("%(unit)s per 100,000 inhabitants") % {"unit": unit_label(unit)}
