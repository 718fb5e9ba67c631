"""Load observations from files: checks, conflicts and an atomic write.

Both importers (Eurostat files, indicator tables in CSV) turn a file into the same long
table, then `apply()` does the rest:

1. unknown geographies are reported (or created / skipped when asked);
2. the same observation twice in the file with different values is a conflict;
3. an observation already in the database with other values is a conflict: by default the
   whole import stops, `on_conflict="keep"` keeps the stored value, `"replace"` replaces it
   (each one listed in the report either way);
4. new observations are written in bulk inside one transaction; identical ones are left
   alone, so loading the same file twice changes nothing.

Nothing is written when there is any error, and nothing at all in a dry run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.db import transaction

from lshub.registry.models import Source

from ..models import Geography, Observation
from . import bulk
from .definitions import GEO_CODE

# What identifies an observation, as join columns: "_period" is the period with -1 for
# undated observations (see _keyed), since a missing value never matches in a join.
KEY = ["indicator", "geo", "_period", "source"]
COMPARED = ["value", "status", "flags", "qualifier", "stated_share", "note"]
ON_CONFLICT = ("error", "keep", "replace")
MAX_LISTED = 20


class _Abort(Exception):
    """Raised inside the transaction to roll it back (dry run, or an error found late)."""


@dataclass
class IngestReport:
    file: str
    format: str = ""
    dataset: str = ""
    dry_run: bool = False
    read: int = 0
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    kept: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    conflicts: list[str] = field(default_factory=list)
    conflict_count: int = 0
    warnings: list[str] = field(default_factory=list)
    created_geographies: list[str] = field(default_factory=list)
    by_indicator: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.error_count

    def error(self, *messages: str) -> None:
        self.error_count += len(messages)
        self.errors.extend(messages[: max(MAX_LISTED - len(self.errors), 0)])

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        parts = [f"{self.read} observations read", f"{verb} {self.added}", f"{self.unchanged} unchanged"]
        if self.replaced:
            parts.append(f"{'would replace' if self.dry_run else 'replaced'} {self.replaced}")
        if self.kept:
            parts.append(f"{self.kept} conflicting kept as stored")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)


def source_for(url: str, publisher: str = "", title: str = "", retrieved: date | None = None) -> Source:
    """The registry source with this URL, created when new; blank fields get filled."""
    source, created = Source.objects.get_or_create(
        url=url, defaults={"publisher": publisher, "title": title, "retrieved": retrieved}
    )
    if not created:
        changed = {k: v for k, v in {"publisher": publisher, "title": title, "retrieved": retrieved}.items()
                   if v and not getattr(source, k)}  # fmt: skip
        if changed:
            for name, value in changed.items():
                setattr(source, name, value)
            source.save(update_fields=list(changed))
    return source


def apply(
    frame: pd.DataFrame,
    report: IngestReport,
    *,
    dry_run: bool = False,
    on_conflict: str = "error",
    create_geographies: bool = False,
    skip_unknown_geographies: bool = False,
) -> IngestReport:
    """Check a normalised table (columns indicator, geo, period, source + COMPARED + line) and
    write it atomically."""
    if on_conflict not in ON_CONFLICT:
        raise ValueError(f"on_conflict must be one of {ON_CONFLICT}")
    report.dry_run = dry_run
    report.read = len(frame)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            frame = _geographies(frame, report, create_geographies, skip_unknown_geographies)
            frame = _duplicates_in_file(frame, report)
            if not report.ok:
                raise _Abort
            new, changed = _against_database(frame, report, on_conflict)
            if not report.ok:
                raise _Abort
            report.added = len(new)
            report.by_indicator = {k: int(v) for k, v in new["indicator"].value_counts().sort_index().items()}
            bulk.insert_observations(new)
            bulk.update_observations(changed)
            if dry_run:
                raise _Abort
    except _Abort:
        pass
    return report


def _geographies(frame, report, create, skip) -> pd.DataFrame:
    codes = set(frame["geo"].unique())
    unknown = sorted(codes - set(Geography.objects.filter(code__in=codes).values_list("code", flat=True)))
    if not unknown:
        return frame
    if create:
        creatable = [code for code in unknown if GEO_CODE.match(code)]
        _create_geographies(creatable)
        report.created_geographies = creatable
        unknown = [code for code in unknown if code not in creatable]
        if not unknown:
            return frame
    listed = ", ".join(unknown[:MAX_LISTED]) + (f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else "")
    if skip:
        dropped = frame["geo"].isin(unknown)
        report.skipped += int(dropped.sum())
        report.warnings.append(f"skipped {int(dropped.sum())} observations of unknown geographies: {listed}")
        return frame.loc[~dropped]
    hint = "add them to definitions/geographies.yaml, or use --create-geographies (NUTS codes) or --skip-unknown-geographies"
    report.error(f"unknown geography codes: {listed} ({hint})")
    return frame


def _create_geographies(codes: list[str]) -> None:
    """NUTS-shaped codes: level from the length, parent from the code's prefix when known."""
    known = set(Geography.objects.values_list("code", flat=True))
    created = []
    for code in sorted(codes, key=len):  # parents first; foreign keys are checked at commit
        parent = code[:-1] if len(code) > 2 and code[:-1] in known else None
        created.append(Geography(code=code, name_en=code, level=len(code) - 2, country=code[:2], parent_id=parent))
        known.add(code)
    Geography.objects.bulk_create(created, batch_size=1000)


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """A period column usable in joins (undated observations get -1)."""
    return frame.assign(_period=frame["period"].fillna(-1).astype("int64"))


