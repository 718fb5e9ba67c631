"""`lshub ingest …` commands for organisation sources: ror, ctgov, minsalute, orgs-csv.

A thin adapter over services.loading: it expands folders into files, shows progress on a
terminal, prints one summary line per file and the rejected records, and writes the full
report as JSON with --report. Exported as `commands` for the shared `ingest` group.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from django.utils.translation import gettext as _

MAX_SHOWN_REJECTIONS = 20
MAX_FILE_LINES = 10  # beyond this many files, only those with problems get a line
# Which files a folder contributes, per source.
SUFFIXES = {
    "ror": (".json", ".zip"),
    "ctgov": (".json", ".xml", ".zip"),
    "minsalute": (".csv",),
    "csv": (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"),
}


def _django() -> None:
    from lshub.cli import _django as setup  # imported late: lshub.cli mounts this module

    setup()


def common_options(command):
    command = click.option(
        "--batch-size", type=click.IntRange(1), default=None, hidden=True, help="Records per transaction (default 500)."
    )(command)
    command = click.option(
        "--report",
        "report_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the full report (every rejected record) to this JSON file.",
    )(command)
    command = click.option("--dry-run", is_flag=True, help="Read and compare, write nothing.")(command)
    command = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))(command)
    return command


@click.command("ror")
@common_options
def ror(paths, dry_run, report_path, batch_size):
    """Load ROR records: a data-dump zip, a JSON array, or single-record files (v1 or v2).

    Example: lshub ingest ror v1.59-2025-01-21-ror-data.zip
    """
    run("ror", paths, dry_run, report_path, batch_size=batch_size)


@click.command("ctgov")
@common_options
def ctgov(paths, dry_run, report_path, batch_size):
    """Load ClinicalTrials.gov studies (API v2 JSON, classic API JSON, legacy XML, or a zip).

    Example: lshub ingest ctgov studies/
    """
    run("ctgov", paths, dry_run, report_path, batch_size=batch_size)


@click.command("minsalute")
@common_options
@click.option("--encoding", help="Force the file encoding (detected by default: UTF-8 or Latin-1).")
def minsalute(paths, dry_run, report_path, batch_size, encoding):
    """Load Ministry of Health open-data lists (ASL/ATS register, facility lists).

    Example: lshub ingest minsalute C_17_dataset_2_0_upFile.csv
    """
    run("minsalute", paths, dry_run, report_path, encoding=encoding, batch_size=batch_size)


@click.command("orgs-csv")
@common_options
@click.option("--map", "pairs", multiple=True, metavar="FIELD=COLUMN", help="Which column feeds which field (repeat).")
@click.option("--set", "defaults", multiple=True, metavar="FIELD=VALUE", help="A constant for every row (repeat).")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML mapping file instead of --map.",
)
@click.option("--name", help="Name of the mapping; the source becomes csv:NAME (default: the file name).")
@click.option("--sheet", default="", help="XLSX sheet (default: the first).")
@click.option("--encoding", default="", help="CSV encoding (detected by default).")
def orgs_csv(paths, dry_run, report_path, batch_size, pairs, defaults, mapping_file, name, sheet, encoding):
    """Load organisations from any CSV or XLSX through a column mapping.

    Example: lshub ingest orgs-csv members.xlsx --map name=Denominazione --map city=Comune --set country=IT
    """
    from .parsers.base import SourceFileError
    from .parsers.tabular import mapping_from_options, mapping_from_yaml

    try:
        mapping = (
            mapping_from_yaml(mapping_file)
            if mapping_file
            else mapping_from_options(name or paths[0].stem, list(pairs), list(defaults))
        )
    except SourceFileError as error:
        raise click.UsageError(str(error)) from error
    if name:
        mapping.name = name
    mapping.sheet = sheet or mapping.sheet
    mapping.encoding = encoding or mapping.encoding
    problems = mapping.problems()
    if problems:
        raise click.UsageError("; ".join(problems))
    run("csv", paths, dry_run, report_path, mapping=mapping, batch_size=batch_size)


commands = [ror, ctgov, minsalute, orgs_csv]


def files_of(source: str, paths) -> list[Path]:
    """The files to load: each file as given, each folder's matching files in name order."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES[source])
        else:
            found.append(path)
    return found


def run(source: str, paths, dry_run: bool, report_path: Path | None, **options) -> None:
    _django()
    from .services.loading import load

    files = files_of(source, paths)
    if not files:
        raise click.UsageError(_("no %(kinds)s file in the given folder(s)") % {"kinds": "/".join(SUFFIXES[source])})
    reports = []
    with _progress() as progress:
        for path in files:
            task = progress.add_task(path.name, total=None)

            def update(report, task=task):
                progress.update(task, completed=report.read)

            reports.append(load(source, path, dry_run=dry_run, on_progress=update, **options))
            progress.remove_task(task)
    _summary(reports, dry_run)
    if report_path:
        report_path.write_text(
            json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False), encoding="utf-8"
        )
        click.echo(_("report written to %(path)s") % {"path": report_path})
    if any(not r.ok for r in reports):
        raise SystemExit(1)


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("records")),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    )


def _summary(reports, dry_run: bool) -> None:
    """One line per file (only the files with problems when there are many), then totals."""
    heading = _("read  new  updated  unchanged  queued  rejected  file")
    click.echo(("[" + _("dry run: nothing written") + "]\n" if dry_run else "") + heading)
    many = len(reports) > MAX_FILE_LINES
    for r in reports:
        if not many or r.error or r.stage.rejected:
            _line(
                r.stage.read,
                r.stage.new,
                r.stage.changed,
                r.stage.unchanged,
                r.queued,
                len(r.stage.rejected),
                r.stage.file,
            )
            _problems(r)
    if len(reports) > 1:
        total = lambda attr: sum(getattr(r.stage, attr) for r in reports)  # noqa: E731
        _line(
            total("read"),
            total("new"),
            total("changed"),
            total("unchanged"),
            reports[-1].queued,
            sum(len(r.stage.rejected) for r in reports),
            _("total of %(n)s files") % {"n": len(reports)},
        )


def _line(read, new, changed, unchanged, queued, rejected, label) -> None:
    click.echo(f"{read:>4} {new:>4} {changed:>8} {unchanged:>10} {queued:>7} {rejected:>9}  {label}")


def _problems(r) -> None:
    rejected = r.stage.rejected
    for number, field, reason in rejected[:MAX_SHOWN_REJECTIONS]:
        click.echo(
            "  " + _("rejected record %(n)s (%(field)s): %(reason)s") % {"n": number, "field": field, "reason": reason},
            err=True,
        )
    if len(rejected) > MAX_SHOWN_REJECTIONS:
        click.echo("  " + _("… and %(n)s more (see --report)") % {"n": len(rejected) - MAX_SHOWN_REJECTIONS}, err=True)
    if r.error:
        click.echo(_("error: %(file)s: %(error)s") % {"file": r.stage.file, "error": r.error}, err=True)


if __name__ == "__main__":  # `python -m lshub.sources.cli ror FILE`: the commands without the main CLI
    click.Group("ingest", commands={c.name: c for c in commands})()
