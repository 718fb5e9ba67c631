"""`Authorization: Bearer <token>` for the API's writes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .tokens import check_token


class TokenAuth(HttpBearer):
    """Accepts an active token issued with `lshub token create NAME`; request.auth is the ApiToken."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return check_token(token.strip())


def change_reason(token: ApiToken) -> str:
    """What the history says about a change made through the API."""
    return f"API ({token.name})"


def editor(request: HttpRequest) -> dict:
    """The reason and user to record with a write made by this request."""
    token: ApiToken = request.auth
    return {"reason": change_reason(token), "user": token.user}
