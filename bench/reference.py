"""Plain answers to the directory's questions, for benchmarks to compare lshub against.

`SqliteReference` and `PostgresReference` send hand-written SQL through the bare driver
(sqlite3, psycopg) on their own connection: the same full-text match on the same index
(registry_search_fts; the tsvector column on PostgreSQL), ordered by the same score, LIMIT
a page, a COUNT, the same facet GROUP BYs, and SELECTs by primary key for a detail.
`DatasetteReference` asks Datasette, in-process, the same questions as single SQL
statements answered as JSON: a web framework's request cycle, like lshub's API.

Every call returns a function that answers once, for a timer to call repeatedly.
"""

from __future__ import annotations

import json
from collections.abc import Callable

PAGE_SIZE = 20
ORGANISATION_COLUMNS = ("type", "subtype", "ownership")


class Reference:
    """SQL shared by both engines; subclasses say how full text is matched and scored.

    Placeholders are written %s and converted for sqlite3.
    """

    match_ids = ""  # SQL selecting the ids of the organisations matching one full-text expression
    ranked_from = ""  # FROM … WHERE joining the index to registry_organisation o, for one expression
    score = ""  # the engine's relevance score over that join
    version = ""

    def __init__(self):
        from lshub.registry.services import search
        from lshub.registry.services.text import query_words

        self._words = query_words
        self._expression = lambda words: search.engine().expression(words)

    def rows(self, sql: str, params: list) -> list[tuple]:
        raise NotImplementedError

    def expression(self, text: str) -> str | None:
        words = self._words(text)
        return self._expression(words) if words else None

    def conditions(self, expression: str | None, filters: dict, exclude: str = "") -> tuple[list[str], list]:
        """WHERE conditions on registry_organisation o for the filters (and the match, if given)."""
        where, params = [], []
        for name, values in filters.items():
            if name == exclude:
                continue
            marks = ", ".join(["%s"] * len(values))
            if name == "province":
                where.append(f"o.id IN (SELECT organisation_id FROM registry_site WHERE province IN ({marks}))")
                values = [v.upper() for v in values]
            elif name == "specialisation":  # the codes and everything filed under them
                where.append(
                    "o.id IN (SELECT organisation_id FROM registry_organisationspecialisation WHERE specialisation_id IN ("
                    "WITH RECURSIVE wanted(id) AS ("
                    f"SELECT id FROM registry_specialisation WHERE code IN ({marks}) "
                    "UNION SELECT s.id FROM registry_specialisation s JOIN wanted w ON s.parent_id = w.id"
                    ") SELECT id FROM wanted))"
                )
            else:
                where.append(f"o.{name} IN ({marks})")
            params += values
        if expression is not None:
            where.append(f"o.id IN ({self.match_ids})")
            params.append(expression)
        return where, params

    def page_and_count(self, text: str, filters: dict) -> tuple[tuple[str, list], tuple[str, list]] | None:
        """(page SQL, params), (count SQL, params); None when the text has no searchable word."""
        expression = self.expression(text)
        if expression is None and text.strip():
            return None  # only stop words or punctuation: no results, as the directory does
        where, params = self.conditions(None, filters)
        clause = " AND ".join(where) or "1 = 1"
        if expression is None:
            page = (f"SELECT o.id, o.slug, o.name, o.type FROM registry_organisation o WHERE {clause} "
                    f"ORDER BY o.name, o.id LIMIT {PAGE_SIZE}", params)
            return page, (f"SELECT COUNT(*) FROM registry_organisation o WHERE {clause}", params)
        page = (f"SELECT o.id, o.slug, o.name, o.type, {self.score} AS score FROM {self.ranked_from} AND {clause} "
                f"ORDER BY score DESC, o.name, o.id LIMIT {PAGE_SIZE}", [expression, *params])
        count = (f"SELECT COUNT(*) FROM registry_organisation o WHERE {clause} AND o.id IN ({self.match_ids})",
                 [*params, expression])
        return page, count

    def search(self, text: str, filters: dict, with_facets: bool) -> Callable[[], str]:
        def run():
            queries = self.page_and_count(text, filters)
            if queries is None:
                return json.dumps({"total": 0, "results": []})
            (page_sql, page_params), (count_sql, count_params) = queries
            result = {
                "total": self.rows(count_sql, count_params)[0][0],
                "results": [list(row) for row in self.rows(page_sql, page_params)],
            }
            if with_facets:
                result["facets"] = self.facets(self.expression(text), filters)
            return json.dumps(result)

        return run

    def facets(self, expression: str | None, filters: dict) -> dict:
        """Each facet counted with the other filters applied, as the directory does."""
        facets = {}
        for name in ORGANISATION_COLUMNS:
            where, params = self.conditions(expression, filters, exclude=name)
            clause = " AND ".join([*where, f"o.{name} <> ''"])
            facets[name] = self.rows(
                f"SELECT o.{name}, COUNT(*) FROM registry_organisation o WHERE {clause} GROUP BY o.{name}", params
            )
        where, params = self.conditions(expression, filters, exclude="province")
        clause = " AND ".join([*where, "s.province <> ''"])
        facets["province"] = self.rows(
            "SELECT s.province, COUNT(DISTINCT s.organisation_id) FROM registry_site s "
            f"JOIN registry_organisation o ON o.id = s.organisation_id WHERE {clause} GROUP BY s.province",
            params,
        )
        where, params = self.conditions(expression, filters, exclude="specialisation")
        clause = " AND ".join(where) or "1 = 1"
        facets["specialisation"] = self.rows(  # one link per (organisation, code): COUNT(*) is exact
            "SELECT sp.code, sp.label_en, COUNT(*) FROM registry_organisationspecialisation l "
            "JOIN registry_specialisation sp ON sp.id = l.specialisation_id "
            f"JOIN registry_organisation o ON o.id = l.organisation_id WHERE {clause} GROUP BY sp.code, sp.label_en",
            params,
        )
        return {name: [list(row) for row in rows] for name, rows in facets.items()}

    DETAIL = {
        "organisation": "SELECT * FROM registry_organisation WHERE id = %s",
        "aliases": "SELECT name, kind, language FROM registry_alias WHERE organisation_id = %s ORDER BY name",
        "sites": "SELECT * FROM registry_site WHERE organisation_id = %s ORDER BY is_headquarters DESC, comune",
        "identifiers": "SELECT scheme, value FROM registry_identifier WHERE organisation_id = %s ORDER BY scheme",
        "specialisations": (
            "SELECT sp.code, sp.label_en, sp.label_it, l.wording, l.recognised "
            "FROM registry_organisationspecialisation l JOIN registry_specialisation sp ON sp.id = l.specialisation_id "
            "WHERE l.organisation_id = %s ORDER BY sp.kind, sp.label_en"
        ),
        "relations_out": (
            "SELECT r.kind, o.slug, o.name, r.note FROM registry_relation r "
            "JOIN registry_organisation o ON o.id = r.object_id WHERE r.subject_id = %s ORDER BY r.kind, o.name"
        ),
        "relations_in": (
            "SELECT r.kind, o.slug, o.name, r.note FROM registry_relation r "
            "JOIN registry_organisation o ON o.id = r.subject_id WHERE r.object_id = %s ORDER BY r.kind, o.name"
        ),
        "sources": (
            "SELECT s.url, s.publisher, l.field, l.record_id FROM registry_organisationsource l "
            "JOIN registry_source s ON s.id = l.source_id WHERE l.organisation_id = %s ORDER BY l.field, s.url"
        ),
    }

    def detail(self, organisation_id: int) -> Callable[[], str]:
        """The organisation with its names, sites, identifiers, specialisations, relations, sources."""

        def run():
            answer = {name: [list(row) for row in self.rows(sql, [organisation_id])] for name, sql in self.DETAIL.items()}
            return json.dumps(answer, default=str)

        return run


