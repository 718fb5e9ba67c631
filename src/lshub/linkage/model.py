"""The probabilistic model (Fellegi-Sunter, run by Splink) and the backends that run it.

Six comparisons, each a ladder of levels from the strongest agreement down:

- name: same words; same distinctive words (two or more, or one); same words once
  descriptive ones are dropped; most words shared or a typo; half the words shared; one
  name within the other; a word shared; none;
- acronym: a shared acronym (INT, IEO), or different ones;
- city: the same comune (exonyms folded: Milan = Milano = Mailand), the same province,
  the same region, or elsewhere;
- country;
- kind: words and types that say what kind of body it is agree (hospital, university,
  foundation, company…) or cannot both be true (a university is not its hospital);
- website domain.

Parameters are set, not trained, for resolution against the registry: a registry of a
few hundred organisations and a batch of a few candidates are far too small for
expectation maximisation to find stable m probabilities (it converges on whichever
comparison happens to separate the batch). m and u were counted once over the
development half of the labelled set against the registry (`evaluate.level_frequencies`),
rounded, and fixed here: a run gives the same answer every time, on either backend.
The deduplication benchmark shows Splink's own estimation (u by seeded random sampling,
m by EM) on a million records, where it is stable.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .features import COLUMNS

LIST_COLUMNS = {"core", "strong", "acronyms", "kinds", "not_kinds", "cities", "provinces", "regions", "blocking"}


class BackendUnavailable(RuntimeError):
    """The selected backend cannot run on this machine (a package or Java is missing)."""


@dataclass(frozen=True)
class Dialect:
    """The SQL vocabulary the levels need, per backend."""

    name: str
    jaro_winkler: str
    size: str
    intersect: str
    union_template: str  # how to write the union of two arrays, as a format string

    def overlap(self, col: str) -> str:
        return f"{self.size}({self.intersect}({col}_l, {col}_r)) > 0"

    def jaccard(self, col: str) -> str:
        shared = f"{self.size}({self.intersect}({col}_l, {col}_r))"
        either = f"{self.size}({self.union_template.format(a=col + '_l', b=col + '_r')})"
        return f"(CAST({shared} AS DOUBLE) / {either})"

    def contains(self, col: str) -> str:
        """Every word of the shorter name is in the longer one."""
        shared = f"{self.size}({self.intersect}({col}_l, {col}_r))"
        return f"{shared} = least({self.size}({col}_l), {self.size}({col}_r))"

    def typo(self, col: str, key: str) -> str:
        same_length = f"{self.size}({col}_l) = {self.size}({col}_r)"
        return f"({same_length} AND {self.jaro_winkler}({key}_l, {key}_r) >= 0.94)"


DIALECTS = {
    "duckdb": Dialect("duckdb", "jaro_winkler_similarity", "len", "list_intersect", "list_distinct(list_concat({a}, {b}))"),
    "spark": Dialect("spark", "jaro_winkler", "size", "array_intersect", "array_union({a}, {b})"),
}


@dataclass(frozen=True)
class Level:
    label: str
    condition: Callable[[Dialect], str]
    m: float
    u: float
    null: bool = False

    @property
    def bayes_factor(self) -> float:
        return self.m / self.u


def _null(*cols: str) -> Callable[[Dialect], str]:
    return lambda d: " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)


def _placed(d: Dialect) -> str:
    """A name read without its place ("Ospedale Maggiore di Parma" -> "Ospedale Maggiore")
    only agrees with a name of the same place: elsewhere it is another body's name."""
    return (
        f"((form_l <> 'without place' AND form_r <> 'without place')"
        f" OR cities_l IS NULL OR cities_r IS NULL OR {d.overlap('cities')})"
    )


