"""The `lshub` command: a thin adapter over the services.

User mistakes (an unknown province, an unreadable file, bad rows) end with a message on
stderr and a non-zero exit status, never a traceback: 1 for a refused request, 2 for a
command line click cannot parse.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from pathlib import Path

import click

REPORT_LIST_LIMIT = 10


def _(text: str) -> str:
    """Translate a message (after Django is set up, which every command does first)."""
    from django.utils.translation import gettext

    return gettext(text)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """lshub: the Life Sciences Hub registry, observatory and partnering platform.

    Run `lshub COMMAND --help` for the options and an example of each command.
    """


@main.command()
@click.argument("args", nargs=-1)
def migrate(args: tuple[str, ...]) -> None:
    """Create or update the database tables.

    \b
    Example:
      lshub migrate
    """
    _django()
    from django.core.management import call_command

    call_command("migrate", *args, verbosity=0)
    click.echo("database ready")


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command with lshub's settings.

    \b
    Example:
      lshub manage createsuperuser
    """
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lshub manage", *args])


@main.command("load-demo")
def load_demo() -> None:
    """Load the embedded Lombardy dataset. Running it twice changes nothing.

    \b
    Example:
      lshub load-demo
    """
    _django()
    from lshub.registry.services.demo import SitesFileError
    from lshub.registry.services.demo import load_demo as load

    try:
        report = load()
    except SitesFileError as error:  # nothing was written: the load is one transaction
        raise click.ClickException(str(error)) from None
    if report.changed:
        click.echo("loaded: " + ", ".join(f"{n} {what}" for what, n in report.created.items() if n))
    else:
        click.echo("nothing to change: the embedded dataset is already loaded")
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)


# --- serve -------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Requests served at once.")
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app, the API and the admin with the waitress WSGI server.

    Static files are served by the app itself (no collectstatic needed).

    \b
    Example:
      lshub serve --host 0.0.0.0 --port 8080
    """
    _django()
    _require_migrated()
    from waitress import serve as waitress_serve

    from lshub.config.wsgi import application

    # Import every view now (the URL configuration), not in the first visitor's request.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the attribute's evaluation is the point
    threading.Thread(target=_warm_resolver, name="warm-resolver", daemon=True).start()
    click.echo(_("lshub is serving on %(url)s (Ctrl+C to stop)") % {"url": f"http://{host}:{port}/"})
    waitress_serve(application, host=host, port=port, threads=threads, ident="lshub")


def _warm_resolver() -> None:
    """Build the string resolver's scorer while the server starts (about two seconds),
    rather than in the first /api/resolve request. A failure here only means that the
    first request builds it, and says why."""
    import logging

    from django.db import connection

    from lshub.linkage import resolve

    try:
        resolve.warm_up()
    except Exception:  # noqa: BLE001 - the server must start whatever happens here
        logging.getLogger("lshub").exception("could not prepare the string resolver at start-up")
    finally:
        connection.close()


def _require_migrated() -> None:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise click.ClickException(_("cannot reach the database: %(error)s") % {"error": error}) from None
    if pending:
        raise click.ClickException(_("the database is not up to date: run `lshub migrate` first"))


# --- search ------------------------------------------------------------------------------


@main.command()
@click.argument("query")
@click.option(
    "--type", "types", multiple=True, metavar="TYPE", help="Only this organisation type (repeatable), e.g. irccs."
)
@click.option("--province", "provinces", multiple=True, metavar="P", help="Only this province (repeatable), e.g. MI.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200), help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def search(query: str, types: tuple[str, ...], provinces: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Search the registry, best matches first.

    JSON output is a list of objects with id (the organisation's key), name, type,
    comune, province, score and url.

    \b
    Example:
      lshub search oncologia --type irccs --province MI --json
    """
    _django()
    from lshub.registry.services.directory import DirectoryQuery, InvalidQuery, browse

    request = DirectoryQuery(q=query, type=list(types), province=list(provinces), page_size=limit)
    try:
        page = browse(request, with_facets=False)
    except InvalidQuery as error:
        raise click.ClickException(str(error)) from None
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(page.organisations, "sites")  # one query for every result's place
    results = [_search_result(organisation) for organisation in page.organisations]
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_search_table(results, page.total)


