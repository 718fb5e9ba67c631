"""Errors the observatory services raise; each adapter turns them into its own answer."""

from django.utils.translation import gettext as _


class ObservatoryError(ValueError):
    """Bad input from a user: the message says what is wrong in plain words."""


class UnknownIndicator(ObservatoryError):
    def __init__(self, indicator_id: str):
        super().__init__(_("unknown indicator: %(id)s") % {"id": str(indicator_id)[:80]})
        self.indicator_id = indicator_id


class UnknownGeography(ObservatoryError):
    def __init__(self, code: str):
        super().__init__(_("unknown geography code: %(code)s (use a NUTS code such as ITC4 or IT)") % {"code": str(code)[:20]})
        self.code = code


class UnknownPeerSet(ObservatoryError):
    def __init__(self, slug: str, known: list[str]):
        super().__init__(
            _("unknown peer set: %(slug)s (known: %(known)s)") % {"slug": str(slug)[:40], "known": ", ".join(known) or "-"}
        )


class InvalidQuery(ObservatoryError):
    """A filter value that cannot be used (a year that is not a year, an unknown segment...)."""