# (column, description, levels). m and u: see the module docstring and docs/linkage.md.
COMPARISONS: list[tuple[str, str, list[Level]]] = [
    (
        "name",
        "Organisation name",
        [
            Level("null", _null("core"), 0, 0, null=True),
            Level("same words", lambda d: f"key_l = key_r AND {_placed(d)}", 0.70, 0.0001),
            Level(
                "same distinctive words, two or more",
                lambda d: f"core_key_l = core_key_r AND {d.size}(core_l) >= 2 AND {_placed(d)}",
                0.15,
                0.00003,
            ),
            Level("same distinctive word", lambda d: f"core_key_l = core_key_r AND {_placed(d)}", 0.03, 0.0002),
            Level(
                "same words but descriptive ones",
                lambda d: f"strong_key_l = strong_key_r AND {_placed(d)}",
                0.04,
                0.0001,
            ),
            Level(
                "most words shared or a typo",
                lambda d: f"({d.jaccard('core')} >= 0.75 OR {d.typo('core', 'core_key')}) AND {_placed(d)}",
                0.02,
                0.0001,
            ),
            Level("half the words shared", lambda d: f"{d.jaccard('strong')} >= 0.5", 0.02, 0.0026),
            Level("one name within the other", lambda d: d.contains("strong"), 0.02, 0.0023),
            Level("a word shared", lambda d: d.overlap("strong"), 0.015, 0.025),
            Level("no word shared", lambda d: "TRUE", 0.005, 0.96957),
        ],
    ),
    (
        "acronym",
        "Acronyms written in or stated for the name",
        [
            Level("null", _null("acronyms"), 0, 0, null=True),
            Level("shared acronym", lambda d: d.overlap("acronyms"), 0.8, 0.01),
            Level("different acronyms", lambda d: "TRUE", 0.2, 0.99),
        ],
    ),
    (
        "city",
        "Municipality, exonyms folded",
        [
            Level("null", _null("cities"), 0, 0, null=True),
            Level("same comune", lambda d: d.overlap("cities"), 0.90, 0.19),
            Level(
                "same province",
                lambda d: f"provinces_l IS NOT NULL AND provinces_r IS NOT NULL AND {d.overlap('provinces')}",
                0.05,
                0.13,
            ),
            Level(
                "same region",
                lambda d: f"regions_l IS NOT NULL AND regions_r IS NOT NULL AND {d.overlap('regions')}",
                0.035,
                0.41,
            ),
            Level("elsewhere", lambda d: "TRUE", 0.015, 0.27),
        ],
    ),
    (
        "country",
        "Country",
        [
            Level("null", _null("country"), 0, 0, null=True),
            # u is not measured: the labelled rows are mostly Italian, trial sites are not.
            Level("same country", lambda d: "country_l = country_r", 0.99, 0.7),
            Level("other country", lambda d: "TRUE", 0.01, 0.3),
        ],
    ),
    (
        "kind",
        "Kind of body: hospital, university, foundation, company…",
        [
            Level("null", _null("kinds"), 0, 0, null=True),
            Level("same kind", lambda d: d.overlap("kinds"), 0.90, 0.23),
            Level(
                "incompatible kinds",
                lambda d: f"(not_kinds_r IS NOT NULL AND {d.size}({d.intersect}(kinds_l, not_kinds_r)) > 0)"
                f" OR (not_kinds_l IS NOT NULL AND {d.size}({d.intersect}(kinds_r, not_kinds_l)) > 0)",
                0.02,
                0.41,
            ),
            Level("unrelated kinds", lambda d: "TRUE", 0.08, 0.36),
        ],
    ),
    (
        "domain",
        "Website domain",
        [
            Level("null", _null("domain"), 0, 0, null=True),
            Level("same domain", lambda d: "domain_l = domain_r", 0.6, 0.003),
            Level("other domain", lambda d: "TRUE", 0.4, 0.997),
        ],
    ),
]

COMPARISONS_BY_NAME = {name: levels for name, _description, levels in COMPARISONS}

# Thresholds on the probability that a candidate and an organisation are the same body.
LINK_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.40
# A link also needs the runner-up to be this much less likely (odds ratio), else it is
# ambiguous and goes to review: "ASST Monza" vs two Monza hospitals.
AMBIGUITY_ODDS_RATIO = 8.0

SPARK_ENV_HINT = "install the optional extra: pip install 'lshub[spark]' (and a Java runtime)"


def prior(organisations: int) -> float:
    """The chance that a candidate row and a registry row denote the same body, before looking.

    About half of what sources send is in the registry, spread over its organisations.
    """
    return 0.5 / max(organisations, 1)


