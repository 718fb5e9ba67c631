"""Deduplicate synthetic organisation records with Splink on DuckDB, next to a fuzzy baseline.

    .venv/bin/python bench/dedupe_1m.py --size 1000000      # the target: < 10 min, < 6 GB
    .venv/bin/python bench/dedupe_1m.py --size 100000       # a quick run

Records are synthesised from the registry's real names (src/lshub/data/organisations.csv)
and the comuni of Lombardy: new organisation names are made of the registry's words and
places, each organisation (a cluster with a known id) is then written several times with
realistic differences — case and accents, legal forms (S.p.A. / SpA / S.p.A), typos,
English translations of the kind words, dropped kind words, an acronym in front, city
exonyms (Milano / Milan) or no city. Everything is seeded: the same --seed gives the same
records.

Splink reads the resolver's name features (lshub.linkage.normalise, features.order_free_key),
with one difference made for scale: words that only say what kind of body it is ("univ",
"associazione") block nothing, or every university would be paired with every other. The
comparisons are the resolver's (lshub.linkage.model), trained for this data: u by seeded
random sampling, m by expectation maximisation (blocked on the exact distinctive words).
Pairs scoring at least --threshold are clustered (connected components).

The baseline scores the *same blocked pairs* with rapidfuzz's token_set_ratio on the
normalised names and links those at or above --fuzzy-threshold.

Printed: time and CPU time of each step, peak resident memory, pairwise precision /
recall / F1 of the links and of the clusters, for Splink and for the baseline.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import multiprocessing
import os
import random
import resource
import sys
import time
import unicodedata
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")

import django  # noqa: E402
import numpy as np  # noqa: E402

django.setup()

from lshub.linkage import model, normalise  # noqa: E402
from lshub.linkage.features import order_free_key  # noqa: E402
from lshub.registry.services import geo  # noqa: E402

KINDS = [
    ("Istituto", "Institute"),
    ("Fondazione", "Foundation"),
    ("Ospedale", "Hospital"),
    ("Centro", "Centre"),
    ("Laboratori", "Laboratories"),
    ("Clinica", "Clinic"),
    ("Università", "University"),
    ("Associazione", "Association"),
    ("", ""),  # companies: a name and a legal form
]
LEGAL = ["S.p.A.", "SpA", "S.r.l.", "Srl", "S.R.L.", ""]
EXONYMS = {"Milano": "Milan", "Mantova": "Mantua", "Brescia": "Brescia", "Bergamo": "Bergamo", "Pavia": "Pavia"}


def peak_rss_gb() -> float:
    """Peak resident memory of this process (and of finished children), in GB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024 / 1024


class Clock:
    def __init__(self):
        self.rows = []

    def __call__(self, label):
        clock = self

        class Step:
            def __enter__(self):
                self.wall, self.cpu = time.perf_counter(), time.process_time()
                return self

            def __exit__(self, *exc):
                clock.rows.append((label, time.perf_counter() - self.wall, time.process_time() - self.cpu))
                print(f"  {label}: {clock.rows[-1][1]:.1f} s (CPU {clock.rows[-1][2]:.1f} s)", flush=True)

        return Step()


# --- synthesis ------------------------------------------------------------------------


