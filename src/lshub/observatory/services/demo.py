"""The observatory's part of the embedded dataset: definitions and the briefing's figures."""

from __future__ import annotations

from importlib import resources

from django.db import transaction

from lshub.registry.services.demo import LoadReport

from .definitions import load_definitions
from .tables import ingest_table

OBSERVATIONS = "observations.csv"


@transaction.atomic
def load_observatory_demo() -> LoadReport:
    """Load indicator definitions, geographies, peer sets and src/lshub/data/observations.csv.

    Idempotent: a second run adds nothing. An observation someone changed in the database
    is kept and reported, not overwritten.
    """
    report = LoadReport()
    for what, created in load_definitions().items():
        report.created[what] += created
    with resources.as_file(resources.files("lshub.data").joinpath(OBSERVATIONS)) as path:
        ingested = ingest_table(path, on_conflict="keep")
    report.created["observations"] += ingested.added
    report.problems.extend(f"{OBSERVATIONS}: {message}" for message in [*ingested.errors, *ingested.conflicts])
    return report