def settings(dialect: str = "duckdb", link_type: str = "link_only", lam: float = 0.001, trained: bool = True) -> dict:
    """The Splink settings dictionary; `trained=False` leaves m and u for estimation."""
    d = DIALECTS[dialect]
    comparisons = []
    for column, description, levels in COMPARISONS:
        comparison_levels = []
        for level in levels:
            entry = {"sql_condition": level.condition(d), "label_for_charts": level.label}
            if level.null:
                entry["is_null_level"] = True
            elif trained:
                entry["m_probability"] = level.m
                entry["u_probability"] = level.u
            comparison_levels.append(entry)
        comparisons.append(
            {"output_column_name": column, "comparison_description": description, "comparison_levels": comparison_levels}
        )
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": lam,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "additional_columns_to_retain": ["record_id", "variant"],
        # Matching columns carry the comparison levels (gamma_*), which explain each link.
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": True,
    }


# Pairs worth scoring share a value of one of these columns (lists share an element).
BLOCKING_COLUMNS = ("blocking", "acronyms", "domain", "cities")


def blocking_rules() -> list[dict]:
    """Pairs worth scoring: a shared distinctive word or acronym, the same website or city.

    Sized for resolving against a registry of thousands (the city rule pairs every
    Milan candidate with every Milan organisation); the benchmark has its own rules.
    Lists are exploded, so each rule is an equality join that scales with the pairs found."""
    rules = []
    for column in BLOCKING_COLUMNS:
        rule = {"blocking_rule": f"l.{column} = r.{column}"}
        if column in LIST_COLUMNS:
            rule["arrays_to_explode"] = [column]
        rules.append(rule)
    return rules


def overlap_blocking_rules() -> list[str]:
    """The same rules as conditions on whole rows (a shared list element), for Splink's
    search of new records, which cannot explode lists: the same pairs, found by
    comparing every candidate row with every registry row."""
    return [
        f"list_has_any(l.{column}, r.{column})" if column in LIST_COLUMNS else f"l.{column} = r.{column}"
        for column in BLOCKING_COLUMNS
    ]


def levels_of(column: str) -> list[Level]:
    """The comparison's levels that Splink numbers, strongest first (the null level left out)."""
    return [level for level in COMPARISONS_BY_NAME[column] if not level.null]


def level_at(column: str, gamma: int) -> Level:
    """The level a comparison vector value stands for (gamma >= 0)."""
    numbered = levels_of(column)
    # Splink numbers the non-null levels from the bottom (0 = the last).
    return numbered[len(numbered) - 1 - gamma]


def level_label(column: str, gamma: int) -> str:
    """The label of the level a comparison vector value stands for ('-1' is 'unknown')."""
    return "unknown" if gamma < 0 else level_at(column, gamma).label


def level_weight(column: str, gamma: int) -> float:
    """The match weight (log2 Bayes factor) a level adds ('-1', unknown, adds nothing)."""
    return 0.0 if gamma < 0 else math.log2(level_at(column, gamma).bayes_factor)


# ---------------------------------------------------------------------------------------
# Backends


def arrow_table(rows: list[dict]):
    """Rows as an Arrow table with a fixed schema (lists of text, text): the types never
    depend on which values happen to be missing."""
    import pyarrow as pa

    schema = pa.schema(
        [pa.field(c, pa.list_(pa.string()) if c in LIST_COLUMNS else pa.string()) for c in COLUMNS]
    )
    return pa.Table.from_pylist([{c: row.get(c) for c in COLUMNS} for row in rows], schema=schema)


def duckdb_connection():
    """An in-memory DuckDB database."""
    import duckdb

    con = duckdb.connect()
    # Two threads at most: the machine is shared, and small inputs gain nothing from more.
    con.execute(f"SET threads TO {max(1, min(2, os.cpu_count() or 1))}")
    return con


def load_table(con, name: str, rows: list[dict]) -> None:
    """(Re)create the table `name` holding these rows."""
    con.register(f"{name}_arrow", arrow_table(rows))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _duckdb_tables(tables: dict[str, list[dict]]):
    from splink import DuckDBAPI

    con = duckdb_connection()
    for name, rows in tables.items():
        load_table(con, name, rows)
    return DuckDBAPI(connection=con), list(tables)


