"""String resolution latency: the service behind `lshub resolve` and `POST /api/resolve`.

Runs on its own SQLite database (bench/out/resolve_latency/), loaded with the embedded
Lombardy dataset. The names are the labelled strings of tests/samples/linkage/gold.csv
(ROR names, trial sites, affiliations, with their city and country when known), cycled
to fill batches of 1, 10, 100 and 1000 names. Each measurement is timed --repeat times
(fewer for the large batches); the table gives the median and the slowest run:

  service          strings.resolve_strings: the registry's warm scorer (one DuckDB
                   connection holding the registry and Splink's compiled SQL)
  service, batch   the same with a Splink linker built for each call (the batch path,
                   which every call took before the warm scorer)
  api              POST /api/resolve through Django's test client (JSON in and out)
  rapidfuzz        reference: process.extractOne with token_set_ratio over every name
                   and alias of the registry, one name at a time (a string match only: no
                   places, no kinds, no probability, no decision)

Cold is a fresh process's first call of one name: imports, the registry's rows and, for
the service and the API, Splink compiling the scorer. It is timed in a child process per
row. The machine's load average is printed: wall times grow with it.

    .venv/bin/python bench/resolve_latency.py
    .venv/bin/python bench/resolve_latency.py --repeat 40
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out" / "resolve_latency"
GOLD = BENCH_DIR.parent / "tests" / "samples" / "linkage" / "gold.csv"
SIZES = (1, 10, 100, 1000)
INTERFACES = ("service", "service, batch", "api", "rapidfuzz")


def prepare(load: bool = True) -> None:
    """A bench-owned SQLite database with the embedded dataset; DATABASE_URL is not used."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["LSHUB_DATA_DIR"] = str(OUT_DIR / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()
    if load:
        from django.core.management import call_command

        from lshub.registry.services.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo()


def names(count: int) -> list[dict]:
    """`count` labelled strings with their city and country, in the file's order, cycled."""
    with GOLD.open(encoding="utf-8") as handle:
        rows = [{k: row.get(k) or "" for k in ("name", "city", "country")} for row in csv.DictReader(handle)]
    return list(itertools.islice(itertools.cycle(rows), count))


# ---------------------------------------------------------------------------------------
# One callable per interface: takes a batch of names, resolves it


def service(batch: list[dict]):
    from lshub.linkage import strings

    return strings.resolve_strings(batch)


def service_batch_path(batch: list[dict]):
    from lshub.linkage import resolve

    return resolve.resolve(batch, warm_path=False)


def api_client():
    from django.test import Client

    client = Client()

    def send(batch: list[dict]):
        response = client.post("/api/resolve", data=json.dumps({"records": batch}), content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        return response.json()["results"]

    return send


def rapidfuzz_matcher():
    """extractOne over the registry's names and aliases, built once (as a service would)."""
    from rapidfuzz import fuzz, process, utils

    from lshub.linkage.features import organisation_names
    from lshub.registry.models import Organisation

    choices, owners = [], []
    for org in Organisation.objects.prefetch_related("aliases"):
        for name in organisation_names(org):
            choices.append(utils.default_process(name))
            owners.append(org.pk)

    def match(batch: list[dict]):
        found = []
        for row in batch:
            best = process.extractOne(utils.default_process(row["name"]), choices, scorer=fuzz.token_set_ratio)
            found.append((owners[best[2]], best[1]) if best else None)
        return found

    return match


def interface(name: str):
    return {
        "service": lambda: service,
        "service, batch": lambda: service_batch_path,
        "api": api_client,
        "rapidfuzz": rapidfuzz_matcher,
    }[name]()


# ---------------------------------------------------------------------------------------
# Timing


def cold(name: str) -> float:
    """Seconds of a fresh process's first call of one name through this interface."""
    command = [sys.executable, __file__, "--cold-child", name]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def cold_child(name: str) -> None:
    prepare(load=False)
    started = time.perf_counter()
    interface(name)(names(1))
    print(time.perf_counter() - started)


def warm(run, batch: list[dict], repeat: int) -> tuple[float, float, float]:
    """(median wall, max wall, median CPU) seconds of `repeat` calls, after an untimed one.

    Wall time is what a user waits; CPU time (all threads of the process) is the work
    done, which stays put when other processes share the machine."""
    run(batch)
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run(batch)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of one name (fewer for large batches)")
    parser.add_argument("--cold-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child)
        return 0
    prepare()
    from lshub.registry.models import Alias, Organisation

    colds = {name: cold(name) for name in INTERFACES}
    table = []
    for name in INTERFACES:
        run = interface(name)
        for size in SIZES:
            repeat = max(3, args.repeat // max(1, size // 10))
            median, worst, cpu = warm(run, names(size), repeat)
            table.append((name, size, median, worst, cpu))
            print(f"{name} {size}: {median * 1000:.1f} ms", file=sys.stderr)

    load = os.getloadavg()
    print(
        f"\nString resolution, SQLite, {Organisation.objects.count()} organisations and {Alias.objects.count()} aliases; "
        f"CPUs {os.cpu_count()}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n"
    )
    print("milliseconds per call: median wall / slowest wall / median CPU\n")
    print(f"{'interface':<16} {'cold 1 name s':>13} " + " ".join(f"{f'{n} names':>24}" for n in SIZES))
    for name in INTERFACES:
        cells = [f"{m * 1000:.1f} / {w * 1000:.1f} / {c * 1000:.1f}" for n, _s, m, w, c in table if n == name]
        print(f"{name:<16} {colds[name]:>13.2f} " + " ".join(f"{c:>24}" for c in cells))
    per_name = {n: m / s * 1000 for n, s, m, _w, _c in table if s == 1000}
    print("\nper name in a batch of 1000: " + ", ".join(f"{n} {ms:.2f} ms" for n, ms in per_name.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
