"""Observatory commands: `lshub ingest eurostat|csv` and `lshub indicators check|list`.

Thin adapters over the services. Exported as `ingest_commands` (for the shared `ingest`
group), `ingest` (a group with just these, for use on their own) and `indicators`.
Exit status: 0 done, 1 refused (bad input: the reason is on stderr).
"""

from __future__ import annotations

import os
from pathlib import Path

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


def _conflict_policy(keep_existing: bool, replace: bool) -> str:
    if keep_existing and replace:
        raise click.UsageError("--keep-existing and --replace exclude each other")
    return "keep" if keep_existing else "replace" if replace else "error"


def _print_report(report) -> None:
    mode = " (dry run: nothing written)" if report.dry_run else ""
    what = " ".join(filter(None, [report.format, report.dataset]))
    click.echo(f"{report.file}{f' [{what}]' if what else ''}{mode}: {report.summary()}")
    for indicator_id, count in report.by_indicator.items():
        click.echo(f"  {indicator_id}: {count}")
    if report.created_geographies:
        shown = ", ".join(report.created_geographies[:20])
        more = len(report.created_geographies) - 20
        click.echo(f"  new geographies: {shown}{f' and {more} more' if more > 0 else ''}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for conflict in report.conflicts:
        click.echo(f"conflict: {conflict}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    hidden = report.error_count - len(report.errors)
    if hidden > 0:
        click.echo(f"error: ... and {hidden} more", err=True)
    if not report.ok:
        raise click.exceptions.Exit(1)


def _conflict_options(command):
    command = click.option("--replace", is_flag=True, help="Replace stored observations that differ (listed).")(command)
    command = click.option(
        "--keep-existing", is_flag=True, help="Keep stored observations that differ (listed) and load the rest."
    )(command)
    command = click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")(command)
    return command


@click.command("eurostat")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_conflict_options
@click.option("--dataset", help="Eurostat dataset code (default: from the file name or the SDMX-CSV DATAFLOW).")
@click.option("--indicator", "indicator_id", help="Load every series of the file into this indicator.")
@click.option("--create-geographies", is_flag=True, help="Create unknown NUTS regions instead of refusing the file.")
@click.option("--skip-unknown-geographies", is_flag=True, help="Leave out (and list) observations of unknown regions.")
@click.option("--retrieved", type=click.DateTime(["%Y-%m-%d"]), help="Day the file was downloaded (default: its date).")
def eurostat(path, dry_run, keep_existing, replace, dataset, indicator_id, create_geographies,
             skip_unknown_geographies, retrieved):  # fmt: skip
    """Load a Eurostat file: bulk/API TSV or SDMX-CSV, plain or gzipped.

    Each series goes to the indicator whose definition selects it (definitions/indicators.yaml,
    `eurostat: {dataset, series}`). Flags are kept; ':' is a gap, never a zero. Nothing is
    written when any cell, region or conflict is wrong.

    \b
    Example:
      lshub ingest eurostat nama_10r_3gdp.tsv.gz --dry-run
    """
    policy = _conflict_policy(keep_existing, replace)
    _django()
    from .services.eurostat import ingest_eurostat

    report = ingest_eurostat(
        path,
        dataset=dataset,
        indicator=indicator_id,
        dry_run=dry_run,
        on_conflict=policy,
        create_geographies=create_geographies,
        skip_unknown_geographies=skip_unknown_geographies,
        retrieved=retrieved.date() if retrieved else None,
    )
    _print_report(report)


@click.command("csv")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_conflict_options
def csv_table(path, dry_run, keep_existing, replace):
    """Load an indicator table in the columns the observatory exports.

    Columns: indicator, geo, period, value, unit, status, flags, qualifier, share_of_national,
    source_url, source_publisher, source_title, retrieved, note. A missing figure is a row
    with status gap and an empty value.

    \b
    Example:
      lshub ingest csv observations.csv --dry-run
    """
    policy = _conflict_policy(keep_existing, replace)
    _django()
    from .services.tables import ingest_table

    _print_report(ingest_table(path, dry_run=dry_run, on_conflict=policy))


ingest_commands = [eurostat, csv_table]


@click.group("ingest")
def ingest() -> None:
    """Load observations from files."""


for _command in ingest_commands:
    ingest.add_command(_command)


@click.group("indicators")
def indicators() -> None:
    """Indicator definitions: check the reviewed files, list what is loaded."""


@indicators.command("check")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with indicators.yaml, geographies.yaml and peer_sets.yaml (default: the shipped ones).")  # fmt: skip
def check(directory):
    """Check every definition file and report every problem at once.

    \b
    Example:
      lshub indicators check
    """
    _django()
    from .services.definitions import check as run_check
    from .services.definitions import read

    problems = run_check(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        raise click.exceptions.Exit(1)
    definitions, _ = read(directory)
    click.echo(
        f"ok: {len(definitions.indicators)} indicators, {len(definitions.geographies)} geographies, "
        f"{len(definitions.peer_sets)} peer sets"
    )


@indicators.command("list")
@click.option("--segment", help="Only this segment (healthcare, pharma, biotech, medtech, cdmo, ...).")
@click.option("--geo", default="ITC4", show_default=True, help="Show the latest figure for this region.")
@click.option("--year", type=int, help="Latest figure up to this year.")
def list_(segment, geo, year):
    """List the loaded indicators with their latest figure for a region.

    \b
    Example:
      lshub indicators list --segment pharma --geo ITC4
    """
    _django()
    from .choices import Qualifier
    from .services import figures
    from .services.errors import ObservatoryError
    from .services.geographies import geography

    try:
        definitions = figures.indicators(segment)
        place = geography(geo)
        rows = figures.figures_for(place, definitions, year)
    except ObservatoryError as error:
        raise click.ClickException(str(error)) from error
    if not definitions:
        click.echo("no indicators loaded: run `lshub load-demo`", err=True)
        raise click.exceptions.Exit(1)
    for definition, shown in zip(definitions, rows):
        qualifier = f"{dict(Qualifier.choices)[shown.qualifier]} " if shown.qualifier else ""
        value = shown.status if shown.value is None else f"{qualifier}{shown.value} {shown.unit}"
        status = "" if shown.status == "sourced" or shown.value is None else f" [{shown.status}]"
        period = f" ({shown.period})" if shown.period is not None else " (undated)" if shown.value is not None else ""
        click.echo(f"{definition.id:40} {definition.segment:12} {value}{period}{status}")

