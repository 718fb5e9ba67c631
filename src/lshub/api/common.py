"""Small pieces every router needs: finding an organisation by key, links, strict parameters."""

from __future__ import annotations

import functools

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lshub.registry.models import Organisation

from .errors import BadRequest

# Longer digit strings are not ids: they would overflow the database's integer.
_MAX_ID_DIGITS = 18


def organisation_by_key(key: str, queryset=None) -> Organisation | None:
    """The organisation whose slug is `key`, or whose id it is when `key` is all digits."""
    queryset = queryset if queryset is not None else Organisation.objects.all()
    if key.isascii() and key.isdigit() and len(key) <= _MAX_ID_DIGITS:
        found = queryset.filter(pk=int(key)).first()
        if found is not None:
            return found
    return queryset.filter(slug=key).first()


def find_organisation(key: str) -> Organisation:
    organisation = organisation_by_key(key)
    if organisation is None:
        raise Http404(_("no organisation with id or slug %(key)r") % {"key": key})
    return organisation


def links(request: HttpRequest, organisation: Organisation) -> dict:
    """Absolute addresses of the organisation's web page and API detail."""
    return {
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:organisation", kwargs={"key": organisation.slug})),
    }


def reject_unknown_parameters(request: HttpRequest, known: set[str]) -> None:
    """A misspelt filter (?tpye=irccs) is an error, not silently ignored."""
    unknown = sorted(set(request.GET) - known)
    if not unknown:
        return
    if known:
        message = _("unknown parameter %(name)r; known parameters: %(known)s") % {
            "name": unknown[0],
            "known": ", ".join(sorted(known)),
        }
    else:
        message = _("unknown parameter %(name)r; this address takes no parameters") % {"name": unknown[0]}
    raise BadRequest(message, unknown[0])


def in_requested_language(view):
    """Answer in the language of the Accept-Language header.

    The site's own pages take English from an unprefixed address; API addresses carry no
    language prefix, so the header decides.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.setdefault("Content-Language", language)
        return response

    return wrapper
