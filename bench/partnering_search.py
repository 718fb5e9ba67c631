"""Speed of the partnering index next to SQLite FTS5 on the same synthetic organisations.

The organisations are the embedded Lombardy dataset scaled up by bench/synthetic.py's
generator (same seed, same mix of types, specialisations and comuni), drawn in memory:
the partnering index is built from plain records, so nothing has to be written to a
database first. Each engine runs in its own process, so its peak memory is its own.

- system:    lshub.partnering's index (bm25s + EN/IT vocabulary + typo repair), queried as
             the matchmaking queries it: understand the need (repair, phrases, concepts),
             then the 200 best documents.
- reference: SQLite FTS5 over the same names and texts (names weighted 3, as in the system),
             queried directly with the need's words OR-ed, best 200 by bm25().

Queries: the texts of the labelled needs (src/lshub/partnering/evaluation/needs.jsonl),
each run `--rounds` times after one warm-up round.

    .venv/bin/python bench/partnering_search.py --sizes 100000
    .venv/bin/python bench/partnering_search.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NEEDS = ROOT / "src" / "lshub" / "partnering" / "evaluation" / "needs.jsonl"
TOP_K = 200


def _django(data_dir: str) -> None:
    os.environ["LSHUB_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


def prepare(data_dir: str) -> None:
    """A SQLite registry with the embedded dataset: what the generator derives from."""
    _django(data_dir)
    from django.core.management import call_command

    from lshub.registry.services.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo()


class Timed:
    """Wraps an iterator and adds up the time spent producing its items, so that the time
    to draw synthetic organisations is not counted as index build time."""

    def __init__(self, iterable):
        self.iterator = iter(iterable)
        self.seconds = 0.0

    def __iter__(self):
        return self

    def __next__(self):
        started = time.perf_counter()
        try:
            return next(self.iterator)
        finally:
            self.seconds += time.perf_counter() - started


def records(size: int):
    """The real organisations, then synthetic ones up to `size`, as index Records."""
    sys.path.insert(0, str(HERE))
    from synthetic import DEFAULT_SEED, Generator, Vocabulary, draw

    from lshub.partnering.services.index import records_from_registry

    real = records_from_registry()
    yield from real
    vocabulary = Vocabulary()
    generator = Generator(vocabulary, DEFAULT_SEED)
    specialisations = vocabulary.specialisations
    type_labels = _type_labels()
    for number in range(len(real), size):
        drawn = draw(generator, number)
        yield _record(number + 1_000_000_000, drawn, specialisations, type_labels)


def _type_labels() -> dict[str, list[str]]:
    from django.utils import translation

    from lshub.registry.choices import OrganisationType

    labels: dict[str, list[str]] = {}
    for language in ("en", "it"):
        with translation.override(language):
            for value, label in OrganisationType.choices:
                labels.setdefault(value, []).append(str(label))
    return labels


def _record(pk: int, drawn, specialisations, type_labels):
    from lshub.partnering.services.index import Record

    o = drawn.organisation
    texts = [t for t in (o.description_en, o.description_it, o.subtype.replace("_", " "), *type_labels.get(o.type, [])) if t]
    areas = {}
    for code in drawn.codes:
        s = specialisations[code]
        recognised = drawn.recognised and s.kind == "therapeutic_area"
        areas[code] = recognised
        texts += [s.label_en, s.label_it] + ([s.label_it.lower()] if recognised else [])
    texts += [f"{c.name} {c.province}" for c in drawn.comuni]
    return Record(id=pk, slug=o.slug, name=o.name, type=o.type, names=[n for n in (o.name, o.short_name) if n], texts=texts, areas=areas)


def queries() -> list[str]:
    return [json.loads(line)["text"] for line in NEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latencies(run, texts: list[str], rounds: int) -> list[float]:
    for text in texts:  # warm-up: caches, page-ins
        run(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            run(text)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "max_ms": ordered[-1],
        "queries": len(ordered),
    }


def run_system(data_dir: str, size: int, rounds: int) -> dict:
    _django(data_dir)
    from lshub.partnering.services import vocabulary
    from lshub.partnering.services.index import PartneringIndex, ancestors_from_registry

    voc, ancestors = vocabulary.current(), ancestors_from_registry()
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    drawn = Timed(records(size))
    index = PartneringIndex(drawn, voc, ancestors=ancestors, keep_records=False)
    build = time.perf_counter() - started - drawn.seconds
    gc.collect()
    after = rss_mib()
    texts = queries()

    def query(text):
        return index.top(index.understand(text), k=TOP_K)

    hits = sum(1 for t in texts if query(t))
    if os.environ.get("BENCH_SLOWEST"):
        slowest = sorted((_latencies(query, [t], 1)[0], t) for t in texts)[-5:]
        print(json.dumps(slowest), file=sys.stderr)
    return {"engine": "system", "size": len(index), "build_s": build, "draw_s": drawn.seconds, "index_mib": after - before, "peak_mib": peak_mib(),
            "answered": hits, **_summary(_latencies(query, texts, rounds))}


def run_reference(data_dir: str, size: int, rounds: int) -> dict:
    _django(data_dir)
    from lshub.registry.services.text import normalise, query_words

    path = Path(data_dir) / f"fts-{size}.sqlite3"
    path.unlink(missing_ok=True)
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(names, body, tokenize='unicode61 remove_diacritics 2')")
    batch = []
    drawn = Timed(records(size))
    for record in drawn:
        batch.append((record.id, normalise(" ".join(record.names)), normalise(" ".join(record.texts))))
        if len(batch) == 5000:
            db.executemany("INSERT INTO docs(rowid, names, body) VALUES (?, ?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO docs(rowid, names, body) VALUES (?, ?, ?)", batch)
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    build = time.perf_counter() - started - drawn.seconds
    gc.collect()
    after = rss_mib()
    count = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    texts = queries()
    sql = f"SELECT rowid, bm25(docs, 3.0, 1.0) AS r FROM docs WHERE docs MATCH ? ORDER BY r LIMIT {TOP_K}"

    def query(text):
        words = query_words(text)
        if not words:
            return []
        return db.execute(sql, [" OR ".join(f'"{w}"' for w in words)]).fetchall()

    hits = sum(1 for t in texts if query(t))
    result = {"engine": "reference", "size": count, "build_s": build, "draw_s": drawn.seconds, "index_mib": after - before, "peak_mib": peak_mib(),
              "disk_mib": path.stat().st_size / 2**20, "answered": hits, **_summary(_latencies(query, texts, rounds))}
    db.close()
    path.unlink(missing_ok=True)
    return result


def child(args) -> None:
    runner = run_system if args.engine == "system" else run_reference
    print(json.dumps(runner(args.data_dir, args.size, args.rounds)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", choices=["system", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="lshub-partnering-bench-") as data_dir:
        prepare_in_child(data_dir)
        rows = []
        for size in args.sizes:
            for engine in ("system", "reference"):
                command = [sys.executable, __file__, "--engine", engine, "--size", str(size), "--rounds", str(args.rounds), "--data-dir", data_dir]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                rows.append(json.loads(output.strip().splitlines()[-1]))
                print(_line(rows[-1]), flush=True)
        print()
        print(_table(rows))


def prepare_in_child(data_dir: str) -> None:
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import partnering_search as b; b.prepare({data_dir!r})"
    subprocess.run([sys.executable, "-c", code], check=True)


def _line(row: dict) -> str:
    return (f"{row['engine']:<9} {row['size']:>9,} orgs  build {row['build_s']:7.1f} s  median {row['median_ms']:7.2f} ms  "
            f"p95 {row['p95_ms']:7.2f} ms  index {row['index_mib']:7.0f} MiB  peak {row['peak_mib']:7.0f} MiB")


def _table(rows: list[dict]) -> str:
    lines = ["| organisations | engine | build s | query median ms | query p95 ms | index memory MiB | peak RSS MiB |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        name = "partnering index (bm25s + vocabulary)" if row["engine"] == "system" else "SQLite FTS5 (reference)"
        memory = f"{row['index_mib']:.0f}" + (f" (+{row['disk_mib']:.0f} on disk)" if "disk_mib" in row else "")
        lines.append(f"| {row['size']:,} | {name} | {row['build_s']:.1f} | {row['median_ms']:.2f} | {row['p95_ms']:.2f} | {memory} | {row['peak_mib']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
