"""Shared test set-up: every database test starts from the embedded Lombardy dataset.

The dataset is loaded once per session into the test database; each `db` test runs in a
transaction that is rolled back. Tests that need real commits (live server, browser) use
`transactional_db` and load the dataset themselves with the `demo_committed` fixture.
"""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = SHARED / "fixtures"
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from lshub.registry.services.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request to an Italian page leaves Italian active in the thread: the next test starts in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_committed(transactional_db):
    from lshub.registry.services.demo import load_demo

    load_demo()


def shared_fixture(*parts: str) -> Path:
    """A file from the shared real-data fixtures; skips the test when it is not there."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {path.relative_to(SHARED.parent)} is not on this machine")
    return path


# Pharmaceutical companies in 2023 for Lombardy and the Italian peers (made-up counts for
# tests of per-inhabitant figures, benchmarks and downloads).
PEER_COUNTS = SAMPLES / "observatory" / "pharma_companies_italian_peers.csv"


@pytest.fixture
def counts_for_italian_peers(db):
    from lshub.observatory.services.tables import ingest_table

    report = ingest_table(PEER_COUNTS)
    assert not report.errors, report.errors
    return PEER_COUNTS
