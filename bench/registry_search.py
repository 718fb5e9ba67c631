"""Registry search speed at scale, side by side with plain SQL on the same database.

Builds a fresh registry (the embedded Lombardy dataset scaled with synthetic organisations,
see synthetic.py), then times, over a fixed set of realistic queries:

  directory       registry.services.directory.browse, with facets (as the web page) and without
  API             GET /api/organisations?q=… and GET /api/organisations/<id>, in-process
  reference       the same questions in plain SQL through the bare driver (sqlite3 or psycopg):
                  the same full-text match on the same index, ordered by the same score, LIMIT 20,
                  a COUNT, and the same facet GROUP BYs; for a detail, SELECTs by primary key.

and prints the median and 95th percentile of each, their ratio to the reference, and
whether they meet the targets: within 2x of the reference, p95 under 100 ms.

SQLite by default, in bench/out/sqlite-<size>/. With DATABASE_URL set to PostgreSQL, the
run uses a database named <name>_bench on that server (created, and dropped first unless
--reuse), so the database the URL names is never touched.

    .venv/bin/python bench/registry_search.py                 # 100,000 organisations
    .venv/bin/python bench/registry_search.py --size 10000    # a quick run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
TARGET_RATIO = 2.0
TARGET_P95_MS = 100.0
PAGE_SIZE = 20

# (label, search text, filters): what people type into the directory, with and without facets.
QUERIES: list[tuple[str, str, dict[str, list[str]]]] = [
    ("front page", "", {}),
    ("oncologia", "oncologia", {}),
    ("cardiology", "cardiology", {}),
    ("neurologia", "neurologia", {}),
    ("riabilitazione", "riabilitazione", {}),
    ("genomics", "genomics", {}),
    ("prefix onco", "onco", {}),
    ("medical devices", "medical devices", {}),
    ("malattie rare", "malattie rare", {}),
    ("terapia genica", "terapia genica", {}),
    ("istituto clinico", "istituto clinico", {}),
    ("ospedale san", "ospedale san", {}),
    ("founder rossi", "rossi", {}),
    ("biotech milano", "biotech milano", {}),
    ("city bergamo", "bergamo", {}),
    ("city brescia", "brescia", {}),
    ("acronym INT", "INT", {}),
    ("acronym ASST", "ASST", {}),
    ("broad irccs", "irccs", {}),
    ("broad fondazione", "fondazione", {}),
    ("broad milano", "milano", {}),
    ("no match", "zzyzx", {}),
    ("oncologia type=irccs", "oncologia", {"type": ["irccs"]}),
    ("cardiologia province=MI", "cardiologia", {"province": ["MI"]}),
    ("milano type=company", "milano", {"type": ["company"]}),
    ("pediatria ownership=public", "pediatria", {"ownership": ["public"]}),
    ("ricerca spec=genomics", "ricerca", {"specialisation": ["genomics"]}),
    ("type=irccs", "", {"type": ["irccs"]}),
    ("province=BG", "", {"province": ["BG"]}),
    ("spec=oncology", "", {"specialisation": ["oncology"]}),
    ("type=company province=MI", "", {"type": ["company"], "province": ["MI"]}),
]
REAL_DETAILS = ["policlinico-di-milano", "int", "humanitas", "assolombarda", "bracco"]
SYNTHETIC_DETAILS = 25


# -- the database ---------------------------------------------------------------------------


def prepare_environment(size: int, reuse: bool) -> str:
    """Point the settings at a bench database of this size; returns a plain description."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        data_dir = OUT_DIR / f"postgresql-{size}"
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["LSHUB_DATA_DIR"] = str(data_dir)
        (data_dir / "static").mkdir(exist_ok=True)
        bench_url = _postgres_bench_database(url, reuse)
        os.environ["DATABASE_URL"] = bench_url
        return f"PostgreSQL database {urlsplit(bench_url).path.lstrip('/')}"
    data_dir = OUT_DIR / f"sqlite-{size}"
    if data_dir.exists() and not reuse:
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LSHUB_DATA_DIR"] = str(data_dir)
    (data_dir / "static").mkdir(exist_ok=True)  # STATIC_ROOT: spares a warning per request
    return f"SQLite file {data_dir.relative_to(BENCH_DIR.parent) / 'lshub.sqlite3'}"


