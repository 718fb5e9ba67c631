"""ROR ingestion speed: parse and stage 100,000 ROR-v2 records, next to DuckDB's read_json
on the same file.

The file (bench/out/ingest_ror/ror-<N>.json, one JSON array, written once and reused) is
synthesised from the real schema-v2 fixture records (../shared/fixtures/ror/v2, 222 Italian
organisations; the committed sample in tests/samples/ror is used when they are absent):
record i copies template i mod 222 with a new ROR id and a numbered display name, so the
shapes, nesting and sizes are those of real records. The content is not real.

Each measurement runs in its own process, so its peak memory (max RSS) is its own:

  python json.load   the standard library reading the whole array at once (for memory)
  parse             lshub.sources.parsers.ror.parse over the file (ijson, streaming)
  parse, 1/10 file  the same on the first tenth: peak memory should not grow with size
  stage (new)       services.loading.load("ror", file) into an empty database: parse,
                    hash, compare, write in batches of 500, one transaction per batch
  stage (again)     the same file again: every record found unchanged
  duckdb read_json  duckdb reading the array into a table (the reference)
  duckdb count      duckdb counting the array's records (reading without keeping)

SQLite by default (bench/out/ingest_ror/sqlite/). With DATABASE_URL set to PostgreSQL the
run uses a database named <name>_rorbench on that server, created and dropped here.

    .venv/bin/python bench/ingest_ror.py                    # 100,000 records
    .venv/bin/python bench/ingest_ror.py --records 10000    # a quick run
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out" / "ingest_ror"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "ror" / "v2"
SAMPLE = ROOT / "tests" / "samples" / "ror" / "v2_record.json"
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # the digits ROR ids are written with

PEAK = "import resource; peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
# Django set up and the comuni list read before the clock starts: a one-off cost per process.
DJANGO = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lshub.config.settings'); django.setup()\n"
    "from lshub.registry.services import geo; geo.find_comune('Milano')\n"
    "import resource; setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
)
CHILDREN = {
    "json.load": f"""
import json, sys, time
t, c = time.perf_counter(), time.process_time(); n = len(json.load(open(sys.argv[1], 'rb'))); elapsed, cpu = time.perf_counter() - t, time.process_time() - c
{PEAK}
print(json.dumps({{"seconds": elapsed, "records": n, "cpu": cpu, "peak_mb": peak}}))
""",
    "parse": f"""
import itertools, json, sys, time
{DJANGO}
from lshub.sources.parsers import ror
limit = int(sys.argv[2]) or None
t, c = time.perf_counter(), time.process_time(); n = sum(1 for _ in itertools.islice(ror.parse(sys.argv[1]), limit)); elapsed, cpu = time.perf_counter() - t, time.process_time() - c
{PEAK}
print(json.dumps({{"seconds": elapsed, "records": n, "cpu": cpu, "peak_mb": peak, "setup_mb": setup_mb}}))
""",
    "stage": f"""
import json, sys, time
{DJANGO}
from lshub.sources.services.loading import load
t, c = time.perf_counter(), time.process_time(); report = load("ror", sys.argv[1]); elapsed, cpu = time.perf_counter() - t, time.process_time() - c
{PEAK}
s = report.stage
print(json.dumps({{"seconds": elapsed, "records": s.read, "new": s.new, "unchanged": s.unchanged,
                  "error": report.error, "cpu": cpu, "peak_mb": peak, "setup_mb": setup_mb}}))
""",
    "duckdb read_json": f"""
import json, sys, time, duckdb
t, c = time.perf_counter(), time.process_time()
con = duckdb.connect()
con.execute("CREATE TABLE ror AS SELECT * FROM read_json(?, format='array', maximum_object_size=16777216)", [sys.argv[1]])
n = con.execute("SELECT count(*) FROM ror").fetchone()[0]; elapsed, cpu = time.perf_counter() - t, time.process_time() - c
{PEAK}
print(json.dumps({{"seconds": elapsed, "records": n, "cpu": cpu, "peak_mb": peak}}))
""",
    "duckdb count": f"""
