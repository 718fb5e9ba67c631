"""Import a CSV or XLSX file into the registry: check every row, then write all or nothing.

- Every bad row is reported (row, column, reason); with any bad row nothing is written,
  unless `partial` is set, in which case the good rows are written.
- `dry_run` checks and reports what would be created or updated, and writes nothing.
- Conflicting values are reported and kept unless `overwrite` (see planning.py).
- Every change is saved with the history reason "import <file name>", and organisations
  the import creates or changes are linked to the file as a source.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ...models import Alias, Identifier, Organisation, OrganisationSpecialisation, Site, Source, Specialisation
from .. import indexing
from ..upsert import fill
from .planning import Conflict, Plan, plan_all
from .reading import Table, read
from .validation import RowError, validate


@dataclass
class ImportReport:
    filename: str
    dry_run: bool = False
    partial: bool = False
    overwrite: bool = False
    created: list[str] = field(default_factory=list)  # keys
    updated: dict[str, list[str]] = field(default_factory=dict)  # key -> columns changed
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # kept as they are in the registry
    overwritten: list[Conflict] = field(default_factory=list)  # replaced by the file's value
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> bool:
        """True when bad rows stopped the whole import."""
        return bool(self.errors) and not self.partial

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated)


def import_file(path: str | Path, *, dry_run=False, partial=False, overwrite=False, max_bytes=None) -> ImportReport:
    """Import the CSV or XLSX file at `path`; raises ImportFileError for an unreadable file."""
    path = Path(path)
    return import_table(
        read(path, max_bytes), filename=path.name, dry_run=dry_run, partial=partial, overwrite=overwrite
    )


def import_table(table: Table, *, filename: str, dry_run=False, partial=False, overwrite=False) -> ImportReport:
    report = ImportReport(filename=filename, dry_run=dry_run, partial=partial, overwrite=overwrite)
    valid, report.errors = validate(table)
    plans = plan_all(valid, overwrite)
    for plan in plans:
        _count(report, plan)
    if dry_run or report.refused or not report.changes:
        return report
    reason = f"import {filename}"
    with transaction.atomic(), indexing.deferred():
        writer = _Writer(reason, filename)
        for plan in plans:
            if plan.has_changes:
                writer.apply(plan)
    report.written = True
    return report


def _count(report: ImportReport, plan: Plan) -> None:
    key = plan.incoming.key
    if plan.is_new:
        report.created.append(key)
    elif plan.changed_columns:
        report.updated[key] = plan.changed_columns
    else:
        report.unchanged.append(key)
    (report.overwritten if plan.overwrite else report.conflicts).extend(plan.conflicts)


class _Writer:
    """Applies plans, with every saved row carrying the import's history reason."""

    def __init__(self, reason: str, filename: str):
        self.reason = reason
        self.filename = filename
        self._file_source = None
        self._specialisations = {s.code: s for s in Specialisation.objects.all()}

    def apply(self, plan: Plan) -> None:
        organisation = self._organisation(plan)
        self._site(plan, organisation)
        for name in plan.new_aliases:
            fill(Alias, {"organisation": organisation, "name": name}, {}, self.reason)
        for code in plan.new_specialisations:
            lookup = {"organisation": organisation, "specialisation": self._specialisations[code]}
            fill(OrganisationSpecialisation, lookup, {}, self.reason)
        self._identifiers(plan, organisation)
        for url in plan.new_sources:
            source, _changed = fill(Source, {"url": url}, {}, self.reason)
            organisation.source_links.get_or_create(source=source, field="")
        organisation.source_links.get_or_create(
            source=self.file_source(), field="", defaults={"record_id": f"row {plan.incoming.row}"}
        )

    def _organisation(self, plan: Plan) -> Organisation:
        organisation = plan.organisation or Organisation(slug=plan.incoming.key)
        for name, value in plan.changes.items():
            setattr(organisation, name, value)
        if plan.is_new or plan.changes:
            organisation._change_reason = self.reason
            organisation.save()
        return organisation

    def _site(self, plan: Plan, organisation: Organisation) -> None:
        if not plan.site_changes:
            return
        site = plan.site or Site(organisation=organisation, is_headquarters=True)
        for name, value in plan.site_changes.items():
            setattr(site, name, value)
        site._change_reason = self.reason
        site.save()

    def _identifiers(self, plan: Plan, organisation: Organisation) -> None:
        for scheme, value in plan.dropped_identifiers:
            identifier = organisation.identifiers.get(scheme=scheme, value=value)
            identifier._change_reason = self.reason
            identifier.delete()
        for scheme, value in plan.new_identifiers:
            fill(Identifier, {"scheme": scheme, "value": value}, {"organisation": organisation}, self.reason)

    def file_source(self) -> Source:
        """The imported file as a source, so each organisation it touched says where it came from."""
        if self._file_source is None:
            self._file_source, _changed = fill(
                Source,
                {"url": f"file:{self.filename}"},
                {"title": self.filename, "retrieved": datetime.date.today()},
                self.reason,
            )
        return self._file_source
