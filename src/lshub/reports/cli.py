"""`lshub factsheet`: the fact sheet from the command line (mounted on the `lshub` group)."""

from __future__ import annotations

import os
import sys

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


@click.command("factsheet")
@click.option("--region", default="ITC4", show_default=True, help="NUTS 2 code of the region.")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json"]), default="html", show_default=True)
@click.option("--year", type=int, help="Show each figure's latest confirmed value at or before this year.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
def factsheet(region: str, lang: str, fmt: str, year: int | None, output: str | None) -> None:
    """Regenerate the region's life-sciences fact sheet, every number with its source.

    Figures nobody confirmed are shown as data gaps; a year picks each figure's latest
    confirmed value at or before it.

    \b
    Example:
      lshub factsheet --lang it --format pdf --year 2021 --output lombardia-2021.pdf
    """
    _django()
    from .build import FactsheetError, build_factsheet
    from .render_html import render_html
    from .render_json import render_json
    from .render_pdf import render_pdf

    if fmt == "pdf" and not output and sys.stdout.isatty():
        raise click.UsageError("a PDF is not for the terminal: give --output FILE (or redirect the output)")
    try:
        sheet = build_factsheet(region, lang, year)
    except FactsheetError as error:
        raise click.ClickException(str(error)) from None
    body = {"html": render_html, "json": render_json, "pdf": render_pdf}[fmt](sheet)
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        gaps = sum(1 for _section, item in sheet.items() if item.is_gap)
        click.echo(f"wrote {output}: {sum(1 for _ in sheet.items())} figures, {gaps} gaps, {len(sheet.footnotes)} source notes", err=True)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream untouched
