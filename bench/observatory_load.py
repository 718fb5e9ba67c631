"""Observatory load speed: `lshub ingest eurostat` on a Eurostat-shaped table of ~1 million
observations, side by side with DuckDB reading the same file.

The file (bench/out/observatory/lshub_bench.tsv, written once and reused) has the shape of
a Eurostat SDMX-TSV download: `freq,indic,unit,geo\\TIME_PERIOD` then one column per year;
cells hold a value and optional flags (`p`, `e`, `b`), `:` or `: c` for missing and
confidential cells. 40 indicators × 20 years × 1,250 NUTS 2-shaped regions = 1,000,000
observations. (Europe has about 300 real NUTS 2 regions; the synthetic codes make up the
count.) The numbers are random: this measures speed, nothing else.

Each measurement runs in its own process, so its peak memory (max RSS) is its own:

  ingest          lshub.observatory.services.eurostat.ingest_eurostat into an empty
                  observation table (geographies created, 40 bench indicators defined):
                  parse, check, conflict detection, write, commit
  parse           the ingest's parsing step alone (importers.eurostat.parse): the file
                  into the long table with values, flags and statuses, no database
  duckdb raw      duckdb read_csv of the file into a table (wide, as in the file)
  duckdb long     duckdb read_csv + UNPIVOT + value/flag split into a long table: the same
                  logical result as the ingest, without the checks and the database
  duckdb parquet  the same, then written to a Parquet file: the nearest store outside the
                  database
  DB floor        the bare driver (sqlite3 executemany, psycopg COPY) writing the same rows,
                  parsed beforehand, into an empty copy of the observation table with the
                  same indexes: what the database alone costs (write time only)

Target: ingest within 3x of DuckDB's raw read.

SQLite by default (bench/out/observatory/sqlite/). With DATABASE_URL set to PostgreSQL the
run uses a database named <name>_obsbench on that server, created and dropped here.

    .venv/bin/python bench/observatory_load.py                 # 1,000,000 observations
    .venv/bin/python bench/observatory_load.py --regions 100   # a quick run (80,000)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out" / "observatory"
DATASET = "lshub_bench"
INDICATORS = 40
YEARS = list(range(2004, 2024))
TARGET_RATIO = 3.0
COUNTRIES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
             "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]  # fmt: skip
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def region_codes(count: int) -> list[str]:
    """NUTS 2-shaped codes (country + two characters), spread over the EU countries."""
    codes = []
    for index in range(count):
        country = COUNTRIES[index % len(COUNTRIES)]
        serial = index // len(COUNTRIES)
        codes.append(country + ALPHABET[serial // len(ALPHABET) + 1] + ALPHABET[serial % len(ALPHABET)])
    return codes


def cell(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.05:
        return ": "
    if draw < 0.06:
        return ": c"
    value = f"{rng.uniform(0, 100000):.1f}"
    if draw < 0.09:
        return value + " p"
    if draw < 0.11:
        return value + " e"
    if draw < 0.12:
        return value + " b"
    return value + " "


def write_table(path: Path, regions: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("freq,indic,unit,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in YEARS) + "\n")
        for indicator in range(INDICATORS):
            for code in region_codes(regions):
                cells = "\t".join(cell(rng) for _ in YEARS)
                handle.write(f"A,I{indicator:02d},NR,{code}\t{cells}\n")
                rows += len(YEARS)
    return rows


# ---- the measured steps, each run in a child process ----------------------------------------

CHILD_INGEST = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
import django
django.setup()
from lshub.observatory.services.eurostat import ingest_eurostat
started, cpu = time.perf_counter(), time.process_time()
report = ingest_eurostat(sys.argv[1], dataset=sys.argv[2], create_geographies=True)
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ok": report.ok, "added": report.added, "errors": report.errors[:3]}))
"""

