"""Registry search speed at scale, side by side with plain SQL on the same database.

Builds a fresh registry (the embedded Lombardy dataset scaled with synthetic organisations,
see synthetic.py), then times, over a fixed set of realistic queries:

  directory       registry.services.directory.browse, with facets (as the web page) and without
  API             GET /api/organisations?q=… and GET /api/organisations/<id>, in-process
  SQL             the same questions in plain SQL through the bare driver (sqlite3 or psycopg):
                  the same full-text match on the same index, ordered by the same score, LIMIT 20,
                  a COUNT, and the same facet GROUP BYs; for a detail, SELECTs by primary key
  Datasette       (SQLite, when installed: the `bench` extra) the list and the detail as single
                  SQL statements answered as JSON by Datasette, in-process

(see reference.py) and prints the median and 95th percentile of each, their ratio to the
reference, and whether they meet the targets: within 2x of the reference, p95 under 100 ms.

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

import reference
import synthetic
from reference import PAGE_SIZE

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
TARGET_RATIO = 2.0
TARGET_P95_MS = 100.0

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


# -- timing -------------------------------------------------------------------------------------


@dataclass
class Series:
    """Samples of one operation, in milliseconds, per query label: wall clock and CPU time.

    CPU time is this process's (all its threads): for SQLite, where all the work happens
    in-process, it is what an answer costs whatever else the machine is doing; PostgreSQL
    works in its own processes, so there only the wall clock tells.
    """

    name: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    missing: str = ""
    differs: list[str] = field(default_factory=list)  # queries answered unlike the reference

    def all(self, clock: str = "wall") -> list[float]:
        chosen = self.samples if clock == "wall" else self.cpu
        return [s for values in chosen.values() for s in values]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_call(run: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """(wall, cpu) milliseconds of `repeat` runs after a warm-up that also fails loudly if broken."""
    run()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def detail_targets(seed: int) -> list[tuple[str, int]]:
    """(label, id) of the organisations whose detail is fetched: well-known real ones and a sample."""
    import random

    from lshub.registry.models import Organisation

    real = list(Organisation.objects.filter(slug__in=REAL_DETAILS).order_by("slug").values_list("slug", "id"))
    ids = list(Organisation.objects.exclude(slug__in=REAL_DETAILS).order_by("id").values_list("id", flat=True))
    sample = sorted(random.Random(seed).sample(ids, min(SYNTHETIC_DETAILS, len(ids))))
    return real + [(f"synthetic #{i}", i) for i in sample]


# What is compared with what: (ours, reference). The bare driver is the floor; Datasette,
# a web framework answering JSON from the same file, is the like-for-like reference for the API.
COMPARISONS = [
    ("directory, with facets", "SQL, with facets"),
    ("directory, no facets", "SQL, no facets"),
    ("API list, with facets", "SQL, with facets"),
    ("API list, no facets", "SQL, no facets"),
    ("API list, no facets", "Datasette list"),
    ("API detail", "SQL detail"),
    ("API detail", "Datasette detail"),
]


def references(connection_vendor: str) -> tuple[object, object | None, str]:
    """(bare-driver reference, Datasette reference or None, why Datasette is missing)."""
    from django.conf import settings

    if connection_vendor == "postgresql":
        return reference.PostgresReference(os.environ["DATABASE_URL"]), None, "SQLite only"
    path = str(settings.DATABASES["default"]["NAME"])
    sql = reference.SqliteReference(path)
    try:
        return sql, reference.DatasetteReference(path, sql), ""
    except ImportError:
        return sql, None, "not installed: .venv/bin/pip install -e '.[bench]'"


def same_answer(page, reference_json: str) -> bool:
    """The directory found as many organisations as the reference, and the same first page."""
    answer = json.loads(reference_json)
    ids = [row[0] for row in answer["results"]]
    return page.total == answer["total"] and [o.id for o in page.organisations] == ids


def run_all(sql, datasette, datasette_missing: str, api: Api, repeat: int, seed: int) -> dict[str, Series]:
    names = {name for pair in COMPARISONS for name in pair}
    series = {name: Series(name) for name in sorted(names)}
    for name in ("API list, with facets", "API list, no facets", "API detail"):
        series[name].missing = api.missing
    for name in ("Datasette list", "Datasette detail"):
        series[name].missing = datasette_missing
    for number, (label, text, filters) in enumerate(QUERIES, 1):
        _progress(f"query {number} of {len(QUERIES)}: {label:<40}")
        calls = {
            "directory, with facets": directory_call(text, filters, True),
            "directory, no facets": directory_call(text, filters, False),
            "SQL, with facets": sql.search(text, filters, True),
            "SQL, no facets": sql.search(text, filters, False),
        }
        if not api.missing:
            calls["API list, with facets"] = api.list_call(text, filters, True)
            calls["API list, no facets"] = api.list_call(text, filters, False)
        if datasette is not None:
            calls["Datasette list"] = datasette.search(text, filters)
        if not same_answer(calls["directory, no facets"](), calls["SQL, no facets"]()):
            series["directory, no facets"].differs.append(label)
        for name, run in calls.items():
            series[name].samples[label], series[name].cpu[label] = time_call(run, repeat)
    for number, (label, organisation_id) in enumerate(detail_targets(seed), 1):
        _progress(f"detail {number}: {label:<40}")
        calls = {"SQL detail": sql.detail(organisation_id)}
        if not api.missing:
            calls["API detail"] = api.detail_call(str(organisation_id))
        if datasette is not None:
            calls["Datasette detail"] = datasette.detail(organisation_id)
        for name, run in calls.items():
            series[name].samples[label], series[name].cpu[label] = time_call(run, repeat)
    print(file=sys.stderr)
    return series


# -- report -------------------------------------------------------------------------------------


def stats(series: Series, clock: str) -> dict:
    values = series.all(clock)
    return {"median": statistics.median(values), "p95": percentile(values, 0.95)} if values else {}


def summary(series: dict[str, Series], clock: str) -> list[dict]:
    rows = []
    for ours, ref in COMPARISONS:
        row = {"operation": ours, "reference": ref, **stats(series[ours], clock)}
        row.update({f"ref_{k}": v for k, v in stats(series[ref], clock).items()})
        row["missing"] = series[ours].missing or series[ref].missing
        if "median" in row and "ref_median" in row:
            row["ratio_median"] = row["median"] / row["ref_median"]
            row["ratio_p95"] = row["p95"] / row["ref_p95"]
            row["meets_p95"] = row["p95"] < TARGET_P95_MS
            row["meets_ratio"] = max(row["ratio_median"], row["ratio_p95"]) <= TARGET_RATIO
        rows.append(row)
    return rows


def print_summary(title: str, rows: list[dict]) -> None:
    print(title)
    heading = (f"{'operation':<24}{'median':>9}{'p95':>9}   {'reference':<18}{'median':>9}{'p95':>9}"
               f"{'x med':>7}{'x p95':>7}  targets: p95 < {TARGET_P95_MS:.0f} ms, <= {TARGET_RATIO:.0f}x")
    print(heading)
    print("-" * len(heading))
    for row in rows:
        if "ratio_median" not in row:
            print(f"{row['operation']:<24}{'':>18}   {row['reference']:<18}  not measured: {row['missing']}")
            continue
        verdict = ("ok" if row["meets_p95"] else "MISSED") + ", " + ("ok" if row["meets_ratio"] else "MISSED")
        print(
            f"{row['operation']:<24}{row['median']:>9.2f}{row['p95']:>9.2f}   {row['reference']:<18}"
            f"{row['ref_median']:>9.2f}{row['ref_p95']:>9.2f}{row['ratio_median']:>7.2f}{row['ratio_p95']:>7.2f}"
            f"  {verdict}"
        )
    print("(milliseconds; x = ours / reference)\n")


def print_per_query(series: dict[str, Series]) -> None:
    """Median wall-clock milliseconds of every operation for every query and detail."""
    for kind, wanted in (("query", lambda n: "detail" not in n), ("detail", lambda n: "detail" in n)):
        shown = [s for name, s in series.items() if wanted(name) and s.samples]
        labels = list(dict.fromkeys(label for s in shown for label in s.samples))
        print(f"{'median ms per ' + kind:<30}" + "".join(f"{s.name[:21]:>22}" for s in shown))
        for label in labels:
            cells = "".join(
                f"{statistics.median(s.samples[label]):>22.2f}" if label in s.samples else f"{'-':>22}" for s in shown
            )
            print(f"{label:<30}{cells}")
        print()


def machine(database: str, sql, datasette) -> list[str]:
    engine = "SQLite" if type(sql).__name__ == "SqliteReference" else "PostgreSQL"
    lines = [
        f"date        {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine     {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        f"python      {platform.python_version()}, Django {__import__('django').get_version()}",
        f"database    {engine} {sql.version}: {database}",
    ]
    if datasette is not None:
        lines.append(f"datasette   {datasette.version}, in-process (ASGI client)")
    lines.append("load        {:.2f} {:.2f} {:.2f} (load average over 1, 5, 15 minutes, at the end)".format(*os.getloadavg()))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="organisations in the registry (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query (default 3)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the synthetic data and the detail sample")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run of this size")
    args = parser.parse_args()

    seed = synthetic.DEFAULT_SEED if args.seed is None else args.seed
    database = prepare_environment(args.size, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    from django.db import connection

    from lshub.registry.models import Organisation

    started = time.perf_counter()
    timings = build_registry(args.size, seed)
    total = Organisation.objects.count()
    sql, datasette, datasette_missing = references(connection.vendor)
    api = Api()
    series = run_all(sql, datasette, datasette_missing, api, args.repeat, seed)
    rows = summary(series, "wall")
    header = [f"Registry search at {total:,} organisations", *machine(database, sql, datasette)]
    header.append("set-up      " + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in timings.items()))
    details = len(series["SQL detail"].samples)
    header.append(f"runs        {len(QUERIES)} queries, {details} details; 1 warm-up + {args.repeat} timed runs each")
    differs = series["directory, no facets"].differs
    header.append("answers     " + (f"DIFFER from the reference for: {', '.join(differs)}" if differs
                                   else "the same total and first page as the reference, for every query"))
    print("\n".join(header) + "\n")
    print_summary("Wall clock", rows)
    cpu_rows = None
    if connection.vendor == "sqlite":
        cpu_rows = summary(series, "cpu")
        print_summary("CPU time of this process (all the work is in-process on SQLite; other load does not count)", cpu_rows)
    print_per_query(series)
    out = Path(os.environ["LSHUB_DATA_DIR"]) / "results.json"
    result = {
        "header": header,
        "summary": rows,
        "summary_cpu": cpu_rows,
        "samples": {name: s.samples for name, s in series.items()},
        "cpu": {name: s.cpu for name, s in series.items()},
        "seconds": time.perf_counter() - started,
    }
    out.write_text(json.dumps(result, indent=1))
    print(f"all samples: {out.relative_to(BENCH_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
