"""The warm scorer: the registry prepared once, each request only scores its own rows.

Building a Splink linker and its SQL costs a few hundred milliseconds (most of it Splink
parsing the comparison conditions to learn their columns), while scoring one name takes a
few. A `WarmScorer` keeps, for one state of the registry, a DuckDB connection holding the
registry's rows and the SQL that Splink's search of new records
(`linker.inference.find_matches_to_new_records`) runs against them. A call replaces the
table of candidate rows and runs that SQL again: the pairs, comparison levels and
probabilities are Splink's, computed by the same statements, with the same settings,
blocking rules and threshold as `model.score`.

That search joins every candidate row with every registry row on the list-overlap rules
(it cannot explode lists), so a batch too large for that goes to `model.score`, whose
exploded equality joins scale with the pairs found: see `fits`.
"""

from __future__ import annotations

import threading

from . import model

# Candidate rows x registry rows beyond which the batch path (model.score) is quicker:
# the row-by-row join then costs about what building a linker saves, half a second on
# two cores (about 2 million row pairs a second; bench/resolve_latency.py).
ROW_PAIR_LIMIT = 1_000_000

CANDIDATES = "candidates"
REGISTRY = "registry"


def fits(candidate_rows: int, registry_rows: int) -> bool:
    """Whether a batch of this size is quicker here than on the batch path."""
    return candidate_rows * registry_rows <= ROW_PAIR_LIMIT


def _recording_api(con):
    """Splink's DuckDB backend, keeping the statements it runs while `recorded` is a list."""
    from splink import DuckDBAPI

    class RecordingDuckDBAPI(DuckDBAPI):
        recorded: list[str] | None = None

        def _execute_sql_against_backend(self, final_sql: str):
            if self.recorded is not None:
                self.recorded.append(final_sql)
            return super()._execute_sql_against_backend(final_sql)

    return RecordingDuckDBAPI(connection=con)


class WarmScorer:
    """Scores candidate rows against one state of the registry; safe to share between
    threads (calls take turns on the one DuckDB connection)."""

    def __init__(self, registry_rows: list[dict], organisations: int):
        self._lock = threading.Lock()
        self._empty = not registry_rows
        if self._empty:
            return
        self._con = model.duckdb_connection()
        model.load_table(self._con, REGISTRY, registry_rows)
        self._statements, self._output = self._compile(organisations)

    def _compile(self, organisations: int) -> tuple[list[str], str]:
        """The statements that score the candidates table, and the table they fill."""
        from splink import Linker

        api = _recording_api(self._con)
        settings = model.settings("duckdb", "dedupe_only", model.prior(organisations))
        # The registry is the linker's only input: Splink prepares it once (its
        # concatenated, term-frequency table stays in the connection).
        self._linker = Linker(REGISTRY, settings, api, set_up_basic_logging=False, input_table_aliases=REGISTRY)
        model.load_table(self._con, CANDIDATES, [])
        self._find_matches()  # the first run also prepares the registry's table
        api.recorded = []
        output = self._find_matches()
        statements = [sql for sql in api.recorded if sql.lstrip().upper().startswith(("CREATE ", "DROP "))]
        api.recorded = None
        if not any(f"CREATE TABLE {output} " in sql for sql in statements):
            # A Splink whose search no longer runs as plain statements: say so, not guess.
            raise RuntimeError("Splink's search of new records could not be compiled for reuse")
        return statements, output

    def _find_matches(self) -> str:
        # A margin under the threshold: the exact cut is made in `score`, as predict makes it.
        lowest = _weight(model.SCORED_PROBABILITY) - 1.0
        found = self._linker.inference.find_matches_to_new_records(
            CANDIDATES, blocking_rules=model.overlap_blocking_rules(), match_weight_threshold=lowest
        )
        return found.physical_name

    def score(self, candidate_rows: list[dict]) -> list[dict]:
        """The scored pairs, as `model.score` returns them (candidate on the left)."""
        if self._empty or not candidate_rows:
            return []
        columns = ", ".join(model.PAIR_COLUMNS)
        lowest = _weight(model.SCORED_PROBABILITY)
        with self._lock:
            model.load_table(self._con, CANDIDATES, candidate_rows)
            for sql in self._statements:
                self._con.execute(sql)
            found = self._con.sql(f"SELECT {columns} FROM {self._output}").fetchall()
            self._con.execute(f"DROP TABLE {self._output}")
            model.load_table(self._con, CANDIDATES, [])
        pairs = [dict(zip(model.PAIR_COLUMNS, values)) for values in found]
        return [model.candidate_first(pair) for pair in pairs if pair["match_weight"] >= lowest]


def _weight(probability: float) -> float:
    """The match weight of a probability, as Splink's thresholds compute it."""
    from splink.internals.misc import prob_to_match_weight

    return prob_to_match_weight(probability)
