"""How a number, its unit and its status read in the active language."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lshub.observatory.choices import Status
from lshub.observatory.units import unit_label


# The sheet's own wording where it says more than the observatory's status names.
STATUS_LABELS = {
    "seed": gettext_lazy("stated in the 2021 briefing, not confirmed by a public source"),
    "gap": gettext_lazy("data gap: not confirmed by a public source"),
    "computed": gettext_lazy("computed from the registry"),
}

QUALIFIERS = {
    "at_least": gettext_lazy("at least %(value)s"),
    "about": gettext_lazy("about %(value)s"),
    "at_most": gettext_lazy("at most %(value)s"),
}


def plain(value: Decimal) -> Decimal | int:
    """12.50 -> 12.5, 300.0 -> 300: no trailing zeros, no exponent."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def number(value: Decimal, decimals: int | None = None) -> str:
    """Grouped and with the decimal mark of the active language (347,380 / 347.380)."""
    shown = round(value, decimals) if decimals is not None else plain(value)
    return number_format(shown, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def quantity(value: Decimal, unit: str, qualifier: str = "") -> str:
    """A value with its unit and the source's hedge: '347,380 people', 'at least 30.7 bn €', '50%'."""
    label = unit_label(unit)
    joined = label.startswith("%")  # 12.6% of GDP, not 12.6 % of GDP
    text = f"{number(value)}{label}" if joined else f"{number(value)} {label}".strip()
    if qualifier in QUALIFIERS:
        text = str(QUALIFIERS[qualifier]) % {"value": text}
    return text


def percent(value: Decimal) -> str:
    return f"{number(value, 1)}%"


def signed_percent(value: Decimal) -> str:
    return ("+" if value > 0 else "") + percent(value)


def status_label(status: str) -> str:
    if status in STATUS_LABELS:
        return str(STATUS_LABELS[status])
    return str(Status(status).label) if status in Status.values else status


def gap_wording(status: str) -> str:
    """What stands in place of a value nobody confirmed; confidential cells say so."""
    if status == "confidential":
        return _("confidential")
    if status == "seed":
        return _("data gap: the briefing's figure is not confirmed by a public source")
    return _("data gap: not confirmed by a public source")