def _postgres_bench_database(url: str, reuse: bool) -> str:
    """A separate database beside the one DATABASE_URL names, so the bench never clobbers it."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'lshub'}_bench"
    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not reuse:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def build_registry(size: int, seed: int) -> dict:
    """Migrate, load the embedded dataset, scale it; returns what it took."""
    from django.core.management import call_command
    from django.db import connection

    from lshub.registry.models import Organisation
    from lshub.registry.services.demo import load_demo

    import synthetic

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Organisation.objects.exists():
        load_demo()
    timings["migrate + embedded dataset"] = time.perf_counter() - started
    report = synthetic.scale_to(size, seed, progress=_progress)
    print(file=sys.stderr)
    timings.update({f"synthetic {what}": seconds for what, seconds in report.seconds.items()})
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum does on its own on PostgreSQL, and `PRAGMA optimize` on SQLite:
        # planner statistics for the tables just filled.
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    return timings


def _progress(message: str) -> None:
    print(f"\r  {message}", end="", file=sys.stderr, flush=True)


# -- what is measured -------------------------------------------------------------------------


def directory_call(text: str, filters: dict, with_facets: bool) -> Callable[[], object]:
    from lshub.registry.services.directory import DirectoryQuery, browse

    def run():
        return browse(DirectoryQuery(q=text, page_size=PAGE_SIZE, **filters), with_facets=with_facets)

    return run


class Api:
    """The REST API through Django's test client: the whole request cycle, no network."""

    LIST = "/api/organisations"

    def __init__(self):
        from django.test import Client

        self.client = Client()
        self.missing = ""
        try:  # the API may not exist yet, or be broken: measure the rest and say why
            response = self.client.get(self.LIST, {"q": "oncologia"})
        except Exception as error:  # noqa: BLE001 - any failure means "not measurable", with its reason
            self.missing = f"GET {self.LIST} fails: {type(error).__name__}: {error}"
            return
        if response.status_code != 200:
            self.missing = f"GET {self.LIST} answers {response.status_code}"

    def list_call(self, text: str, filters: dict, with_facets: bool) -> Callable[[], object]:
        params = {**filters, "page_size": PAGE_SIZE}
        if with_facets:
            params["facets"] = "true"
        if text:
            params["q"] = text

        def run():
            response = self.client.get(self.LIST, params)
            if response.status_code != 200:
                raise RuntimeError(f"GET {self.LIST} {params} answered {response.status_code}: {response.content[:200]!r}")
            return response.content

        return run

    def detail_call(self, key: str) -> Callable[[], object]:
        def run():
            response = self.client.get(f"{self.LIST}/{key}")
            if response.status_code != 200:
                raise RuntimeError(f"GET {self.LIST}/{key} answered {response.status_code}")
            return response.content

        return run


# -- the reference: plain SQL through the bare driver -------------------------------------------