def spark_session():
    """A local Spark session, or BackendUnavailable saying what is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise BackendUnavailable(f"the Spark backend needs pyspark: {SPARK_ENV_HINT}") from error
    from splink.backends.spark import similarity_jar_location

    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("lshub-linkage")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            # Splink's jar brings the string similarity functions (Jaro-Winkler).
            .config("spark.jars", similarity_jar_location())
            .getOrCreate()
        )
        # Splink breaks long query plans with checkpoints: they need a directory.
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="lshub-spark-"))
        return session
    except Exception as error:  # Java missing or failing to start: say so plainly.
        raise BackendUnavailable(f"Spark could not start ({error}); {SPARK_ENV_HINT}") from error


def _spark_tables(tables: dict[str, list[dict]]):
    spark = spark_session()  # first: it says plainly when pyspark or Java is missing
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType
    from splink import SparkAPI

    schema = StructType(
        [
            StructField(c, ArrayType(StringType()) if c in LIST_COLUMNS else StringType(), True)
            for c in COLUMNS
        ]
    )
    frames = [
        spark.createDataFrame([[row.get(c) for c in COLUMNS] for row in rows], schema)
        for rows in tables.values()
    ]
    return SparkAPI(spark_session=spark, num_partitions_on_repartition=4), frames


BACKENDS = ("duckdb", "spark")


def linker(
    tables: dict[str, list[dict]],
    backend: str,
    link_type: str,
    lam: float,
    trained: bool = True,
    every_pair: bool = False,
):
    """A Splink linker over the given row sets (one for dedupe, two for link_only)."""
    from splink import Linker

    if backend == "duckdb":
        db_api, inputs = _duckdb_tables(tables)
    elif backend == "spark":
        db_api, inputs = _spark_tables(tables)
    else:
        raise BackendUnavailable(_("unknown backend %(name)r: choose duckdb or spark") % {"name": backend})
    aliases = list(tables)
    chosen = settings(backend, link_type, lam, trained)
    if every_pair:
        # For measuring the levels' frequencies over all pairs, not only the blocked ones.
        chosen["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "1=1"}]
    return Linker(
        inputs if len(inputs) > 1 else inputs[0],
        chosen,
        db_api,
        set_up_basic_logging=False,
        input_table_aliases=aliases if len(aliases) > 1 else aliases[0],
    )


# Pairs less likely than this are not returned: no decision could come of them.
SCORED_PROBABILITY = 0.001
# What a scored pair says, whichever way it was scored.
PAIR_COLUMNS = (
    "record_id_l", "record_id_r", "variant_l", "variant_r", "match_probability", "match_weight",
    *(f"gamma_{name}" for name, _d, _l in COMPARISONS),
)  # fmt: skip


def score(
    candidate_rows: list[dict],
    registry_rows: list[dict],
    organisations: int,
    backend: str = "duckdb",
    every_pair: bool = False,
):
    """Score candidate rows against registry rows: one dict per compared pair of rows.

    Each has the two record ids, the two name forms, the probability, the match weight and
    the level reached in each comparison (gamma_<comparison>).
    """
    if not candidate_rows or not registry_rows:
        return []
    tables = {
        "candidates": candidate_rows,
        "registry": registry_rows,
    }
    model = linker(tables, backend, "link_only", prior(organisations), every_pair=every_pair)
    threshold = None if every_pair else SCORED_PROBABILITY
    frame = model.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return [candidate_first(row) for row in frame[list(PAIR_COLUMNS)].to_dict("records")]


def candidate_first(row: dict) -> dict:
    """Put the candidate on the left whatever order the backend returned the pair in."""
    if str(row["record_id_l"]).startswith("o"):
        row["record_id_l"], row["record_id_r"] = row["record_id_r"], row["record_id_l"]
        row["variant_l"], row["variant_r"] = row["variant_r"], row["variant_l"]
    row["match_probability"] = float(row["match_probability"])
    row["match_weight"] = float(row["match_weight"])
    for name, _d, _l in COMPARISONS:
        row[f"gamma_{name}"] = int(row[f"gamma_{name}"])
    return row
