"""`lshub resolve` and `lshub link`: thin adapters over the linkage services.

Exported as `commands` for the main `lshub` group. Exit status: 0 done, 1 refused (bad
input or an unavailable backend: the reason is on stderr), 2 bad usage (click's own).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from lshub.linkage.model import BACKENDS  # plain data: no Django needed to read it


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array instead of a table.")
@click.option("--backend", type=click.Choice(BACKENDS), default="duckdb", show_default=True)
def resolve(path: Path, as_json: bool, backend: str) -> None:
    """Resolve names to registry organisations.

    PATH is a UTF-8 CSV with a column `name` and optional `city` and `country` (affiliation
    strings, trial site names…). For each row: the organisation's id, key, name, ROR id and
    the probability of the match — or null when none is linked.

    \b
    Example:
      lshub resolve affiliations.csv --json
    """
    _django()
    from lshub.linkage import strings
    from lshub.linkage.model import BackendUnavailable

    try:
        rows = strings.read_csv(path)
    except strings.InvalidFile as error:
        _fail(str(error))
    problems = strings.problems(rows)
    if problems:
        for problem in problems[:50]:
            click.echo(f"error: {problem}", err=True)
        if len(problems) > 50:
            click.echo(f"error: … and {len(problems) - 50} more", err=True)
        _fail(f"{len(problems)} of {len(rows)} rows cannot be resolved; nothing was resolved")
    try:
        answers = strings.resolve_strings(rows, backend=backend)
    except BackendUnavailable as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(answers, ensure_ascii=False, indent=2))
        return
    _print_table(rows, answers)


def _print_table(rows: list[dict], answers: list[dict | None]) -> None:
    from rich.console import Console
    from rich.table import Table

    from lshub.linkage.strings import row_number

    table = Table("row", "name", "id", "key", "organisation", "ROR", "p", show_lines=False)
    for position, (row, answer) in enumerate(zip(rows, answers)):
        number = row_number(row, position)
        if answer is None:
            table.add_row(str(number), row["name"], "null", "", "", "", "")
        else:
            table.add_row(
                str(number), row["name"], str(answer["id"]), answer["slug"], answer["name"],
                answer["ror"] or "", f"{answer['probability']:.3f}",
            )
    Console(width=200).print(table)
    found = sum(a is not None for a in answers)
    click.echo(f"{found} of {len(answers)} rows resolved")


@click.command()
@click.option("--backend", type=click.Choice(BACKENDS), default="duckdb", show_default=True,
              help="Where Splink runs: DuckDB in-process, or Spark for runs that outgrow one machine.")
@click.option("--evaluate", "gold", type=click.Path(dir_okay=False, path_type=Path),
              help="Measure precision, recall and F1 over a labelled CSV instead of linking.")
@click.option("--source", help="Only the staged records of this source (ror, ctgov, minsalute…).")
@click.option("--errors", type=click.Path(dir_okay=False, path_type=Path),
              help="With --evaluate: write the rows the resolver got wrong to this CSV.")
def link(backend: str, gold: Path | None, source: str | None, errors: Path | None) -> None:
    """Resolve staged records onto the registry: link, queue for review, or create.

    With --evaluate GOLD.csv (columns name, city, country, expected_slug, optional split),
    nothing is written: precision, recall and F1 of the links are printed, per split.

    \b
    Example:
      lshub link --source ror
      lshub link --evaluate tests/samples/linkage/gold.csv
    """
    _django()
    from lshub.linkage.model import BackendUnavailable

    try:
        if gold:
            _evaluate(gold, backend, errors)
        else:
            _link(source, backend)
    except BackendUnavailable as error:
        _fail(str(error))


def _evaluate(gold: Path, backend: str, errors: Path | None) -> None:
    from lshub.linkage import evaluate, strings
    from lshub.linkage.resolve import InvalidCandidate

    try:
        rows = evaluate.read_gold(gold)
    except (strings.InvalidFile, InvalidCandidate) as error:
        _fail(str(error))
    problems = strings.problems(rows)
    if problems:
        for problem in problems[:50]:
            click.echo(f"error: {problem}", err=True)
        _fail(f"{len(problems)} rows of {gold.name} cannot be resolved")
    scores = evaluate.evaluate(rows, backend=backend)
    click.echo(f"{'split':10} {'rows':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4} {'review':>6}")
    for split, s in scores.items():
        click.echo(
            f"{split:10} {s.rows:5d} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} "
            f"{s.true_positives:4d} {s.false_positives:4d} {s.false_negatives:4d} {s.reviewed:6d}"
        )
    if errors:
        evaluate.write_errors(scores["all"], errors)
        click.echo(f"wrong rows written to {errors}")


def _link(source: str | None, backend: str) -> None:
    from lshub.linkage import linking

    try:
        from lshub.sources.services import staging  # noqa: F401  (the staged records live there)
    except ImportError:
        _fail("no staged records: the sources app is not installed")
    report = linking.link_staged(source=source, backend=backend)
    click.echo(
        f"read {report.read}: linked {report.linked} ({report.by_identifier} by identifier), "
        f"queued {report.queued}, created {report.created}, set aside {report.rejected}; "
        f"conflicts queued {report.conflicts}"
    )
    if report.queued or report.conflicts:
        click.echo("review them at /review/ or in the admin (Linkage › Review queue)")


@click.command()
@click.argument("keep", required=False)
@click.argument("drop", required=False)
@click.option("--undo", "undo_id", type=int, help="Undo the merge with this number instead.")
def merge(keep: str | None, drop: str | None, undo_id: int | None) -> None:
    """Merge organisation DROP into KEEP (keys as in their addresses), or undo a merge.

    DROP's names become aliases of KEEP; its sites, identifiers, sources, relations and
    links move to KEEP; KEEP's values are never replaced (differences are queued for
    review). The merge is journalled: `lshub merge --undo N` puts both back.

    \b
    Example:
      lshub merge policlinico-di-milano ca-granda
      lshub merge --undo 3
    """
    _django()
    from lshub.linkage import merges
    from lshub.linkage.models import Merge
    from lshub.registry.models import Organisation

    try:
        if undo_id is not None:
            record = Merge.objects.filter(pk=undo_id).first()
            if record is None:
                _fail(f"no merge number {undo_id}")
            restored = merges.undo_merge(record)
            click.echo(f"undone: {restored.slug} is back")
            return
        if not keep or not drop:
            raise click.UsageError("give KEEP and DROP, or --undo N")
        found = {o.slug: o for o in Organisation.objects.filter(slug__in=[keep, drop])}
        for key in (keep, drop):
            if key not in found:
                _fail(f"no organisation with key {key!r}")
        record = merges.merge(found[keep], found[drop])
    except merges.CannotMerge as error:
        _fail(str(error))
    journal = record.journal
    click.echo(
        f"merge {record.pk}: {drop} merged into {keep}; {len(journal['moved'])} rows moved, "
        f"{len(journal['aliases'])} names kept as aliases, {len(journal['conflicts'])} conflicts queued "
        f"(undo with: lshub merge --undo {record.pk})"
    )


commands = [resolve, link, merge]