class SqliteReference(Reference):
    match_ids = "SELECT rowid FROM registry_search_fts WHERE registry_search_fts MATCH %s"
    ranked_from = (
        "registry_search_fts JOIN registry_organisation o ON o.id = registry_search_fts.rowid "
        "WHERE registry_search_fts MATCH %s"
    )

    def __init__(self, path: str):
        import sqlite3

        from lshub.registry.services.search import NAMES_WEIGHT

        super().__init__()
        self.score = f"-bm25(registry_search_fts, {NAMES_WEIGHT}, 1.0)"
        self.connection = sqlite3.connect(path)
        self.version = sqlite3.sqlite_version

    def rows(self, sql: str, params: list) -> list[tuple]:
        return self.connection.execute(sql.replace("%s", "?"), params).fetchall()


class PostgresReference(Reference):
    match_ids = "SELECT organisation_id FROM registry_searchentry WHERE document @@ to_tsquery('simple', %s)"
    ranked_from = (
        "registry_organisation o JOIN registry_searchentry e ON e.organisation_id = o.id, "
        "to_tsquery('simple', %s) query WHERE e.document @@ query"
    )
    score = "ts_rank(e.document, query)"

    def __init__(self, url: str):
        import psycopg

        super().__init__()
        self.connection = psycopg.connect(url, autocommit=True)
        self.version = self.connection.execute("SHOW server_version").fetchone()[0]

    def rows(self, sql: str, params: list) -> list[tuple]:
        return self.connection.execute(sql, params).fetchall()