class Reference:
    """The same questions answered in plain SQL, on its own connection to the same database.

    Subclasses say how the engine matches and scores full text; the SQL around it (filters,
    facets, paging, the detail) is shared. Placeholders are written %s and converted for sqlite3.
    """

    placeholder = "%s"
    match_ids = ""  # SQL selecting the ids of the organisations matching one full-text expression
    ranked_from = ""  # FROM … WHERE joining the index to registry_organisation o, for one expression
    score = ""  # the engine's relevance score over that join

    def __init__(self):
        from lshub.registry.services import search
        from lshub.registry.services.text import query_words

        self.words = query_words
        self.expression = lambda words: search.engine().expression(words)

    def sql(self, text: str) -> str:
        return text if self.placeholder == "%s" else text.replace("%s", self.placeholder)

    def rows(self, sql: str, params: list) -> list[tuple]:
        raise NotImplementedError

    # conditions shared by the page, the count and the facets
    def conditions(self, expression: str | None, filters: dict, exclude: str = "") -> tuple[list[str], list]:
        where, params = [], []
        for name, values in filters.items():
            if name == exclude:
                continue
            marks = ", ".join(["%s"] * len(values))
            if name == "province":
                where.append(f"o.id IN (SELECT organisation_id FROM registry_site WHERE province IN ({marks}))")
            elif name == "specialisation":
                where.append(
                    "o.id IN (SELECT organisation_id FROM registry_organisationspecialisation WHERE specialisation_id IN ("
                    "WITH RECURSIVE wanted(id) AS ("
                    f"SELECT id FROM registry_specialisation WHERE code IN ({marks}) "
                    "UNION SELECT s.id FROM registry_specialisation s JOIN wanted w ON s.parent_id = w.id"
                    ") SELECT id FROM wanted))"
                )
            else:
                where.append(f"o.{name} IN ({marks})")
            params += [v.upper() for v in values] if name == "province" else values
        if expression is not None:
            where.append(f"o.id IN ({self.match_ids})")
            params.append(expression)
        return where, params

    def search(self, text: str, filters: dict, with_facets: bool) -> Callable[[], str]:
        def run():
            words = self.words(text)
            expression = self.expression(words) if words else None
            where, params = self.conditions(None, filters)
            clause = " AND ".join(where) or "1 = 1"
            if expression is None and text.strip():
                page, total = [], 0  # nothing searchable: no results, as the directory does
            elif expression is None:
                page = self.rows(
                    f"SELECT o.id, o.slug, o.name, o.type FROM registry_organisation o WHERE {clause} "
                    f"ORDER BY o.name LIMIT {PAGE_SIZE}",
                    params,
                )
                total = self.rows(f"SELECT COUNT(*) FROM registry_organisation o WHERE {clause}", params)[0][0]
            else:
                page = self.rows(
                    f"SELECT o.id, o.slug, o.name, o.type, {self.score} AS score FROM {self.ranked_from} AND {clause} "
                    f"ORDER BY score DESC, o.name LIMIT {PAGE_SIZE}",
                    [expression, *params],
                )
                total = self.rows(
                    f"SELECT COUNT(*) FROM registry_organisation o WHERE {clause} AND o.id IN ({self.match_ids})",
                    [*params, expression],
                )[0][0]
            result = {"total": total, "results": [list(row) for row in page]}
            if with_facets:
                result["facets"] = self.facets(expression, filters) if expression or not text.strip() else {}
            return json.dumps(result)

        return run

    def facets(self, expression: str | None, filters: dict) -> dict:
        """Each facet counted with the other filters applied, as the directory does."""
        facets = {}
        for name in ("type", "subtype", "ownership"):
            where, params = self.conditions(expression, filters, exclude=name)
            clause = " AND ".join(where + [f"o.{name} <> ''"])
            facets[name] = self.rows(
                f"SELECT o.{name}, COUNT(*) FROM registry_organisation o WHERE {clause} GROUP BY o.{name}", params
            )
        where, params = self.conditions(expression, filters, exclude="province")
        clause = " AND ".join(where + ["s.province <> ''"])
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

    def detail(self, organisation_id: int) -> Callable[[], str]:
        """The organisation with its names, sites, identifiers, specialisations and relations."""
        queries = {
            "organisation": "SELECT * FROM registry_organisation WHERE id = %s",
            "aliases": "SELECT name, kind, language FROM registry_alias WHERE organisation_id = %s",
            "sites": "SELECT * FROM registry_site WHERE organisation_id = %s ORDER BY is_headquarters DESC, comune",
            "identifiers": "SELECT scheme, value FROM registry_identifier WHERE organisation_id = %s ORDER BY scheme",
            "specialisations": (
                "SELECT sp.code, sp.label_en, sp.label_it, l.wording, l.recognised "
                "FROM registry_organisationspecialisation l JOIN registry_specialisation sp ON sp.id = l.specialisation_id "
                "WHERE l.organisation_id = %s"
            ),
            "relations_out": (
                "SELECT r.kind, o.slug, o.name FROM registry_relation r JOIN registry_organisation o ON o.id = r.object_id "
                "WHERE r.subject_id = %s"
            ),
            "relations_in": (
                "SELECT r.kind, o.slug, o.name FROM registry_relation r JOIN registry_organisation o ON o.id = r.subject_id "
                "WHERE r.object_id = %s"
            ),
            "sources": (
                "SELECT s.url, s.publisher, l.field FROM registry_organisationsource l "
                "JOIN registry_source s ON s.id = l.source_id WHERE l.organisation_id = %s"
            ),
        }

        def run():
            answer = {name: [list(row) for row in self.rows(sql, [organisation_id])] for name, sql in queries.items()}
            return json.dumps(answer, default=str)

        return run


