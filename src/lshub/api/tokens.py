"""Issue, check and revoke API tokens. The plain key is shown once and never stored."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken

KEY_PREFIX = "lsh_"
MAX_KEY_LENGTH = 200
MAX_NAME_LENGTH = ApiToken._meta.get_field("name").max_length


class TokenError(ValueError):
    """A token cannot be issued or revoked as asked; the message says why."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(name: str, *, user=None) -> str:
    """Create a token called `name` and return its key: the only time the key is seen."""
    name = (name or "").strip()
    if not name:
        raise TokenError("a token needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"a token name has at most {MAX_NAME_LENGTH} characters")
    if ApiToken.objects.filter(name=name, revoked__isnull=True).exists():
        raise TokenError(f"a token called {name!r} is already active; revoke it first or choose another name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(name=name, key_hash=_hash(key), user=user)
    return key


def check_token(key: str | None) -> ApiToken | None:
    """The active token with this key (its last use noted), or None."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked__isnull=True).first()
    if token is not None:
        token.last_used = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used=token.last_used)
    return token


def revoke(tokens: QuerySet) -> int:
    """Revoke these tokens (those still active); returns how many."""
    return tokens.filter(revoked__isnull=True).update(revoked=timezone.now())


def revoke_token(name: str) -> None:
    """Revoke the active token called `name`; its past changes keep its name in the history."""
    if not revoke(ApiToken.objects.filter(name=(name or "").strip())):
        raise TokenError(f"no active token called {name!r}")
