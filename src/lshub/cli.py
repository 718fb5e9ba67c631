"""The `lshub` command: a thin adapter over the services."""

from __future__ import annotations

import os
import sys

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lshub.config.settings")
    import django

    django.setup()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """lshub: the Life Sciences Hub registry, observatory and partnering platform."""


@main.command()
@click.argument("args", nargs=-1)
def migrate(args: tuple[str, ...]) -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", *args, verbosity=0)
    click.echo("database ready")


@main.command("load-demo")
def load_demo() -> None:
    """Load the embedded Lombardy dataset. Running it twice changes nothing."""
    _django()
    from lshub.registry.services.demo import load_demo as load

    report = load()
    if report.changed:
        click.echo("loaded: " + ", ".join(f"{n} {what}" for what, n in report.created.items() if n))
    else:
        click.echo("nothing to change: the embedded dataset is already loaded")
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)


if __name__ == "__main__":
    sys.exit(main())
