"""A load killed half-way, then run again, leaves the database as one clean run would.

Real processes: the load runs in a subprocess on its own database, is killed with SIGKILL
once some batches are committed, and is run again to the end; a second database gets one
uninterrupted run; the two are compared row by row.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SAMPLES

ROR_RECORDS = 3_000
BATCH = 100
CTGOV_STUDIES = 375  # × (trial + 2 sponsors + 5 sites) = 3,000 staged records


def _ror_file(path: Path) -> int:
    template = json.loads((SAMPLES / "ror" / "v2_record.json").read_text())
    with path.open("w") as out:
        out.write("[")
        for n in range(ROR_RECORDS):
            record = json.loads(json.dumps(template))
            record["id"] = f"https://ror.org/0k{n:07d}"
            record["names"][1]["value"] = f"Istituto Esempio {n}"
            out.write(("," if n else "") + json.dumps(record))
        out.write("]")
    return ROR_RECORDS


def _ctgov_file(path: Path) -> int:
    template = json.loads((SAMPLES / "ctgov" / "v2_study.json").read_text())
    cities = ["Milano", "Roma", "Bergamo", "Napoli", "Pavia"]
    with path.open("w") as out:
        out.write('{"studies": [')
        for n in range(CTGOV_STUDIES):
            study = json.loads(json.dumps(template))
            study["protocolSection"]["identificationModule"]["nctId"] = f"NCT8{n:07d}"
            study["protocolSection"]["contactsLocationsModule"]["locations"] = [
                {"facility": f"Ospedale {n}-{i}", "city": city, "country": "Italy"} for i, city in enumerate(cities)
            ]
            out.write(("," if n else "") + json.dumps(study))
        out.write("]}")
    return CTGOV_STUDIES * 8


SNAPSHOTS = {
    "staged": "SELECT source, record_id, kind, content_hash, status FROM sources_stagedrecord ORDER BY source, record_id",
    "trials": "SELECT nct_id, title, study_type, sponsor_name FROM sources_trial ORDER BY nct_id",
    "sites": (
        "SELECT t.nct_id, s.position, s.name, s.city, s.nuts2, r.record_id FROM sources_trialsite s "
        "JOIN sources_trial t ON t.id = s.trial_id LEFT JOIN sources_stagedrecord r ON r.id = s.staged_record_id "
        "ORDER BY t.nct_id, s.position"
    ),
    "sponsors": (
        "SELECT t.nct_id, s.position, s.name, s.role, r.record_id FROM sources_trialsponsor s "
        "JOIN sources_trial t ON t.id = s.trial_id LEFT JOIN sources_stagedrecord r ON r.id = s.staged_record_id "
        "ORDER BY t.nct_id, s.position"
    ),
}


class Database:
    """A throw-away database of the same engine as the test run, reached by URL; made as a
    copy of `template` (an already migrated one) when given."""

    def __init__(self, folder: Path, label: str, template: "Database | None" = None):
        self.base = os.environ.get("DATABASE_URL", "")
        self.postgres = self.base.startswith("postgres")
        if self.postgres:
            self.name = f"lshub_interrupt_{label}_{os.getpid()}"
            self.url = self.base.rsplit("/", 1)[0] + "/" + self.name
            copy = f" TEMPLATE {template.name}" if template else ""
            self._admin(f"DROP DATABASE IF EXISTS {self.name}", f"CREATE DATABASE {self.name}{copy}")
        else:
            self.path = folder / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            if template:
                shutil.copyfile(template.path, self.path)

    def _admin(self, *statements):
        import psycopg

        # The maintenance database always exists, whichever database DATABASE_URL names.
        maintenance = self.base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(maintenance, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def drop(self):
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    @contextmanager
    def cursor(self):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as connection:
                yield connection.cursor()
        else:
            connection = sqlite3.connect(self.path, timeout=20)
            try:
                yield connection.cursor()
            finally:
                connection.close()

    def count(self) -> int:
        with self.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sources_stagedrecord")
            return cursor.fetchone()[0]

    def snapshot(self) -> dict:
        with self.cursor() as cursor:
            result = {}
            for name, sql in SNAPSHOTS.items():
                cursor.execute(sql)
                result[name] = [tuple(row) for row in cursor.fetchall()]
            return result


def _env(folder, database):
    return {**os.environ, "DATABASE_URL": database.url, "LSHUB_DATA_DIR": str(folder / "data")}


def _lshub(env, *args, **kwargs):
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One migrated empty database, copied for each run (migrating is the slow part)."""
    folder = tmp_path_factory.mktemp("interrupted")
    template = Database(folder, "template")
    result = _lshub(_env(folder, template), "-m", "lshub.cli", "migrate")
    assert result.returncode == 0, result.stderr
    yield folder, template
    template.drop()


@pytest.fixture
def databases(migrated, request):
    folder, template = migrated
    label = request.node.callspec.params["source"]
    made = [Database(folder, f"resumed_{label}", template), Database(folder, f"clean_{label}", template)]
    yield made
    for database in made:
        database.drop()


@pytest.mark.parametrize("source, make", [("ror", _ror_file), ("ctgov", _ctgov_file)])
def test_a_killed_load_resumed_equals_one_clean_run(tmp_path, databases, source, make):
    resumed, clean = databases
    data = tmp_path / f"big-{source}.json"
    total = make(data)
    load = ["-m", "lshub.sources.cli", source, str(data), "--batch-size", str(BATCH)]

    process = subprocess.Popen(
        [sys.executable, *load], env=_env(tmp_path, resumed), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 300
    while resumed.count() < 10 * BATCH and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    at_kill = resumed.count()
    assert process.returncode == -signal.SIGKILL, "the load ended before it could be interrupted"
    assert 0 < at_kill < total, f"{at_kill} of {total} records staged when killed"
    assert at_kill % BATCH == 0  # only whole batches were committed

    report = tmp_path / "resume.json"
    finished = _lshub(_env(tmp_path, resumed), *load, "--report", str(report))
    assert finished.returncode == 0, finished.stderr
    [counts] = json.loads(report.read_text())
    assert (counts["unchanged"], counts["new"], counts["changed"]) == (at_kill, total - at_kill, 0)

    once = _lshub(_env(tmp_path, clean), *load)
    assert once.returncode == 0, once.stderr
    expected, actual = clean.snapshot(), resumed.snapshot()
    assert len(actual["staged"]) == total
    assert actual == expected