class SqliteReference(Reference):
    placeholder = "?"
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
        return self.connection.execute(self.sql(sql), params).fetchall()


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


# -- timing -------------------------------------------------------------------------------------


@dataclass
class Series:
    """Samples of one operation, in milliseconds, per query label."""

    name: str
    reference: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)
    missing: str = ""

    def all(self) -> list[float]:
        return [s for values in self.samples.values() for s in values]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_call(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm-up, and fail loudly before timing anything broken
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def detail_targets(seed: int) -> list[tuple[str, int, str]]:
    """(label, id, slug) of the organisations whose detail is fetched: real ones and a sample."""
    import random

    from lshub.registry.models import Organisation

    real = list(Organisation.objects.filter(slug__in=REAL_DETAILS).values_list("slug", "id", "slug"))
    ids = list(Organisation.objects.exclude(slug__in=REAL_DETAILS).order_by("id").values_list("id", flat=True))
    sample = sorted(random.Random(seed).sample(ids, min(SYNTHETIC_DETAILS, len(ids))))
    slugs = dict(Organisation.objects.filter(id__in=sample).values_list("id", "slug"))
    return real + [(f"synthetic #{i}", i, slugs[i]) for i in sample]


def run_all(reference: Reference, api: Api, repeat: int, seed: int) -> list[Series]:
    series = {
        "directory, with facets": Series("directory, with facets", "reference, with facets"),
        "directory, no facets": Series("directory, no facets", "reference, no facets"),
        "API list, with facets": Series("API list, with facets", "reference, with facets", missing=api.missing),
        "API list, no facets": Series("API list, no facets", "reference, no facets", missing=api.missing),
        "API detail": Series("API detail", "reference detail", missing=api.missing),
        "reference, with facets": Series("reference, with facets"),
        "reference, no facets": Series("reference, no facets"),
        "reference detail": Series("reference detail"),
    }
    for number, (label, text, filters) in enumerate(QUERIES, 1):
        _progress(f"query {number} of {len(QUERIES)}: {label:<40}")
        calls = {
            "directory, with facets": directory_call(text, filters, True),
            "directory, no facets": directory_call(text, filters, False),
            "reference, with facets": reference.search(text, filters, True),
            "reference, no facets": reference.search(text, filters, False),
        }
        if not api.missing:
            calls["API list, with facets"] = api.list_call(text, filters, True)
            calls["API list, no facets"] = api.list_call(text, filters, False)
        for name, run in calls.items():
            series[name].samples[label] = time_call(run, repeat)
    for number, (label, organisation_id, slug) in enumerate(detail_targets(seed), 1):
        _progress(f"detail {number}: {label:<40}")
        series["reference detail"].samples[label] = time_call(reference.detail(organisation_id), repeat)
        if not api.missing:
            series["API detail"].samples[label] = time_call(api.detail_call(str(organisation_id)), repeat)
    print(file=sys.stderr)
    return list(series.values())


# -- report -------------------------------------------------------------------------------------


def summary(series: list[Series]) -> list[dict]:
    by_name = {s.name: s for s in series}
    rows = []
    for s in series:
        row = {"operation": s.name, "reference": s.reference, "missing": s.missing}
        values = s.all()
        if values:
            row.update(median=statistics.median(values), p95=percentile(values, 0.95))
        ref = by_name.get(s.reference)
        if values and ref and ref.all():
            row.update(ref_median=statistics.median(ref.all()), ref_p95=percentile(ref.all(), 0.95))
            row["ratio_median"] = row["median"] / row["ref_median"]
            row["ratio_p95"] = row["p95"] / row["ref_p95"]
            row["meets_p95"] = row["p95"] < TARGET_P95_MS
            row["meets_ratio"] = row["ratio_p95"] <= TARGET_RATIO and row["ratio_median"] <= TARGET_RATIO
        rows.append(row)
    return rows


def print_report(header: list[str], rows: list[dict], series: list[Series]) -> None:
    print("\n".join(header))
    print()
    title = f"{'operation':<24}{'median':>9}{'p95':>9}   {'reference':<24}{'median':>9}{'p95':>9}{'x med':>7}{'x p95':>7}  targets"
    print(title)
    print("-" * len(title))
    for row in rows:
        if "median" not in row:
            print(f"{row['operation']:<24}  not measured: {row['missing']}")
            continue
        line = f"{row['operation']:<24}{row['median']:>9.2f}{row['p95']:>9.2f}"
        if "ref_median" in row:
            verdict = "p95<100ms " + ("ok" if row["meets_p95"] else "MISSED")
            verdict += ", <=2x " + ("ok" if row["meets_ratio"] else "MISSED")
            line += (
                f"   {row['reference']:<24}{row['ref_median']:>9.2f}{row['ref_p95']:>9.2f}"
                f"{row['ratio_median']:>7.2f}{row['ratio_p95']:>7.2f}  {verdict}"
            )
        print(line)
    print("\n(milliseconds; x = ours / reference)\n")
    searched = [s for s in series if s.samples and "detail" not in s.name]
    labels = list(searched[0].samples) if searched else []
    print(f"{'median ms per query':<34}" + "".join(f"{s.name[:22]:>24}" for s in searched))
    for label in labels:
        cells = "".join(f"{statistics.median(s.samples[label]):>24.2f}" for s in searched if label in s.samples)
        print(f"{label:<34}{cells}")


def machine(database: str, reference: Reference) -> list[str]:
    engine = "SQLite" if isinstance(reference, SqliteReference) else "PostgreSQL"
    return [
        f"date        {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine     {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        f"python      {platform.python_version()}, Django {__import__('django').get_version()}",
        f"database    {engine} {reference.version}: {database}",
        "load        {:.2f} {:.2f} {:.2f} (load average over 1, 5, 15 minutes, at the end)".format(*os.getloadavg()),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="organisations in the registry (default 100000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (default 5)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the synthetic data and the detail sample")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run of this size")
    args = parser.parse_args()

    sys.path.insert(0, str(BENCH_DIR))
    import synthetic

    seed = synthetic.DEFAULT_SEED if args.seed is None else args.seed
    database = prepare_environment(args.size, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from lshub.registry.models import Organisation

    started = time.perf_counter()
    timings = build_registry(args.size, seed)
    total = Organisation.objects.count()
    if connection.vendor == "postgresql":
        reference = PostgresReference(os.environ["DATABASE_URL"])
    else:
        reference = SqliteReference(str(settings.DATABASES["default"]["NAME"]))
    api = Api()
    series = run_all(reference, api, args.repeat, seed)
    rows = summary(series)
    header = [f"Registry search at {total:,} organisations", *machine(database, reference)]
    header.append("set-up      " + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in timings.items()))
    header.append(f"runs        {len(QUERIES)} queries and {len(series[-1].samples)} details, 1 warm-up + {args.repeat} timed runs each")
    print_report(header, rows, series)
    result = {
        "header": header,
        "summary": rows,
        "samples": {s.name: s.samples for s in series},
        "seconds": time.perf_counter() - started,
    }
    out = Path(os.environ["LSHUB_DATA_DIR"]) / "results.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"\nall samples: {out.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