def _named(sql: str, params: list, prefix: str) -> tuple[str, dict]:
    """%s placeholders turned into :prefix0, :prefix1… as Datasette takes them."""
    parts = sql.split("%s")
    named = parts[0] + "".join(f":{prefix}{i}{part}" for i, part in enumerate(parts[1:]))
    return named, {f"{prefix}{i}": value for i, value in enumerate(params)}


class DatasetteReference:
    """Datasette serving the same SQLite file, asked through its in-process ASGI client.

    One request per answer: the page and the count in one statement for a list, and the
    whole record as one JSON object (json_group_array per part) for a detail.
    """

    DETAIL = """SELECT json_object(
      'organisation', (SELECT json_object('id', id, 'slug', slug, 'name', name, 'short_name', short_name,
          'name_en', name_en, 'name_it', name_it, 'type', type, 'subtype', subtype, 'ownership', ownership,
          'description_en', description_en, 'description_it', description_it, 'website', website,
          'founded', founded, 'employees', employees, 'employees_year', employees_year, 'note', note,
          'updated', updated) FROM registry_organisation WHERE id = :id),
      'aliases', (SELECT json_group_array(json_object('name', name, 'kind', kind, 'language', language))
          FROM registry_alias WHERE organisation_id = :id),
      'sites', (SELECT json_group_array(json_object('label', label, 'is_headquarters', is_headquarters,
          'comune', comune, 'istat_code', istat_code, 'province', province, 'nuts2', nuts2, 'nuts3', nuts3,
          'latitude', latitude, 'longitude', longitude)) FROM registry_site WHERE organisation_id = :id),
      'identifiers', (SELECT json_group_array(json_object('scheme', scheme, 'value', value))
          FROM registry_identifier WHERE organisation_id = :id),
      'specialisations', (SELECT json_group_array(json_object('code', sp.code, 'label_en', sp.label_en,
          'label_it', sp.label_it, 'wording', l.wording, 'recognised', l.recognised))
          FROM registry_organisationspecialisation l JOIN registry_specialisation sp ON sp.id = l.specialisation_id
          WHERE l.organisation_id = :id),
      'relations', (SELECT json_group_array(json_object('kind', r.kind, 'direction', r.direction,
          'slug', o.slug, 'name', o.name, 'note', r.note))
          FROM (SELECT kind, 'out' AS direction, object_id AS other, note FROM registry_relation WHERE subject_id = :id
                UNION ALL
                SELECT kind, 'in', subject_id, note FROM registry_relation WHERE object_id = :id) r
          JOIN registry_organisation o ON o.id = r.other),
      'sources', (SELECT json_group_array(json_object('url', s.url, 'publisher', s.publisher, 'field', l.field,
          'record_id', l.record_id)) FROM registry_organisationsource l
          JOIN registry_source s ON s.id = l.source_id WHERE l.organisation_id = :id)
    ) AS detail"""

    def __init__(self, path: str, sql: SqliteReference):
        import asyncio
        from importlib.metadata import version
        from pathlib import Path

        from datasette.app import Datasette

        self.sql = sql
        self.database = Path(path).stem
        # A generous time limit: the reference must answer every query, however broad.
        self.datasette = Datasette([path], settings={"sql_time_limit_ms": 120_000, "max_returned_rows": 1000})
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.datasette.invoke_startup())
        self.version = version("datasette")

    def _get(self, sql: str, params: dict) -> bytes:
        response = self.loop.run_until_complete(
            self.datasette.client.get(f"/{self.database}.json", params={"sql": sql, **params, "_shape": "array"})
        )
        if response.status_code != 200:
            raise RuntimeError(f"Datasette answered {response.status_code}: {response.text[:300]}")
        return response.content

    def search(self, text: str, filters: dict) -> Callable[[], bytes]:
        queries = self.sql.page_and_count(text, filters)

        def run():
            if queries is None:
                return b"[]"
            (page_sql, page_params), (count_sql, count_params) = queries
            page, page_named = _named(page_sql, page_params, "p")
            count, count_named = _named(count_sql.replace("COUNT(*)", "COUNT(*) AS n", 1), count_params, "c")
            order = "page.score DESC, page.name, page.id" if " AS score " in page else "page.name, page.id"
            # The count on every row of the page, and on one row of NULLs when the page is empty.
            combined = f"SELECT total.n AS total, page.* FROM ({count}) total LEFT JOIN ({page}) page ON 1 ORDER BY {order}"
            return self._get(combined, {**page_named, **count_named})

        return run

    def detail(self, organisation_id: int) -> Callable[[], bytes]:
        def run():
            return self._get(self.DETAIL, {"id": str(organisation_id)})

        return run
