"""Eurostat files in their download formats, parsed with pandas (no database here).

Two formats:

- the SDMX-TSV of the dissemination API and bulk download: the first header cell lists the
  key dimensions and the time dimension (`freq,unit,geo\\TIME_PERIOD`; older files say
  `geo\\time`), one column per period; each cell holds a value followed by optional flags
  (`3100 p`, `: c`), `:` meaning not available;
- SDMX-CSV: one observation per line, with `DATAFLOW`, the dimensions, `TIME_PERIOD`,
  `OBS_VALUE`, `OBS_FLAG` (and sometimes `CONF_STATUS`).

Both become the same long table: one row per (series, period) with the value kept as text
(exact), the flags verbatim and a status derived from them. Problems are collected with
their line and column; nothing is turned into a zero.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..choices import Status

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
YEAR = re.compile(r"^\d{4}$")
SDMX_VALUE_COLUMNS = {"OBS_VALUE", "OBS_FLAG", "CONF_STATUS", "TIME_PERIOD", "DATAFLOW", "LAST UPDATE", "STRUCTURE",
                      "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "OBS_STATUS"}  # fmt: skip
MAX_REPORTED = 20


class ParseError(ValueError):
    """The file cannot be read as a whole (broken header, wrong format)."""


@dataclass
class Parsed:
    """Observations of one file in long form, with what went wrong per cell."""

    frame: pd.DataFrame  # columns: the key dimensions, period, value, flags, status, line, column
    dimensions: list[str]
    dataset: str = ""
    format: str = ""
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def add_errors(self, messages: list[str]) -> None:
        self.error_count += len(messages)
        room = MAX_REPORTED - len(self.errors)
        self.errors.extend(messages[: max(room, 0)])


def parse(path: Path) -> Parsed:
    """Read a Eurostat TSV or SDMX-CSV file (optionally gzipped), recognised by its header."""
    first = _first_line(path)
    if "\t" in first or "\\" in first.split(",")[-1]:
        return parse_tsv(path)
    if "OBS_VALUE" in first or first.startswith(("DATAFLOW", "STRUCTURE")):
        return parse_sdmx_csv(path)
    raise ParseError(
        "line 1: not a Eurostat file: expected a TSV header such as 'freq,unit,geo\\TIME_PERIOD<TAB>2020' "
        f"or an SDMX-CSV header with OBS_VALUE; found {first[:80]!r}"
    )


def _first_line(path: Path) -> str:
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            line = handle.readline()
    except (OSError, UnicodeDecodeError) as error:
        raise ParseError(f"cannot read {Path(path).name}: {error}") from error
    if not line.strip():
        raise ParseError("the file is empty")
    return line.rstrip("\r\n")


# ---- TSV ------------------------------------------------------------------------------------


def parse_tsv(path: Path) -> Parsed:
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except pd.errors.ParserError as error:
        raise ParseError(f"cannot read the table: {_parser_message(error)}") from error
    except (UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise ParseError(f"cannot read the table: {error}") from error
    key_column = table.columns[0]
    dimensions = _tsv_dimensions(key_column)
    periods = {column: column.strip() for column in table.columns[1:]}
    if not periods:
        raise ParseError("line 1: the header has no period columns after the dimensions")
    parsed = Parsed(frame=pd.DataFrame(), dimensions=dimensions, format="TSV")
    parsed.add_errors(
        [f"line 1, column {label!r}: not a year (only annual data can be loaded)" for label in periods.values()
         if not YEAR.match(label)]  # fmt: skip
    )
    keys = table[key_column].str.split(",", expand=True)
    if keys.shape[1] != len(dimensions):
        raise ParseError(
            f"line 1: the header names {len(dimensions)} dimensions ({', '.join(dimensions)}) "
            f"but the rows have {keys.shape[1]} comma-separated codes"
        )
    keys.columns = dimensions
    wrong = keys.isna().any(axis=1) | (keys == "").any(axis=1)
    parsed.add_errors([f"line {i + 2}: the series key {table.at[i, key_column]!r} has missing codes" for i in keys.index[wrong]])
    table = pd.concat([keys, table.drop(columns=[key_column])], axis=1)
    table["line"] = np.arange(2, len(table) + 2)
    long = table.melt(id_vars=[*dimensions, "line"], var_name="column", value_name="cell")
    # Back to the file's order (series by series, year by year): index inserts then append.
    long = long.sort_values(["line"], kind="stable", ignore_index=True)
    long["period"] = long["column"].map(periods)
    parsed.frame = long
    _split_cells(parsed)
    return parsed


def _tsv_dimensions(key_column: str) -> list[str]:
    if "\\" not in key_column:
        raise ParseError(
            "line 1: the first header cell should list the dimensions and end with the time dimension, "
            f"as in 'freq,unit,geo\\TIME_PERIOD'; found {key_column!r}"
        )
    names, _, time = key_column.partition("\\")
    dimensions = [name.strip() for name in names.split(",")]
    if time.strip().lower() not in ("time_period", "time") or not all(dimensions):
        raise ParseError(f"line 1: cannot read the dimensions from {key_column!r}")
    if "geo" not in dimensions:
        raise ParseError(f"line 1: the header has no geo dimension ({', '.join(dimensions)})")
    return dimensions


def _parser_message(error: Exception) -> str:
    text = str(error).strip()
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        expected, line, seen = match.groups()
        return f"line {line} has {seen} cells where the header has {expected}"
    return text


def _split_cells(parsed: Parsed) -> None:
    """Split 'value flags' cells; keep the value as exact text and derive a status."""
    frame = parsed.frame
    # Vectorised regular expressions (Arrow strings): no Python call per cell.
    text = frame["cell"].str.strip()
    number = text.str.replace(r" .*$", "", regex=True)
    flags = text.str.replace(r"^[^ ]* *", "", regex=True)
    good = (number.str.fullmatch(NUMBER) | (number == ":")) & flags.str.fullmatch(r"[a-z]*")
    bad = ~good.fillna(False).astype(bool)
    parsed.add_errors(
        [f"line {line}, column {column.strip()!r}: {cell!r} is not a number (':' marks a missing value)"
         for line, column, cell in frame.loc[bad, ["line", "column", "cell"]].itertuples(index=False)]  # fmt: skip
    )
    frame = frame.loc[~bad].drop(columns=["cell"])
    frame["value"] = number[~bad].where(number[~bad] != ":", None)
    frame["flags"] = flags[~bad]
    parsed.frame = _finish(frame, parsed)


def statuses(values: pd.Series, flags: pd.Series) -> pd.Series:
    """A status per observation from Eurostat flags; a missing value is a gap, never a zero."""
    flags = flags.fillna("")
    conditions = [
        flags.str.contains("c", regex=False),
        values.isna(),
        flags.str.contains("p", regex=False),
        flags.str.contains("e", regex=False) | flags.str.contains("s", regex=False),
        flags.str.contains("u", regex=False),
    ]
    choices = [Status.CONFIDENTIAL, Status.GAP, Status.PROVISIONAL, Status.ESTIMATE, Status.LOW_RELIABILITY]
    return pd.Series(np.select(conditions, [str(c) for c in choices], default=str(Status.SOURCED)), index=values.index)


def _finish(frame: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    frame = frame.loc[frame["period"].str.match(YEAR.pattern)].copy()
    frame["period"] = frame["period"].astype(int)
    # A confidential cell has no value even if a number is printed next to the flag.
    frame["status"] = statuses(frame["value"], frame["flags"])
    frame.loc[frame["status"] == Status.CONFIDENTIAL, "value"] = None
    if "freq" in parsed.dimensions:
        wrong = frame["freq"] != "A"
        parsed.add_errors(
            [f"line {line}: frequency {freq!r} is not annual (A)" for line, freq in frame.loc[wrong, ["line", "freq"]].drop_duplicates("line").itertuples(index=False)]  # fmt: skip
        )
        frame = frame.loc[~wrong]
    return frame.reset_index(drop=True)


# ---- SDMX-CSV -------------------------------------------------------------------------------


def parse_sdmx_csv(path: Path) -> Parsed:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except pd.errors.ParserError as error:
        raise ParseError(f"cannot read the table: {_parser_message(error)}") from error
    except (UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise ParseError(f"cannot read the table: {error}") from error
    missing = [name for name in ("TIME_PERIOD", "OBS_VALUE", "geo") if name not in table.columns]
    if missing:
        raise ParseError(f"line 1: the SDMX-CSV header lacks {', '.join(missing)} (found: {', '.join(table.columns)})")
    dimensions = [c for c in table.columns if c not in SDMX_VALUE_COLUMNS]
    dataset = _dataflow(table["DATAFLOW"].iloc[0]) if "DATAFLOW" in table.columns and len(table) else ""
    parsed = Parsed(frame=pd.DataFrame(), dimensions=dimensions, dataset=dataset, format="SDMX-CSV")
    table["line"] = np.arange(2, len(table) + 2)
    value = table["OBS_VALUE"].str.strip()
    flags = table["OBS_FLAG"].str.strip() if "OBS_FLAG" in table.columns else pd.Series("", index=table.index)
    if "CONF_STATUS" in table.columns:  # confidentiality travels in its own column in newer files
        confidential = table["CONF_STATUS"].str.strip().isin(["C", "D"])
        flags = flags.where(~confidential | flags.str.contains("c"), flags + "c")
    numeric = value.str.fullmatch(NUMBER) | value.isin(["", ":"])
    parsed.add_errors(
        [f"line {line}, column 'OBS_VALUE': {cell!r} is not a number" for line, cell in table.loc[~numeric, ["line", "OBS_VALUE"]].itertuples(index=False)]  # fmt: skip
    )
    bad_flags = ~flags.str.fullmatch(r"[a-z]*")
    parsed.add_errors(
        [f"line {line}, column 'OBS_FLAG': {cell!r} is not a Eurostat flag" for line, cell in zip(table.loc[bad_flags, "line"], flags[bad_flags])]  # fmt: skip
    )
    periods = table["TIME_PERIOD"].str.strip()
    not_year = ~periods.str.fullmatch(YEAR.pattern)
    parsed.add_errors(
        [f"line {line}, column 'TIME_PERIOD': {cell!r} is not a year (only annual data can be loaded)" for line, cell in zip(table.loc[not_year, "line"], periods[not_year])]  # fmt: skip
    )
    keep = numeric & ~bad_flags & ~not_year
    frame = table.loc[keep, [*dimensions, "line"]].copy()
    frame["column"] = "OBS_VALUE"
    frame["period"] = periods[keep]
    frame["value"] = value[keep].where(~value[keep].isin(["", ":"]), None)
    frame["flags"] = flags[keep]
    parsed.frame = _finish(frame, parsed)
    return parsed


def _dataflow(text: str) -> str:
    """'ESTAT:NAMA_10R_3GDP(1.0)' -> 'nama_10r_3gdp'."""
    match = re.match(r"^(?:[A-Z0-9_]+:)?([A-Za-z0-9_]+)", text.strip())
    return match.group(1).lower() if match else ""