def _duplicates_in_file(frame, report) -> pd.DataFrame:
    keyed = _keyed(frame)
    repeated = keyed.duplicated(KEY, keep=False)
    if not repeated.any():
        return frame
    groups = keyed.loc[repeated]
    distinct = groups.drop_duplicates([*KEY, *COMPARED])
    clashing = distinct.loc[distinct.duplicated(KEY, keep=False)]
    for _, rows in list(clashing.groupby(KEY, sort=False))[:MAX_LISTED]:
        first = rows.iloc[0]
        values = "; ".join(f"line {r.line}: {_shown(r.value)} {r.status}" for r in rows.itertuples())
        report.conflicts.append(f"{first.indicator} {first.geo} {_period(first.period)}: the file gives different values ({values})")
    clash_count = clashing.drop_duplicates(KEY).shape[0]
    if clash_count:
        report.conflict_count += clash_count
        report.error(f"{clash_count} observations appear more than once in the file with different values")
    same = int(repeated.sum()) - len(groups.drop_duplicates(KEY))
    if same and not clash_count:
        report.warnings.append(f"{same} observations repeated identically in the file were loaded once")
    return frame.loc[~keyed.duplicated(KEY, keep="first")]


def _existing(frame: pd.DataFrame) -> pd.DataFrame:
    rows = Observation.objects.filter(
        indicator_id__in=frame["indicator"].unique().tolist(),
        source_id__in=[int(s) for s in frame["source"].unique()],
        geo_id__in=frame["geo"].unique().tolist(),
    ).values_list("id", "indicator_id", "geo_id", "period", "source_id", *COMPARED)
    columns = ["id", "indicator", "geo", "period", "source", *COMPARED]
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _against_database(frame, report, on_conflict) -> tuple[pd.DataFrame, pd.DataFrame]:
    stored = _existing(frame)
    if stored.empty:
        return frame, frame.iloc[0:0]
    merged = _keyed(frame).merge(
        _keyed(stored).drop(columns=["period"]), on=KEY, how="left", suffixes=("", "_stored"), indicator="_match"
    )
    found = merged["_match"] == "both"
    differs = found & ~_same(merged)
    report.unchanged = int((found & ~differs).sum())
    new = merged.loc[~found, frame.columns]
    clashing = merged.loc[differs]
    if clashing.empty:
        return new, clashing
    _report_conflicts(clashing, report, on_conflict)
    if on_conflict == "keep":
        report.kept = len(clashing)
        return new, clashing.iloc[0:0]
    if on_conflict == "replace":
        report.replaced = len(clashing)
        return new, clashing.assign(id=clashing["id"].astype("int64"))
    return new, clashing.iloc[0:0]


def _same(merged: pd.DataFrame) -> pd.Series:
    same = pd.Series(True, index=merged.index)
    for name in ("value", "stated_share"):
        ours = pd.to_numeric(merged[name], errors="coerce").astype("float64")
        theirs = pd.to_numeric(merged[f"{name}_stored"].astype("object"), errors="coerce").astype("float64")
        equal = np.isclose(ours, theirs, rtol=1e-12, atol=1e-9) | (ours.isna() & theirs.isna())
        same &= equal
    for name in ("status", "flags", "qualifier", "note"):
        same &= merged[name].fillna("").astype(str) == merged[f"{name}_stored"].fillna("").astype(str)
    return same


def _report_conflicts(clashing, report, on_conflict) -> None:
    report.conflict_count += len(clashing)
    for row in clashing.head(MAX_LISTED).itertuples():
        report.conflicts.append(
            f"{row.indicator} {row.geo} {_period(row.period)}: stored {_shown(row.value_stored)} ({row.status_stored}), "
            f"file line {row.line} says {_shown(row.value)} ({row.status})"
        )
    if on_conflict == "error":
        report.error(
            f"{len(clashing)} observations differ from the stored ones: nothing was written "
            "(use --keep-existing to keep the stored values, or --replace to replace them)"
        )


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "no value"
    return str(value)


def _period(period) -> str:
    return "undated" if period is None or pd.isna(period) else str(int(period))