import json, sys, time, duckdb
t, c = time.perf_counter(), time.process_time()
n = duckdb.connect().execute("SELECT count(*) FROM read_json(?, format='array', maximum_object_size=16777216)", [sys.argv[1]]).fetchone()[0]
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
{PEAK}
print(json.dumps({{"seconds": elapsed, "records": n, "cpu": cpu, "peak_mb": peak}}))
""",
}


def templates() -> list[dict]:
    files = sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []
    return [json.loads(f.read_text()) for f in files] or [json.loads(SAMPLE.read_text())]


def ror_id(n: int) -> str:
    """A 9-character id in ROR's alphabet, distinct for each n (not a valid checksum)."""
    digits = ""
    for _ in range(6):
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return f"0{digits}zz"


def synthesise(path: Path, count: int) -> None:
    shapes = templates()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(count):
            record = copy.deepcopy(shapes[n % len(shapes)])
            record["id"] = f"https://ror.org/{ror_id(n)}"
            for name in record.get("names", []):
                if "ror_display" in name.get("types", []):
                    name["value"] = f"{name['value']} {n}"
            out.write(("," if n else "") + json.dumps(record, ensure_ascii=False) + "\n")
        out.write("]\n")
    partial.rename(path)


def database(url: str, label: str) -> tuple[dict, callable]:
    """Environment for a fresh, migrated bench database, and a function that drops it."""
    env = os.environ.copy()
    env["LSHUB_DATA_DIR"] = str(OUT_DIR / "data")
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'lshub'}_rorbench"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))

        def drop():
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        folder = OUT_DIR / "sqlite"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"

        def drop():
            pass

    subprocess.run([sys.executable, "-m", "lshub.cli", "migrate"], env=env, check=True, capture_output=True)
    return env, drop


def child(name: str, *args: str, env: dict | None = None) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILDREN[name], *args], capture_output=True, text=True, env=env or os.environ.copy()
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["wall_with_start"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    options = parser.parse_args()

    path = OUT_DIR / f"ror-{options.records}.json"
    if not path.exists():
        print(f"writing {path.relative_to(ROOT)} …", flush=True)
        synthesise(path, options.records)
    size_mb = path.stat().st_size / 2**20
    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    print(
        f"{options.records:,} records, {size_mb:.0f} MiB, engine {engine}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    rows = []
    rows.append(("python json.load", child("json.load", str(path))))
    rows.append(("parse", child("parse", str(path), "0")))
    rows.append(("parse, 1/10 file", child("parse", str(path), str(options.records // 10))))
    env, drop = database(url, "rorbench")
    try:
        rows.append(("stage (new)", child("stage", str(path), env=env)))
        rows.append(("stage (again)", child("stage", str(path), env=env)))
    finally:
        drop()
    try:
        import duckdb  # noqa: F401

        rows.append(("duckdb read_json", child("duckdb read_json", str(path))))
        rows.append(("duckdb count", child("duckdb count", str(path))))
    except ImportError:
        rows.append(("duckdb read_json", {"error": "duckdb is not installed: pip install -e '.[bench]'"}))

    print(
        "\n| step | records | wall s | CPU s | records/s (CPU) | peak MiB | over set-up MiB |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for label, r in rows:
        if r.get("records") is None:
            print(f"| {label} | – | – | – | – | – | {r.get('error', '')} |")
            continue
        rate = r["records"] / r["cpu"] if r["cpu"] else 0
        extra = f"{r['peak_mb'] - r['setup_mb']:.0f}" if "setup_mb" in r else "–"
        print(
            f"| {label} | {r['records']:,} | {r['seconds']:.1f} | {r['cpu']:.1f} | {rate:,.0f} | {r['peak_mb']:.0f} | {extra} |"
        )
    stage = dict(rows).get("stage (new)", {})
    duck = dict(rows).get("duckdb read_json", {})
    if stage.get("seconds") and duck.get("seconds"):
        print(
            f"\nstage (new) takes {stage['cpu'] / duck['cpu']:.1f}x DuckDB's read_json CPU time "
            f"({stage['seconds'] / duck['seconds']:.1f}x its wall time) and {stage['peak_mb'] / duck['peak_mb']:.2f}x its peak memory"
        )
    results = OUT_DIR / f"results-{engine}-{options.records}.json"
    results.write_text(
        json.dumps(
            {
                "records": options.records,
                "file_mib": size_mb,
                "engine": engine,
                "load_average": os.getloadavg()[0],
                "rows": dict(rows),
            },
            indent=2,
        )
    )
    print(f"figures in {results.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
