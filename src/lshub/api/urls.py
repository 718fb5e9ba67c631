"""The REST API at /api/: OpenAPI description at /api/openapi.json, interactive docs at /api/docs."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from ninja import NinjaAPI

from . import errors
from .common import in_requested_language
from lshub.linkage.api import router as linkage_router
from lshub.observatory.api import router as observatory_router
from lshub.partnering.api import router as partnering_router
from lshub.sources.api import router as trials_router

from .routers import organisations, reference, relations

DESCRIPTION = """
The registry of the Life Sciences Hub: organisations of the ecosystem with their sites,
identifiers, specialisations, relations and sources.

Reading is open. Writing needs a token (`lshub token create NAME`), sent as
`Authorization: Bearer <token>`; every change is recorded in the history as "API (NAME)".

Errors are JSON: `{"detail": "what is wrong", "field": "the parameter to blame"}`.
Labels follow the `Accept-Language` header (English or Italian).
"""


class LshubAPI(NinjaAPI):
    """NinjaAPI that answers in the requested language, with JSON for every error."""

    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if pattern.name == "api-root":
                pattern.callback = index
            pattern.callback = in_requested_language(errors.json_not_allowed(pattern.callback))
        unknown = path("<path:rest>", in_requested_language(errors.unknown_path), name=errors.UNKNOWN_PATH)
        return [*patterns, unknown]

    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids for generated clients: the view's name (they are unique).
        return operation.view_func.__name__


def index(request: HttpRequest, **kwargs) -> JsonResponse:
    """/api/: where to start."""
    return JsonResponse(
        {
            "title": api.title,
            "docs": request.build_absolute_uri(reverse("api:openapi-view")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
            "organisations": request.build_absolute_uri(reverse("api:organisations")),
        }
    )


api = LshubAPI(title="lshub API", version="1", description=DESCRIPTION, urls_namespace="api")
errors.install(api)
api.add_router("/organisations", organisations.router)
api.add_router("/relations", relations.router)
api.add_router("", reference.router)
api.add_router("/trials", trials_router)
api.add_router("", observatory_router)
api.add_router("", partnering_router)
api.add_router("", linkage_router)