# The database's own floor: the bare driver writing the same rows (parsed beforehand by
# DuckDB, not timed) into an empty copy of the observation table with the same indexes.
CHILD_DRIVER_FLOOR = r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
import django
django.setup()
import duckdb
from django.db import connection
con = duckdb.connect()
con.execute("CREATE TABLE wide AS SELECT * FROM read_csv(?, delim='\t', header=true, all_varchar=true)", [sys.argv[1]])
key = con.execute("SELECT name FROM pragma_table_info('wide') LIMIT 1").fetchone()[0]
rows = con.execute(
    "SELECT 'bench_' || substr(split_part(k, ',', 2), 2), split_part(k, ',', 4), CAST(trim(period) AS INTEGER),"
    " NULLIF(split_part(trim(cell), ' ', 1), ':'), 'sourced', split_part(trim(cell), ' ', 2), '', NULL, 1, ''"
    f" FROM (SELECT \"{key}\" AS k, * EXCLUDE (\"{key}\") FROM wide)"
    " UNPIVOT (cell FOR period IN (COLUMNS(* EXCLUDE (k))))"
).fetchall()
columns = "indicator_id, geo_id, period, value, status, flags, qualifier, stated_share, source_id, note"
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("CREATE TABLE floor_copy (LIKE observatory_observation INCLUDING ALL)")
    else:  # the very same table definition: columns, foreign keys, indexes
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'observatory_observation' AND sql IS NOT NULL ORDER BY type DESC")
        for (ddl,) in cursor.fetchall():
            ddl = ddl.replace('"observatory_observation"', '"floor_copy"')
            ddl = ddl.replace('INDEX "', 'INDEX "floor_')
            cursor.execute(ddl)
