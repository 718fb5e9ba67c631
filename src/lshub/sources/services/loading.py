"""One loading path for every source: parse the file, stage its records, load trials.

`load()` is what the CLI and tests call. A file-level problem (truncated JSON, an archive
without JSON, an unreadable encoding) stops the file with a plain message; the batches
staged before it stay committed and are found unchanged when the fixed file is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..parsers import ctgov, minsalute, ror, tabular
from ..parsers.base import Parsed, Rejected, SourceFileError
from . import trials
from .staging import BatchHook, StageReport, stage, status_counts


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    parse: Callable[..., Iterator[Parsed | Rejected]]
    after_batch: BatchHook | None = None


SOURCES = {
    "ror": SourceSpec("ror", "Research Organization Registry (ROR)", ror.parse),
    "ctgov": SourceSpec("ctgov", "ClinicalTrials.gov", ctgov.parse, trials.load_batch),
    "minsalute": SourceSpec("minsalute", "Ministero della Salute open data", minsalute.parse),
}


@dataclass
class LoadReport:
    stage: StageReport
    error: str = ""  # why the file stopped before its end, if it did
    statuses: dict[str, int] = field(default_factory=dict)  # of the whole source, after the load

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def queued(self) -> int:
        return self.statuses.get("queued", 0)

    def as_dict(self) -> dict:
        return {**self.stage.as_dict(), "error": self.error, "queued": self.queued, "statuses": self.statuses}


def load(
    source: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    on_progress: Callable[[StageReport], None] | None = None,
    mapping: tabular.Mapping | None = None,
    encoding: str | None = None,
    batch_size: int | None = None,
) -> LoadReport:
    """Parse and stage one file of `source` ("ror", "ctgov", "minsalute", or "csv" with a
    mapping). Never raises for bad input: the report carries the error."""
    path = Path(path)
    name, records = _records(source, path, mapping, encoding)
    spec = SOURCES.get(source)
    options = {"batch_size": batch_size} if batch_size else {}
    report = StageReport(source=name, file=path.name, dry_run=dry_run)
    error = ""
    if not path.is_file():
        error = f"{path} is not a file"
    else:
        try:
            report = stage(
                name,
                path.name,
                records,
                dry_run=dry_run,
                on_progress=on_progress,
                after_batch=spec.after_batch if spec else None,
                report=report,
                **options,
            )
        except SourceFileError as problem:
            error = str(problem)
    return LoadReport(stage=report, error=error, statuses=status_counts(name))


def _records(source, path, mapping, encoding):
    if source == "csv":
        if mapping is None:
            raise ValueError("a csv load needs a column mapping")
        return f"csv:{mapping.name}", tabular.parse(path, mapping)
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: use one of {', '.join([*SOURCES, 'csv'])}")
    if source == "minsalute":
        return source, minsalute.parse(path, encoding)
    return source, SOURCES[source].parse(path)
