"""Showing observatory numbers: localised, with the source's qualifier, gaps as words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..choices import EUROSTAT_FLAGS, Qualifier, Status
from ..units import unit_label

register = template.Library()

PREFIX = {Qualifier.AT_LEAST: "≥ ", Qualifier.ABOUT: "≈ ", Qualifier.AT_MOST: "≤ "}


@register.filter
def number(value) -> str:
    """1234567.5 -> '1,234,567.5' in English, '1.234.567,5' in Italian; '' for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent) if value != value.to_integral_value() else 0
    return number_format(value, decimal_pos=min(places, 2), use_l10n=True, force_grouping=True)


@register.filter
def figure_value(figure) -> str:
    """The value as a reader should see it: '≥ 200', '≈ 7,000', or the reason it is missing."""
    if figure.value is None:
        return status_label(figure.status)
    return PREFIX.get(figure.qualifier, "") + number(figure.value)


@register.filter
def unit(code: str) -> str:
    """An indicator's unit in the active language ('persons' reads 'persone' in Italian)."""
    return unit_label(code or "")


@register.filter
def status_label(status: str) -> str:
    labels = dict(Status.choices)
    return str(labels.get(status, status))


@register.filter
def qualifier_label(qualifier: str) -> str:
    return str(dict(Qualifier.choices).get(qualifier, qualifier)) if qualifier else ""


@register.filter
def signed(value) -> str:
    """A change in percent with its sign: '+12.5 %', '−3 %'."""
    if value is None:
        return ""
    text = number(abs(Decimal(value)))
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{text} %"


@register.filter
def flag_meanings(flags: str) -> str:
    """'bp' -> 'break in time series, provisional' (unknown letters are shown as they are)."""
    return ", ".join(str(EUROSTAT_FLAGS.get(letter, letter)) for letter in flags or "")


@register.filter
def is_link(url: str) -> bool:
    return str(url).startswith(("http://", "https://"))


@register.simple_tag
def nuts_level(level) -> str:
    if level == 0:
        return _("country")
    return _("NUTS %(level)s") % {"level": level}