def _search_result(organisation) -> dict:
    from lshub.registry.services.tabular import main_site

    site = main_site(organisation)
    score = getattr(organisation, "score", None)
    return {
        "id": organisation.slug,
        "name": organisation.name,
        "type": organisation.type,
        "type_label": str(organisation.get_type_display()),
        "comune": site.comune if site else "",
        "province": site.province if site else "",
        "score": round(float(score), 4) if score is not None else None,
        "url": organisation.get_absolute_url(),
    }


def _print_search_table(results: list[dict], total: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout)
    if not results:
        console.print(_("no organisation matches"))
        return
    title = _("%(shown)d of %(total)d organisations") % {"shown": len(results), "total": total}
    table = Table(title=title, title_justify="left")
    table.add_column("key", no_wrap=True, max_width=24, style="dim")
    table.add_column("name", ratio=1)
    table.add_column("type")
    table.add_column("place")
    table.add_column("score", justify="right")
    for result in results:
        place = f"{result['comune']} ({result['province']})" if result["comune"] else ""
        score = f"{result['score']:.2f}" if result["score"] is not None else ""
        table.add_row(result["id"], result["name"], result["type_label"], place, score)
    console.print(table)


# --- export and import -------------------------------------------------------------------

EXPORT_FORMATS = ("csv", "json", "geojson", "xlsx")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True, help="File format."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: stdout).",
)
def export(fmt: str, output: Path | None) -> None:
    """Export every organisation, one row each, in the import's columns.

    Text formats go to stdout unless --output is given; xlsx needs --output or a
    redirection. Cells that a spreadsheet would run as a formula are prefixed with '.

    \b
    Example:
      lshub export --format xlsx --output registry.xlsx
      lshub export --format geojson > registry.geojson
    """
    _django()
    from lshub.registry.services import tabular

    if output is not None:
        _export_to_file(tabular, fmt, output)
    elif fmt == "xlsx":
        stdout = sys.stdout.buffer
        if stdout.isatty():
            raise click.UsageError(_("xlsx is a binary format: give --output FILE or redirect stdout to a file"))
        buffer = io.BytesIO()
        tabular.export("xlsx", buffer)
        stdout.write(buffer.getvalue())
    else:
        tabular.export(fmt, sys.stdout)


def _export_to_file(tabular, fmt: str, output: Path) -> None:
    """Write next to the target, then rename: a failed export never leaves half a file."""
    partial = output.with_name(output.name + ".part")
    try:
        if fmt == "xlsx":
            tabular.export(fmt, partial)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                tabular.export(fmt, handle)
        partial.replace(output)
    except OSError as error:
        raise click.ClickException(_("cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror})
    finally:
        partial.unlink(missing_ok=True)
    click.echo(_("wrote %(path)s") % {"path": output}, err=True)


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option("--partial", is_flag=True, help="Write the good rows even when some rows are bad.")
@click.option("--overwrite", is_flag=True, help="Replace registry values that differ from the file's.")
@click.option(
    "--max-size", type=click.FloatRange(min=0, min_open=True), metavar="MB", help="Refuse larger files (default 20 MB)."
)
def import_(path: Path, dry_run: bool, partial: bool, overwrite: bool, max_size: float | None) -> None:
    """Import organisations from a CSV (UTF-8, comma or semicolon) or XLSX file.

    The columns are those of `lshub export`; key, name and type are required. Every row
    is checked first: with any bad row nothing is written (unless --partial). Values
    that differ from non-empty registry values are reported as conflicts and kept
    (unless --overwrite). See docs/cli.md for the columns and rules.

    \b
    Example:
      lshub import organisations.csv --dry-run
    """
    _django()
    from lshub.registry.services import tabular

    limit = int(max_size * 1024 * 1024) if max_size else None
    try:
        report = tabular.import_file(path, dry_run=dry_run, partial=partial, overwrite=overwrite, max_bytes=limit)
    except tabular.ImportFileError as error:
        raise click.ClickException(f"{path.name}: {error}") from None
    _print_import_report(report)
    if report.refused:
        raise click.ClickException(
            _("nothing was written: %(n)d bad row(s); fix them, or use --partial to import the good rows")
            % {"n": len(report.bad_rows)}
        )


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:REPORT_LIST_LIMIT])
    more = len(items) - REPORT_LIST_LIMIT
    return f"{shown}, … and {more} more" if more > 0 else shown