def vocabulary() -> tuple[list[str], list[tuple[str, float]]]:
    """Distinctive words of the registry's names, and Lombardy comuni weighted like its sites."""
    words = set()
    with open(ROOT / "src/lshub/data/organisations.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for token in (row["name"] + " " + row["short_name"]).replace("-", " ").split():
                plain = token.strip("()',.&")
                if len(plain) >= 4 and plain[0].isupper() and plain.isalpha():
                    words.add(plain)
    # Words of every Italian place name stand in for the surnames, saints and places
    # organisations are named after.
    for comuni in geo._comuni().values():
        for comune in comuni:
            words |= {w for w in comune.name.replace("-", " ").split() if w.isalpha() and len(w) >= 4 and w[0].isupper()}
    lombardy = [c.name for c in geo.comuni_in("ITC4")]
    places = [(c, 1.0) for c in lombardy] + [("Milano", 300.0), ("Brescia", 40.0), ("Bergamo", 40.0), ("Pavia", 30.0), ("Monza", 30.0)]
    return sorted(words), places


def organisations(n: int, rng: random.Random):
    words, places = vocabulary()
    names, weights = zip(*places)
    # The running totals once, not at each draw: the same draws, a hundred times cheaper.
    cumulative = list(itertools.accumulate(weights))
    seen = set()
    while len(seen) < n:
        kind = rng.choice(KINDS)
        body = " ".join(rng.sample(words, rng.choice((1, 2, 2, 3))))
        city = rng.choices(names, cum_weights=cumulative)[0]
        legal = rng.choice(LEGAL) if not kind[0] else ""
        key = (kind[0], body, city)
        if key in seen:
            continue
        seen.add(key)
        yield kind, body, legal, city


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.33:
        return word[:i] + word[i + 1 :]  # deletion
    if op < 0.66:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # transposition
    return word[:i] + rng.choice("aeioulnrst") + word[i:]  # insertion


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def variant(kind, body, legal, city, rng: random.Random) -> tuple[str, str]:
    """One way a source may write this organisation."""
    it_kind, en_kind = kind
    words = body.split()
    r = rng.random()
    if r < 0.15:
        words = [typo(w, rng) if rng.random() < 0.5 else w for w in words]
    head = it_kind
    if it_kind and rng.random() < 0.2:
        head = en_kind  # English translation of the kind word
    elif it_kind and rng.random() < 0.15:
        head = ""  # kind word dropped
    name = " ".join(filter(None, [head, *(["di"] if head and rng.random() < 0.3 else []), *words]))
    if legal or (not it_kind and rng.random() < 0.5):
        name = f"{name} {rng.choice(LEGAL)}".strip()
    if rng.random() < 0.08:
        initials = "".join(w[0] for w in ([it_kind] if it_kind else []) + body.split()).upper()
        if len(initials) >= 3:
            name = f"{initials} - {name}"
    if rng.random() < 0.2:
        name = name.upper()
    elif rng.random() < 0.2:
        name = strip_accents(name.lower())
    place = city
    x = rng.random()
    if x < 0.15:
        place = EXONYMS.get(city, city)
    elif x < 0.25:
        place = ""
    return name, place


def synthesise(size: int, seed: int) -> list[tuple[int, str, str]]:
    rng = random.Random(seed)
    records = []
    for cluster, org in enumerate(organisations(size // 4 + 1, rng)):
        for _ in range(min(rng.choice((1, 1, 2, 3, 4, 5, 6, 8, 10)), size - len(records))):
            name, city = variant(*org, rng)
            records.append((cluster, name, city))
        if len(records) >= size:
            break
    rng.shuffle(records)
    return records


# --- features ---------------------------------------------------------------------------


def row(item):
    """One Splink row per record (the resolver's features, without name variants)."""
    index, (cluster, name, city) = item
    named = name_columns(name)
    return {
        "unique_id": str(index),
        "record_id": str(cluster),
        **{column: named[column] for column in NAME_COLUMNS[:9]},
        **record_columns(named, city),
        "cluster": cluster,
        "plain": named["plain"],
    }


# The columns that depend on the name alone, computed once per distinct name.
NAME_COLUMNS = ("variant", "key", "core", "core_key", "strong", "strong_key", "acronyms", "kinds", "not_kinds", "plain")


def name_columns(name: str) -> dict:
    parsed = normalise.name(name)
    strong = list(parsed.strong)
    kinds = frozenset(parsed.kinds)
    acronyms = sorted(parsed.acronyms)
    return {
        "variant": name,
        "key": order_free_key(parsed),
        "core": list(parsed.core) or None,
        "core_key": " ".join(parsed.core) or None,
        "strong": strong or None,
        "strong_key": " ".join(strong) or None,
        "acronyms": acronyms or None,
        "kinds": sorted(kinds) or None,
        "not_kinds": sorted(normalise.excluded_kinds(kinds)) or None,
        "plain": " ".join(parsed.key.split()),
    }


@lru_cache(maxsize=None)  # a few thousand places
def place_of(city: str) -> tuple[str, frozenset[str]]:
    place = normalise.city(city)
    return place, frozenset(normalise.city_words(place)) if place else frozenset()


def record_columns(named: dict, city: str) -> dict:
    """The columns that depend on the record's city too."""
    place, own = place_of(city)
    strong = named["strong"] or []
    # Words that say what kind of body it is ("univ", "associazione") block nothing.
    blocking = [t for t in strong if t not in own and t not in normalise.KIND_TOKENS] or strong
    acronyms = named["acronyms"]
    return {
        "cities": [place] if place else None,
        "provinces": None,
        "regions": None,
        "country": None,
        "domain": None,
        "blocking": sorted(blocking) or None,
        "form": "whole",
        # Blocking keys: the rarest-looking (longest) and the first distinctive word.
        "b_long": max(blocking, key=lambda t: (len(t), t)) if blocking else None,
        "b_first": sorted(blocking)[0] if blocking else None,
        "b_acronym": acronyms[0] if acronyms else None,
        "city": place or None,
    }


# Records grouped by name, set before the worker processes fork so that they inherit it
# instead of receiving it through pipes.
_GROUPS: list[tuple[str, list[tuple[int, int, str]]]] = []
ROW_SCHEMA = None


def group_by_name(records) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Records written alike, together: a spelling is normalised once however often it occurs."""
    groups: dict[str, list[tuple[int, int, str]]] = {}
    for index, (cluster, name, city) in enumerate(records):
        groups.setdefault(name, []).append((index, cluster, city))
    return list(groups.items())


def feature_table(span: tuple[int, int]):
    """The Splink rows of the records in groups [start, stop), as one Arrow table."""
    import pyarrow as pa

    columns: dict[str, list] = {column: [] for column in ROW_SCHEMA.names}
    for name, occurrences in _GROUPS[span[0] : span[1]]:
        named = name_columns(name)
        for column in NAME_COLUMNS:
            columns[column].extend([named[column]] * len(occurrences))
        for index, cluster, city in occurrences:
            columns["_order"].append(index)
            columns["unique_id"].append(str(index))
            columns["record_id"].append(str(cluster))
            columns["cluster"].append(cluster)
            for column, value in record_columns(named, city).items():
                columns[column].append(value)
    return pa.Table.from_pydict(columns, schema=ROW_SCHEMA)


def row_schema():
    """The Arrow schema of `row`'s output (columns never filled here are of type null)."""
    import pyarrow as pa

    text, texts = pa.string(), pa.list_(pa.string())
    types = {"core": texts, "strong": texts, "acronyms": texts, "kinds": texts, "not_kinds": texts, "cities": texts, "blocking": texts}
    types |= {"provinces": pa.null(), "regions": pa.null(), "country": pa.null(), "domain": pa.null(), "cluster": pa.int64()}
    names = list(row((0, (0, "x", "")))) + ["_order"]
    return pa.schema([(column, types.get(column, pa.int64() if column == "_order" else text)) for column in names])


def features(records, threads: int):
    """The Splink rows of all records, in the records' order, as one Arrow table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    global _GROUPS, ROW_SCHEMA
    ROW_SCHEMA = row_schema()
    _GROUPS = group_by_name(records)
    spans = [(start, min(start + 10_000, len(_GROUPS))) for start in range(0, len(_GROUPS), 10_000)]
    gc.freeze()  # the inherited objects stay shared: the collector does not touch them
    # Forked explicitly: the workers read the groups they inherit.
    with multiprocessing.get_context("fork").Pool(threads) as pool:
        parts = list(pool.imap_unordered(feature_table, spans))
    _GROUPS = []
    gc.unfreeze()
    table = pa.concat_tables(parts)
    del parts
    return table.take(pc.sort_indices(table["_order"])).drop_columns(["_order"])


# --- Splink ---------------------------------------------------------------------------


# Equi-joins only: each pair must agree on the exact distinctive words, or on one
# distinctive word and the city (a typo elsewhere in the name is still found), or on two
# distinctive words (the city may be missing), or on an acronym and the city.
BLOCKING = [
    "l.core_key = r.core_key",
    "l.b_long = r.b_long AND l.city = r.city",
    "l.b_first = r.b_first AND l.city = r.city",
    "l.b_long = r.b_long AND l.b_first = r.b_first AND l.b_long <> l.b_first",
    "l.b_acronym = r.b_acronym AND l.city = r.city",
]


def splink_settings() -> dict:
    chosen = model.settings("duckdb", "dedupe_only", lam=1e-6, trained=True)
    chosen["blocking_rules_to_generate_predictions"] = [{"blocking_rule": rule} for rule in BLOCKING]
    chosen["retain_matching_columns"] = False
    chosen["retain_intermediate_calculation_columns"] = False
    chosen["additional_columns_to_retain"] = []
    return chosen


def pair_scores(con, table: str, label: str) -> dict:
    """Pairwise precision/recall of links in `table` (id_l, id_r) against the clusters."""
    true_pairs = con.execute("SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) n FROM records GROUP BY cluster)").fetchall()[0][0]
    found, right = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE a.cluster = b.cluster)
            FROM {table} p JOIN records a ON a.unique_id = p.id_l JOIN records b ON b.unique_id = p.id_r"""
    ).fetchall()[0]
    return _prf(label, right, found, true_pairs)


def cluster_scores(con, table: str, label: str) -> dict:
    """Precision/recall over all pairs implied by predicted clusters (id, cluster_id)."""
    true_pairs = con.execute("SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) n FROM records GROUP BY cluster)").fetchall()[0][0]
    found = con.execute(f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM {table} GROUP BY cluster_id)").fetchall()[0][0]
    right = con.execute(
        f"""SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (
              SELECT count(*) n FROM {table} c JOIN records r ON r.unique_id = c.id GROUP BY c.cluster_id, r.cluster)"""
    ).fetchall()[0][0]
    return _prf(label, right, found, true_pairs)


def _prf(label, right, found, wanted) -> dict:
    p = right / found if found else 1.0
    r = right / wanted if wanted else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"what": label, "links": int(found), "precision": p, "recall": r, "f1": f}


def components(con, edges: str, out: str) -> None:
    """Connected components of a pair table: `out` (id, cluster_id).

    Union-find in scipy, not label propagation in SQL: a long chain of links (the
    baseline's clusters chain nearly everything) needs as many SQL passes as it is long.
    The ids are the records' positions written as text (see `row`).
    """
    import pyarrow as pa
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    size = con.execute("SELECT count(*) FROM records").fetchall()[0][0]
    pairs = con.execute(f"SELECT CAST(id_l AS BIGINT) AS a, CAST(id_r AS BIGINT) AS b FROM {edges}").fetchnumpy()
    graph = coo_matrix((np.ones(len(pairs["a"]), dtype=np.int8), (pairs["a"], pairs["b"])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    found = pa.table({"id": pa.array(np.arange(size)).cast(pa.string()), "cluster_id": labels})
    con.register(f"{out}_arrow", found)
    con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT * FROM {out}_arrow")
    con.unregister(f"{out}_arrow")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--threshold", type=float, default=0.5, help="Splink link probability for clusters")
    parser.add_argument("--fuzzy-threshold", type=float, default=90.0, help="baseline token_set_ratio")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit")
    args = parser.parse_args()

    import duckdb
    import pyarrow as pa
    from rapidfuzz import fuzz, process
    from splink import DuckDBAPI, Linker

    clock = Clock()
    print(f"dedupe benchmark: {args.size:,} records, seed {args.seed}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    with clock("synthesise"):
        records = synthesise(args.size, args.seed)
    with clock("features (normalise)"):
        # Each worker turns its records into an Arrow table: a million dicts would not fit
        # in 6 GB, nor pass through a pipe quickly.
        table = features(records, args.threads)
        del records
    con = duckdb.connect()
    con.execute(f"SET threads TO {args.threads}")
    con.execute(f"SET memory_limit = '{args.memory_limit}'")  # DuckDB spills to disk beyond it
    con.execute("SET preserve_insertion_order = false")
    con.register("records_arrow", table)
    con.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    con.unregister("records_arrow")
    del table
    clusters = con.execute("SELECT count(DISTINCT cluster) FROM records").fetchall()[0][0]
    print(f"  {clusters:,} organisations")

    splink_start = (time.perf_counter(), time.process_time())
    linker = Linker("records", splink_settings(), DuckDBAPI(connection=con), set_up_basic_logging=False)
    with clock("splink: count blocked pairs"):
        from splink.blocking_analysis import count_comparisons_from_blocking_rule

        blocked = sum(
            count_comparisons_from_blocking_rule(
                table_or_tables="records", blocking_rule=rule, link_type="dedupe_only", db_api=DuckDBAPI(connection=con)
            )["number_of_comparisons_to_be_scored_post_filter_conditions"]
            for rule in BLOCKING
        )
        print(f"  {blocked:,} pairs before removing those found by two rules")
    with clock("splink: train (u by sampling, m by EM)"):
        # λ from a strict rule whose recall is judged at 0.6 (it misses typos and
        # translations), u by seeded random sampling, then m by EM with u fixed.
        linker.training.estimate_probability_two_random_records_match(
            ["l.core_key = r.core_key AND l.city = r.city"], recall=0.6
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=args.seed)
        # Two sessions, as Splink trains: each leaves out the comparison it blocks on.
        linker.training.estimate_parameters_using_expectation_maximisation("l.core_key = r.core_key", fix_u_probabilities=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            "l.b_first = r.b_first AND l.city = r.city", fix_u_probabilities=True
        )
    with clock("splink: predict"):
        predictions = linker.inference.predict(threshold_match_probability=min(args.threshold, 0.5))
        con.execute(
            f"""CREATE TABLE splink_scored AS SELECT unique_id_l AS id_l, unique_id_r AS id_r, match_probability AS p
                FROM {predictions.physical_name}"""
        )
        con.execute(f"CREATE TABLE splink_links AS SELECT id_l, id_r FROM splink_scored WHERE p >= {args.threshold}")
        con.execute("CREATE TABLE splink_links_90 AS SELECT id_l, id_r FROM splink_scored WHERE p >= 0.9")
    with clock("splink: cluster"):
        components(con, "splink_links", "splink_clusters")
    splink_wall = time.perf_counter() - splink_start[0]
    splink_cpu = time.process_time() - splink_start[1]
    splink_peak = peak_rss_gb()

    with clock("baseline: blocked pairs"):
        union = " UNION ".join(
            f"SELECT l.unique_id AS id_l, r.unique_id AS id_r FROM records l JOIN records r ON {rule} AND l.unique_id < r.unique_id"
            for rule in BLOCKING
        )
        con.execute(f"CREATE TABLE blocked AS {union}")
        pairs = con.execute("SELECT count(*) FROM blocked").fetchall()[0][0]
        print(f"  {pairs:,} distinct blocked pairs")
    with clock("baseline: rapidfuzz token_set_ratio"):
        con.execute("CREATE TABLE fuzzy_links (id_l VARCHAR, id_r VARCHAR)")
        cursor = con.cursor()  # a second cursor streams the pairs while the first writes
        cursor.execute(
            "SELECT b.id_l, b.id_r, a.plain, c.plain FROM blocked b JOIN records a ON a.unique_id = b.id_l JOIN records c ON c.unique_id = b.id_r"
        )
        while True:
            batch = cursor.fetchmany(500_000)
            if not batch:
                break
            left = [x[2] for x in batch]
            right = [x[3] for x in batch]
            scores = process.cpdist(left, right, scorer=fuzz.token_set_ratio, workers=args.threads)
            keep = [x for x, score in zip(batch, scores) if score >= args.fuzzy_threshold]
            if keep:
                kept = pa.table({"id_l": [k[0] for k in keep], "id_r": [k[1] for k in keep]})
                con.register("kept", kept)
                con.execute("INSERT INTO fuzzy_links SELECT id_l, id_r FROM kept")
                con.unregister("kept")
    with clock("baseline: cluster"):
        components(con, "fuzzy_links", "fuzzy_clusters")

    results = [
        pair_scores(con, "splink_links_90", "Splink links (p >= 0.9)"),
        pair_scores(con, "splink_links", f"Splink links (p >= {args.threshold:g})"),
        cluster_scores(con, "splink_clusters", f"Splink clusters (p >= {args.threshold:g})"),
        pair_scores(con, "fuzzy_links", f"rapidfuzz links (>= {args.fuzzy_threshold:g})"),
        cluster_scores(con, "fuzzy_clusters", "rapidfuzz clusters"),
    ]
    print()
    print(f"records {args.size:,}; organisations {clusters:,}; blocked pairs {pairs:,}")
    print(f"Splink total (train + predict + cluster): {splink_wall:.1f} s wall, {splink_cpu:.1f} s CPU; peak RSS {splink_peak:.2f} GB")
    print(f"peak RSS of the whole run: {peak_rss_gb():.2f} GB")
    print(f"{'':32} {'links':>10} {'precision':>9} {'recall':>7} {'F1':>6}")
    for r in results:
        print(f"{r['what']:32} {r['links']:10,} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f}")
    print("\nsteps:")
    for label, wall, cpu in clock.rows:
        print(f"  {label:42} {wall:8.1f} s  CPU {cpu:8.1f} s")


if __name__ == "__main__":
    main()
