"""Full-text search over the registry, on SQLite FTS5 or PostgreSQL full text.

Each engine indexes the already-normalised SearchEntry text (see text.py), so accents and
case never matter and both engines agree on what a word is. Names weigh ten times more
than the rest. Every word of the query must match, as a prefix ("onco" finds "oncologia").

Two operations: `matching` narrows any queryset and can be nested in subqueries (facets);
`ranked` also joins the index to score and order, for the top-level result list.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .text import query_words

# Words this short are matched whole: "INT" must not find "international" or "internistiche".
MIN_PREFIX_LENGTH = 4

NAMES_WEIGHT = 10.0


class SqliteFts5:
    table = "registry_search_fts"

    def expression(self, words: list[str]) -> str:
        return " AND ".join(f'"{word}"*' if len(word) >= MIN_PREFIX_LENGTH else f'"{word}"' for word in words)

    def ids(self) -> str:
        return f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s"

    def join(self) -> tuple[str, str, str]:
        """(join condition, match condition, score) for a join on the organisation table."""
        return (
            f"{self.table}.rowid = registry_organisation.id",
            f"{self.table} MATCH %s",
            f"-bm25({self.table}, {NAMES_WEIGHT}, 1.0)",
        )


class PostgresFullText:
    table = "registry_searchentry"

    def expression(self, words: list[str]) -> str:
        return " & ".join(f"{word}:*" if len(word) >= MIN_PREFIX_LENGTH else word for word in words)

    def ids(self) -> str:
        return f"SELECT organisation_id FROM {self.table} WHERE document @@ to_tsquery('simple', %s)"

    def join(self) -> tuple[str, str, str]:
        return (
            f"{self.table}.organisation_id = registry_organisation.id",
            f"{self.table}.document @@ to_tsquery('simple', %s)",
            f"ts_rank({self.table}.document, to_tsquery('simple', %s))",
        )


def engine():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFts5()


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` narrowed to organisations matching `text`; safe inside subqueries.

    A query with no searchable words (empty, only stop words or punctuation) matches
    nothing rather than everything: the caller decides what an empty search means.
    """
    words = query_words(text)
    if not words:
        return queryset.none()
    backend = engine()
    return queryset.filter(id__in=RawSQL(backend.ids(), [backend.expression(words)]))


def ranked(queryset: QuerySet, text: str) -> QuerySet:
    """Like `matching`, annotated with `score` and ordered best first. Top level only."""
    words = query_words(text)
    if not words:
        return queryset.none()
    backend = engine()
    expression = backend.expression(words)
    join, match, score = backend.join()
    select_params = [expression] if "%s" in score else []
    return queryset.extra(
        tables=[backend.table],
        where=[join, match],
        params=[expression],
        select={"score": score},
        select_params=select_params,
        order_by=["-score", "name", "id"],  # id last: equal scores and names still page stably
    )
