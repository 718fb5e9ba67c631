"""Stage parsed records: keep each raw record once, hashed, and tell new from changed.

Records are written in batches, each batch in its own transaction, with upserts keyed on
(source, record id). A load killed half-way leaves whole batches behind; running it again
finds those unchanged and writes the rest, so the end state equals one clean run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import StagedRecord, StagedStatus
from ..parsers.base import Parsed, Rejected, SourceFileError

BATCH_SIZE = 500
TRIAL_KIND = "trial"  # staged for provenance, but not an organisation candidate
MAX_RECORD_ID = StagedRecord._meta.get_field("record_id").max_length


@dataclass
class StageReport:
    source: str
    file: str
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def staged(self) -> int:
        return self.new + self.changed + self.unchanged

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "file": self.file,
            "dry_run": self.dry_run,
            "read": self.read,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": [{"record": n, "field": f, "reason": r} for n, f, r in self.rejected],
        }


@dataclass(frozen=True)
class StagedItem:
    """What a batch hook sees: the parsed record, its row, and what staging did with it."""

    parsed: Parsed
    record: StagedRecord
    state: str  # "new", "changed" or "unchanged"


BatchHook = Callable[[list[StagedItem]], None]


def content_hash(raw) -> str:
    """sha256 of the canonical JSON of a raw record (sorted keys, no spaces)."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stage(
    source: str,
    file: str,
    records: Iterable[Parsed | Rejected],
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    after_batch: BatchHook | None = None,
    on_progress: Callable[[StageReport], None] | None = None,
    report: StageReport | None = None,
) -> StageReport:
    """Stage every record of one file; bad records are reported and the rest still load.

    `after_batch` runs inside each batch's transaction (the trial loader uses it), so what
    it writes is committed together with the staged rows it depends on. When the parser
    stops on a broken file, the records read before the break are staged, then the error
    propagates; `report` (when given) holds the counts so far.
    """
    report = report or StageReport(source=source, file=file, dry_run=dry_run)
    seen: dict[str, int] = {}
    batch: list[Parsed] = []
    try:
        for item in records:
            report.read += 1
            problem = _problem(item, seen)
            if problem:
                report.rejected.append(problem)
            else:
                seen[item.record_id] = item.number
                batch.append(item)
            if len(batch) >= batch_size:
                _write(source, file, batch, report, dry_run, after_batch)
                batch = []
                if on_progress:
                    on_progress(report)
    except SourceFileError:
        if batch:  # what came before the break is good: keep it
            _write(source, file, batch, report, dry_run, after_batch)
        raise
    if batch:
        _write(source, file, batch, report, dry_run, after_batch)
    if on_progress:
        on_progress(report)
    return report


def _problem(item: Parsed | Rejected, seen: dict[str, int]) -> tuple[int, str, str] | None:
    """Why a record cannot be staged, or None. A duplicate id within one file is refused:
    keeping either copy silently would make the result depend on the order of the file."""
    if isinstance(item, Rejected):
        return (item.number, item.field, item.reason)
    if not item.record_id:
        return (item.number, "id", "the record has no identifier")
    if len(item.record_id) > MAX_RECORD_ID:
        return (item.number, "id", f"the identifier is longer than {MAX_RECORD_ID} characters")
    if item.kind != TRIAL_KIND and not (item.candidate or {}).get("name"):
        return (item.number, "name", "the record has no name")
    if item.record_id in seen:
        return (item.number, "id", f"{item.record_id} already appears at record {seen[item.record_id]}")
    return None


def _write(source, file, batch, report, dry_run, after_batch) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Only what the comparison needs: decoding every stored raw record would cost more
        # than the comparison itself.
        existing = {
            r.record_id: r
            for r in StagedRecord.objects.filter(source=source, record_id__in=[p.record_id for p in batch]).only(
                "id", "source", "record_id", "kind", "file", "content_hash", "status", "organisation_id"
            )
        }
        items, created, updated, unchanged = [], [], [], []
        for parsed in batch:
            digest = content_hash(parsed.raw)
            row = existing.get(parsed.record_id)
            if row is None:
                row = _new_row(source, file, parsed, digest, now)
                created.append(row)
                state = "new"
            elif row.content_hash != digest:
                _refresh(row, file, parsed, digest, now)
                updated.append(row)
                state = "changed"
            else:
                unchanged.append(row.pk)
                state = "unchanged"
            items.append(StagedItem(parsed, row, state))
        report.new += len(created)
        report.changed += len(updated)
        report.unchanged += len(unchanged)
        if dry_run:
            return
        StagedRecord.objects.bulk_create(created)
        StagedRecord.objects.bulk_update(
            updated, ["file", "kind", "content_hash", "raw", "candidate", "last_seen", "status"]
        )
        StagedRecord.objects.filter(pk__in=unchanged).update(last_seen=now, file=file)
        if after_batch:
            after_batch(items)


def _new_row(source, file, parsed, digest, now) -> StagedRecord:
    return StagedRecord(
        source=source,
        file=file,
        record_id=parsed.record_id,
        kind=parsed.kind,
        content_hash=digest,
        raw=parsed.raw,
        candidate=parsed.candidate or {},
        first_seen=now,
        last_seen=now,
        status=StagedStatus.NEW,
    )


def _refresh(row, file, parsed, digest, now) -> None:
    """A changed record goes back to the linker; its current link is kept for it to confirm."""
    row.file = file
    row.kind = parsed.kind
    row.content_hash = digest
    row.raw = parsed.raw
    row.candidate = parsed.candidate or {}
    row.last_seen = now
    row.status = StagedStatus.CHANGED


def candidates(source: str | None = None, status=("new", "changed")) -> QuerySet[StagedRecord]:
    """Staged organisation candidates waiting for the linker (trials themselves excluded)."""
    statuses = [status] if isinstance(status, str) else list(status)
    records = StagedRecord.objects.exclude(kind=TRIAL_KIND).filter(status__in=statuses)
    if source:
        records = records.filter(source=source)
    return records.order_by("pk")


def status_counts(source: str) -> dict[str, int]:
    """How many staged records of a source are in each status, for summaries."""
    from django.db.models import Count

    rows = StagedRecord.objects.filter(source=source).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
