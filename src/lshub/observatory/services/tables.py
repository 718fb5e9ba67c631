"""`lshub ingest csv`: indicator tables in the columns the observatory exports.

Columns (the header of an exported table; order free, extra columns ignored):

    indicator, geo, period, value, unit, status, flags, qualifier, share_of_national,
    source_url, source_publisher, source_title, retrieved, note

The reference export's names are accepted too (indicator_id, region, year,
share_of_national_pct, source_note). Every row is checked; each problem is reported
with its line and column, and a file with any problem loads nothing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from lshub.registry.services.tabular.columns import restore

from ..choices import VALUELESS, Qualifier, Status
from ..models import Indicator
from .ingest import IngestReport, apply, source_for

COLUMNS = [
    "indicator", "geo", "period", "value", "unit", "status", "flags", "qualifier", "share_of_national",
    "source_url", "source_publisher", "source_title", "retrieved", "note",
]  # fmt: skip
ALIASES = {
    "indicator_id": "indicator",
    "region": "geo",
    "year": "period",
    "share_of_national_pct": "share_of_national",
    "source_note": "note",
}
REQUIRED = ("indicator", "geo", "value", "source_url")
NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
URL = re.compile(r"^(https?://\S+|urn:\S+)$")


def ingest_table(path: Path | str, *, dry_run: bool = False, on_conflict: str = "error") -> IngestReport:
    path = Path(path)
    report = IngestReport(file=path.name, format="CSV")
    if not path.is_file():
        report.error(f"no such file: {path}")
        return report
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        report.error(f"cannot read {path.name} as CSV: {error}")
        return report
    table = table.rename(columns=lambda c: ALIASES.get(c.strip(), c.strip()))
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        report.error(f"line 1: missing columns: {', '.join(missing)} (expected: {', '.join(COLUMNS)})")
        return report
    for column in COLUMNS:
        if column not in table.columns:
            table[column] = ""
    table = table.map(lambda cell: restore(cell.strip()))  # an exported file reads back unchanged
    table["line"] = range(2, len(table) + 2)
    rows = _checked_rows(table, report)
    if not report.ok:
        report.read = len(table)
        return report
    return apply(pd.DataFrame(rows), report, dry_run=dry_run, on_conflict=on_conflict)


def _checked_rows(table: pd.DataFrame, report: IngestReport) -> list[dict]:
    definitions = {i.id: i for i in Indicator.objects.all()}
    sources: dict[tuple, int] = {}
    rows = []
    for record in table.to_dict("records"):
        problems: list[str] = []
        row = _row(record, definitions, problems)
        if problems:
            report.error(*(f"line {record['line']}, {p}" for p in problems))
            continue
        key = (record["source_url"], record["source_publisher"], record["source_title"], row.pop("retrieved"))
        if key not in sources:
            sources[key] = source_for(*key).pk
        row["source"] = sources[key]
        rows.append(row)
    return rows


def _row(record: dict, definitions: dict[str, Indicator], problems: list[str]) -> dict:
    indicator = definitions.get(record["indicator"])
    if indicator is None:
        problems.append(f"column 'indicator': unknown indicator {record['indicator']!r}")
    elif record["unit"] and record["unit"] != indicator.unit:
        problems.append(f"column 'unit': {record['unit']!r} but {indicator.id} is measured in {indicator.unit!r}")
    value = _number(record, "value", problems)
    share = _number(record, "share_of_national", problems)
    if share is not None and not 0 <= float(share) <= 100:
        problems.append(f"column 'share_of_national': {share} is not a percentage between 0 and 100")
    status = record["status"] or (Status.SOURCED if value is not None else Status.GAP)
    if status not in Status.values:
        problems.append(f"column 'status': unknown status {status!r} (known: {', '.join(Status.values)})")
    elif status in VALUELESS and value is not None:
        problems.append(f"column 'value': a row with status {status} has no value (keep the stated number in the note)")
    elif status not in VALUELESS and value is None:
        problems.append(f"column 'value': empty, but status {status} needs a value (use status gap for a missing figure)")
    if record["qualifier"] not in Qualifier.values:
        problems.append(f"column 'qualifier': unknown qualifier {record['qualifier']!r} (known: at_least, about, at_most)")
    if not URL.match(record["source_url"]):
        problems.append("column 'source_url': every figure needs its source (an http(s) URL)")
    return {
        "indicator": record["indicator"],
        "geo": record["geo"].upper(),
        "period": _period(record, problems),
        "value": value,
        "status": status,
        "flags": record["flags"],
        "qualifier": record["qualifier"],
        "stated_share": share,
        "note": record["note"],
        "line": record["line"],
        "retrieved": _date(record, problems),
    }


def _number(record: dict, column: str, problems: list[str]) -> str | None:
    text = record[column].replace(" ", "")
    if not text:
        return None
    if not NUMBER.match(text):
        problems.append(f"column {column!r}: {record[column]!r} is not a number (write 1234.5, no thousands separators)")
        return None
    return text


def _period(record: dict, problems: list[str]) -> int | None:
    text = record["period"]
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        problems.append(f"column 'period': {text!r} is not a year")
        return None
    return int(text)


def _date(record: dict, problems: list[str]) -> date | None:
    text = record["retrieved"]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"column 'retrieved': {text!r} is not a date (YYYY-MM-DD)")
        return None