def _count_line(label: str, items: list, note: str = "") -> str:
    """'created: 2  (a, b)': the count, then the note or else the items themselves."""
    if not items:
        return f"{label}: 0"
    return f"{label}: {len(items)}  ({note or _listed(items)})"


def _print_import_report(report) -> None:
    heading = _("import %(file)s (dry run)") if report.dry_run else _("import %(file)s")
    click.echo(heading % {"file": report.filename})
    click.echo(_count_line(_("created"), report.created))
    click.echo(_count_line(_("updated"), [f"{key}: {'/'.join(columns)}" for key, columns in report.updated.items()]))
    click.echo(f"{_('unchanged')}: {len(report.unchanged)}")
    kept = _("registry values kept; --overwrite replaces them")
    click.echo(_count_line(_("conflicts"), report.conflicts, kept))
    for conflict in report.conflicts:
        click.echo(f"  {conflict}")
    if report.overwritten:
        click.echo(f"{_('overwritten')}: {len(report.overwritten)}")
        for conflict in report.overwritten:
            click.echo(f"  {conflict}")
    if report.errors:
        click.echo(f"{_('bad rows')}: {len(report.bad_rows)}", err=True)
        for error in report.errors:
            click.echo(f"  {error}", err=True)
    if report.refused:
        return  # the command ends with the reason on stderr
    if report.written:
        click.echo(_("written."))
    elif report.dry_run:
        click.echo(_("dry run: nothing was written."))
    else:
        click.echo(_("nothing to write: the registry already holds these values."))


# --- tokens and index --------------------------------------------------------------------


@main.group()
def token() -> None:
    """Create and revoke API tokens (for writes through the REST API).

    \b
    Example:
      lshub token create ror-sync
    """


@token.command("create")
@click.argument("name")
def token_create(name: str) -> None:
    """Create a token and print its key once: store it now, it cannot be shown again.

    \b
    Example:
      lshub token create ror-sync
    """
    _django()
    from lshub.api import tokens

    try:
        key = tokens.issue_token(name)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(key)
    click.echo(_("token %(name)r created; this key is shown only once") % {"name": name}, err=True)


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke the active token with this name; requests using it are refused from now on.

    \b
    Example:
      lshub token revoke ror-sync
    """
    _django()
    from lshub.api import tokens

    try:
        tokens.revoke_token(name)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("token %(name)r revoked") % {"name": name})


@main.command()
def reindex() -> None:
    """Rebuild the full-text search index of every organisation.

    Needed only after changes made outside lshub (e.g. SQL typed by hand).

    \b
    Example:
      lshub reindex
    """
    _django()
    from lshub.registry.services import indexing

    click.echo(_("reindexed %(n)d organisations") % {"n": indexing.rebuild()})


# --- commands of other apps -------------------------------------------------------------


@main.group()
def ingest() -> None:
    """Load external data: organisation sources (ROR, ClinicalTrials.gov, Ministry of
    Health, any CSV/XLSX through a column mapping) and statistics for the observatory.

    `lshub import` reads files in the registry's own columns; `lshub ingest orgs-csv`
    reads any other layout.

    \b
    Example:
      lshub ingest ror v1.59-2025-01-21-ror-data.zip --dry-run
    """


def _mount_app_commands() -> None:
    """`ingest` gathers the loaders each app exports; other apps add their own commands."""
    from lshub.observatory.cli import indicators, ingest_commands
    from lshub.linkage.cli import commands as linkage_commands
    from lshub.partnering.cli import match
    from lshub.reports.cli import factsheet
    from lshub.sources.cli import commands as source_commands

    for command in [*source_commands, *ingest_commands]:
        ingest.add_command(command)
    main.add_command(indicators)
    main.add_command(factsheet)
    main.add_command(match)
    for command in linkage_commands:
        main.add_command(command)


_mount_app_commands()

if __name__ == "__main__":
    sys.exit(main())