raw_connection = connection.connection
started, cpu = time.perf_counter(), time.process_time()
if connection.vendor == "postgresql":
    with raw_connection.cursor() as raw, raw.copy(f"COPY floor_copy ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    raw_connection.commit()
else:
    raw = raw_connection.cursor()
    raw.execute("BEGIN")
    raw.executemany(f"INSERT INTO floor_copy ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    raw.execute("COMMIT")
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
with connection.cursor() as cursor:
    cursor.execute("DROP TABLE floor_copy")
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": len(rows)}))
"""

CHILD_PARSE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
import django
django.setup()
from lshub.observatory.importers.eurostat import parse
started, cpu = time.perf_counter(), time.process_time()
parsed = parse(sys.argv[1])
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": len(parsed.frame)}))
"""

CHILD_DUCKDB_RAW = """
import json, resource, sys, time
import duckdb
started, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("CREATE TABLE wide AS SELECT * FROM read_csv(?, delim='\\t', header=true, all_varchar=true)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM wide").fetchone()[0]
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}))
"""

CHILD_DUCKDB_LONG = """
import json, resource, sys, time
import duckdb
started, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("CREATE TABLE wide AS SELECT * FROM read_csv(?, delim='\\t', header=true, all_varchar=true)", [sys.argv[1]])
key = con.execute("SELECT name FROM pragma_table_info('wide') LIMIT 1").fetchone()[0]
con.execute(f'''
    CREATE TABLE long AS
    SELECT split_part("{key}", ',', 2) AS indic, split_part("{key}", ',', 4) AS geo,
           CAST(trim(period) AS INTEGER) AS period,
           TRY_CAST(NULLIF(split_part(trim(cell), ' ', 1), ':') AS DECIMAL(24, 6)) AS value,
           split_part(trim(cell), ' ', 2) AS flags
    FROM (UNPIVOT wide ON COLUMNS(* EXCLUDE ("{key}")) INTO NAME period VALUE cell)
''')
if len(sys.argv) > 2:  # the nearest alternative store: the long table as a Parquet file
    con.execute(f"COPY long TO '{sys.argv[2]}' (FORMAT parquet)")
rows = con.execute("SELECT count(*) FROM long").fetchone()[0]
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}))
"""


def run_child(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=os.environ.copy())
    if result.returncode != 0:
        raise SystemExit(f"child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- database set-up ---------------------------------------------------------------------------


def prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        data_dir = OUT_DIR / "postgresql"
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["LSHUB_DATA_DIR"] = str(data_dir)
        os.environ["DATABASE_URL"] = _postgres_bench_database(url)
        return f"PostgreSQL database {urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}"
    data_dir = OUT_DIR / "sqlite"
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "static").mkdir(parents=True)
    os.environ["LSHUB_DATA_DIR"] = str(data_dir)
    return "SQLite file bench/out/observatory/sqlite/lshub.sqlite3"


def _postgres_bench_database(url: str) -> str:
    """A separate database beside the one DATABASE_URL names, dropped and created fresh."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'lshub'}_obsbench"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def migrate_and_define() -> None:
    """Tables, the shipped definitions, and 40 bench indicators selecting the file's series."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lshub.observatory.models import Indicator
    from lshub.observatory.services.definitions import load_definitions

    call_command("migrate", verbosity=0)
    load_definitions()
    Indicator.objects.bulk_create(
        [
            Indicator(id=f"bench_{i:02d}", label_en=f"Bench indicator {i}", label_it=f"Indicatore di prova {i}",
                      unit="persons", segment="context", eurostat_dataset=DATASET,
                      eurostat_series={"indic": f"I{i:02d}", "unit": "NR"})  # fmt: skip
            for i in range(INDICATORS)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=1250, help="regions in the table (default 1250: 1,000,000 rows)")
    args = parser.parse_args()
    try:
        import duckdb
    except ImportError:
        raise SystemExit("DuckDB is the reference: pip install -e '.[bench]'") from None

    table = OUT_DIR / f"{DATASET}_{args.regions}.tsv"
    expected = args.regions * INDICATORS * len(YEARS)
    if not table.exists():
        print(f"writing {table.relative_to(ROOT)} ({expected:,} observations)…", file=sys.stderr)
        write_table(table, args.regions)
    load = os.getloadavg()
    database = prepare_database()
    migrate_and_define()

    ingest = run_child(CHILD_INGEST, str(table), DATASET)
    if not ingest["ok"] or ingest["added"] != expected:
        raise SystemExit(f"ingest did not load the table: {ingest}")
    parse_only = run_child(CHILD_PARSE, str(table))
    raw = run_child(CHILD_DUCKDB_RAW, str(table))
    long = run_child(CHILD_DUCKDB_LONG, str(table))
    parquet = run_child(CHILD_DUCKDB_LONG, str(table), str(OUT_DIR / f"{DATASET}_{args.regions}.parquet"))
    floor = run_child(CHILD_DRIVER_FLOOR, str(table))
    ratio = ingest["seconds"] / raw["seconds"]

    print(f"Observatory load — {expected:,} observations ({INDICATORS} indicators × {len(YEARS)} years × "
          f"{args.regions:,} regions), {table.stat().st_size / 1e6:.1f} MB TSV")  # fmt: skip
    print(f"database: {database}; Python {platform.python_version()}, pandas, DuckDB {duckdb.__version__}; "
          f"{platform.machine()} {os.cpu_count()} CPUs")  # fmt: skip
    print()
    print(f"load average at the start: {load[0]:.1f} (CPU s: this process only; a PostgreSQL server's work is not in it)")
    print()
    print(f"| {'step':<44} | {'seconds':>8} | {'CPU s':>7} | {'peak MB':>8} | {'× DuckDB raw':>12} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 9}|{'-' * 10}|{'-' * 14}|")
    for label, result in [
        ("lshub ingest eurostat (parse, check, write)", ingest),
        ("  of which: parse the file (pandas, Arrow)", parse_only),
        ("DuckDB read_csv (wide, raw)", raw),
        ("DuckDB read_csv + unpivot + flags (long)", long),
        ("  the same, written to Parquet", parquet),
        ("bare driver insert, rows parsed (DB floor)", floor),
    ]:
        print(f"| {label:<44} | {result['seconds']:8.2f} | {result['cpu']:7.2f} | {result['peak_mb']:8.0f} | {result['seconds'] / raw['seconds']:12.1f} |")
    print()
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"target: ingest within {TARGET_RATIO:.0f}× of DuckDB's raw read — {verdict} it ({ratio:.1f}×)")


if __name__ == "__main__":
    main()
