"""Turn a page's query string into a DirectoryQuery, and back.

Every value a browser can send is accepted here without error except numbers that are
not numbers; the directory service then judges the values themselves (DirectoryQuery.validate).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

from lshub.registry.services.directory import FACETS, DirectoryQuery, InvalidQuery
from lshub.registry.services.text import query_words


@dataclass
class ParsedQuery:
    query: DirectoryQuery
    # The search text as typed, kept for the search box even when it had no searchable words.
    typed: str
    unsearchable: bool  # text was typed but every word was a stop word or punctuation


def _whole_number(params: QueryDict, name: str, default: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        message = _("%(name)s: %(value)r is not a whole number") % {"name": name, "value": raw[:40]}
        raise InvalidQuery(message) from None


def _values(params: QueryDict, name: str) -> list[str]:
    """The non-empty values of a facet, without repeats, in the order given."""
    values = [v.strip() for v in params.getlist(name) if v.strip()]
    return list(dict.fromkeys(values))


def parse(params: QueryDict) -> ParsedQuery:
    """A DirectoryQuery from GET parameters; raises InvalidQuery for non-numeric page numbers."""
    typed = params.get("q", "")
    unsearchable = bool(typed.strip()) and not query_words(typed)
    query = DirectoryQuery(
        # A search with nothing to search for shows everything, like an empty box.
        q="" if unsearchable else typed.strip(),
        page=_whole_number(params, "page", 1),
        page_size=_whole_number(params, "page_size", settings.LSHUB_PAGE_SIZE),
        **{name: _values(params, name) for name in FACETS},
    )
    return ParsedQuery(query=query, typed=typed, unsearchable=unsearchable)


def filters_only(params: QueryDict) -> QueryDict:
    """The search and facet parameters of a query string, without paging: for links elsewhere."""
    kept = QueryDict(mutable=True)
    for name in ("q", *FACETS):
        values = [v for v in params.getlist(name) if v.strip()]
        if values:
            kept.setlist(name, values)
    return kept
