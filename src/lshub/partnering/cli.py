"""`lshub match`: partners for a need, from the command line (a thin adapter over the services)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


@click.command("match")
@click.argument("request_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--text", default=None, help="The need in plain words, in English or Italian.")
@click.option("--type", "types", multiple=True, metavar="T", help="Only this organisation type (repeatable), e.g. irccs.")
@click.option("--area", "areas", multiple=True, metavar="A", help="A specialisation wanted (repeatable), e.g. oncology.")
@click.option("--province", "provinces", multiple=True, metavar="P", help="Only organisations with a site here (repeatable), e.g. MI.")
@click.option("--region", default="", metavar="NUTS2", help="Only organisations with a site in this region, e.g. ITC4.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="How many partners.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--language", type=click.Choice(["en", "it"]), default="en", show_default=True, help="Language of the reasons.")
@click.option(
    "--evaluate", "evaluate_set", type=click.Path(dir_okay=False, path_type=Path), metavar="SET.jsonl",
    help="Measure nDCG@10 and recall@10 on a labelled set, next to plain BM25.",
)
@click.option("--split", default="", metavar="NAME", help="With --evaluate: only the needs of this split (dev, heldout).")
def match(request_file, text, types, areas, provinces, region, limit, as_json, language, evaluate_set, split) -> None:
    """Find partners for a need: ranked organisations, each with its reasons.

    The need is given with --text, or as a YAML request file (keys: text, type, area,
    province, region, limit). --type, --province and --region are hard filters; --area
    and the words rank. JSON output is a list of objects with id (the organisation's
    key), name, type, score, breakdown, reasons, place and url.

    \b
    Example:
      lshub match --text "research hospital for a phase I oncology trial in Milan"
      lshub match --text "iniettabili sterili" --type company --json
      lshub match request.yaml --json
      lshub match --evaluate needs.jsonl
    """
    _django()
    from django.utils import translation

    with translation.override(language):
        if evaluate_set is not None:
            _evaluate(evaluate_set, split, as_json)
            return
        _match(request_file, text, types, areas, provinces, region, limit, as_json)


def _match(request_file, text, types, areas, provinces, region, limit, as_json) -> None:
    from lshub.partnering.services import requests
    from lshub.partnering.services.match import InvalidNeed, MatchRequest
    from lshub.partnering.services.match import match as run

    if request_file is not None and text is not None:
        raise click.UsageError("give the need either as --text or as a request file, not both")
    try:
        if request_file is not None:
            request = requests.read(request_file)
            request.types = request.types or list(types)
            request.areas = request.areas or list(areas)
            request.provinces = request.provinces or list(provinces)
            request.region = request.region or region
        else:
            request = MatchRequest(text=text or "", types=list(types), areas=list(areas), provinces=list(provinces), region=region, limit=limit)
        result = run(request)
    except InvalidNeed as error:
        raise click.ClickException(str(error)) from None
    for typed, fixed in result.corrections:
        click.echo(f"note: read {typed!r} as {fixed!r}", err=True)
    if as_json:
        click.echo(json.dumps(result.as_list(), ensure_ascii=False, indent=2))
    else:
        _print_table(result)


def _print_table(result) -> None:
    from django.utils.translation import gettext as _
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, width=max(Console().width, 120))
    if not result.candidates:
        console.print(_("no organisation matches: try other words, or remove a filter"))
        return
    table = Table(title=_("Partners for: %(need)s") % {"need": result.request.text or ", ".join(result.request.areas)}, title_justify="left")
    for column in ("#", "key", "name", "type", "place", "score", "reasons"):
        table.add_column(column, justify="right" if column in ("#", "score") else "left", overflow="fold")
    for rank, candidate in enumerate(result.candidates, start=1):
        row = candidate.as_dict()
        table.add_row(str(rank), row["id"], row["name"], row["type_label"], row["place"], f"{row['score']:.2f}", "; ".join(row["reasons"]))
    console.print(table)


def _evaluate(path: Path, split: str, as_json: bool) -> None:
    from lshub.partnering.services import evaluate

    try:
        needs = evaluate.read_set(path)
    except evaluate.EvaluationSetError as error:
        raise click.ClickException(str(error)) from None
    if split:
        needs = [n for n in needs if n.split == split]
        if not needs:
            raise click.ClickException(f"no needs in split {split!r}")
    report = evaluate.run(needs)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{len(needs)} needs, cut-off {evaluate.CUTOFF}")
    click.echo(f"{'split':<10} {'n':>4}  {'nDCG@10 system':>15} {'baseline':>9}  {'recall@10 system':>17} {'baseline':>9}")
    for name in report.systems["system"]:
        ours, plain = report.systems["system"][name], report.systems["baseline"][name]
        click.echo(f"{name:<10} {ours.n:>4}  {ours.ndcg:>15.3f} {plain.ndcg:>9.3f}  {ours.recall:>17.3f} {plain.recall:>9.3f}")
