"""Every API error is JSON: {"detail": "plain message", "field": "..." when one is to blame}.

Bad input gets a 4xx that says what is wrong; an unexpected failure is logged and answered
with a JSON 500 that gives nothing away.
"""

from __future__ import annotations

import functools
import logging
import re

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lshub.registry.services.directory import InvalidQuery
from lshub.registry.services.editing import EditError

logger = logging.getLogger(__name__)

# Messages of the directory's InvalidQuery start with the parameter they are about: "page: …".
_FIELD_PREFIX = re.compile(r"^(\w+): ")


def error_body(detail: str, field: str = "") -> dict:
    body = {"detail": detail}
    if field:
        body["field"] = field
    return body


class BadRequest(Exception):
    """A request the API refuses with a 400 (e.g. an unknown parameter)."""

    def __init__(self, detail: str, field: str = ""):
        super().__init__(detail)
        self.detail = detail
        self.field = field


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on `api`."""

    def respond(request, status: int, detail: str, field: str = "") -> HttpResponse:
        return api.create_response(request, error_body(detail, field), status=status)

    @api.exception_handler(InvalidQuery)
    def invalid_query(request, exc: InvalidQuery):
        match = _FIELD_PREFIX.match(str(exc))
        return respond(request, 400, str(exc), match.group(1) if match else "")

    @api.exception_handler(BadRequest)
    def bad_request(request, exc: BadRequest):
        return respond(request, 400, exc.detail, exc.field)

    @api.exception_handler(EditError)
    def edit_error(request, exc: EditError):
        return respond(request, 409 if exc.conflict else 400, str(exc), exc.field)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        problems = [_describe(error) for error in exc.errors]
        detail = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
        return respond(request, 422, detail, problems[0][0] if problems else "")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        response = respond(request, 401, _("a valid API token is required: send the header 'Authorization: Bearer <token>'"))
        response["WWW-Authenticate"] = 'Bearer realm="lshub"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("the request body is not valid JSON")
        return respond(request, exc.status_code, detail)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, 404, str(exc) or _("not found"))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc: SuspiciousOperation):
        # Too many parameters, an oversized body…: Django's own limits on a request.
        return respond(request, 400, str(exc) or _("the request was refused"))

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, _("internal error; it has been logged"))


def _describe(error: dict) -> tuple[str, str]:
    """(field, message) from one of ninja's validation errors, whose loc is (source, name, …)."""
    source, *location = [str(part) for part in error.get("loc", ())] or [""]
    if source == "body":
        # A JSON body arrives under the view's argument name ("payload"); the client never sees it.
        location = location[1:] or ["body"]
    return ".".join(location), str(error.get("msg", _("invalid value")))


def json_not_allowed(view):
    """Wrap a ninja view so a wrong HTTP method gets a JSON 405 (ninja's is plain text)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            detail = _("method %(method)s is not allowed here; use %(allowed)s") % {
                "method": request.method,
                "allowed": allowed,
            }
            json = JsonResponse(error_body(detail), status=405)
            json["Allow"] = allowed
            return json
        return response

    return wrapper


def unknown_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any /api/ address that names no endpoint; a stray trailing slash gets a hint."""
    detail = _("no such API endpoint; see /api/docs")
    if request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info.rstrip("/"))
        except Resolver404:
            match = None
        if match is not None and match.url_name != UNKNOWN_PATH:
            detail = _("no such API endpoint; did you mean %(path)s (without the final slash)?") % {
                "path": request.path.rstrip("/")
            }
    return JsonResponse(error_body(detail), status=404)


UNKNOWN_PATH = "unknown-path"
