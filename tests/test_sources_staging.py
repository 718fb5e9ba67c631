"""Staging: raw records kept once, hashed; re-reads change nothing; changes are seen."""

import pytest

from lshub.sources.models import StagedRecord
from lshub.sources.parsers.base import Parsed, Rejected, candidate
from lshub.sources.services.staging import candidates, content_hash, stage

pytestmark = pytest.mark.django_db


def _records(names):
    for number, (record_id, name) in enumerate(names, start=1):
        yield Parsed(number, record_id, "organisation", {"id": record_id, "name": name}, candidate(name=name))


def test_a_new_file_stages_every_record_as_new():
    report = stage("test", "a.json", _records([("1", "Alpha"), ("2", "Beta")]))
    assert (report.read, report.new, report.changed, report.unchanged) == (2, 2, 0, 0)
    row = StagedRecord.objects.get(source="test", record_id="2")
    assert row.status == "new" and row.raw == {"id": "2", "name": "Beta"}
    assert row.content_hash == content_hash({"name": "Beta", "id": "2"})
    assert row.candidate["name"] == "Beta" and row.candidate["identifiers"] == {}


def test_the_same_file_twice_changes_nothing():
    stage("test", "a.json", _records([("1", "Alpha"), ("2", "Beta")]))
    before = list(
        StagedRecord.objects.filter(source="test").values("record_id", "content_hash", "status", "first_seen")
    )
    report = stage("test", "a.json", _records([("1", "Alpha"), ("2", "Beta")]))
    assert (report.new, report.changed, report.unchanged) == (0, 0, 2)
    after = list(StagedRecord.objects.filter(source="test").values("record_id", "content_hash", "status", "first_seen"))
    assert before == after


def test_a_changed_record_is_seen_as_changed_and_keeps_its_link():
    from lshub.registry.models import Organisation

    stage("test", "a.json", _records([("1", "Alpha"), ("2", "Beta")]))
    org = Organisation.objects.first()
    StagedRecord.objects.filter(record_id="1").update(status="linked", organisation=org)
    report = stage("test", "b.json", _records([("1", "Alpha Renamed"), ("2", "Beta")]))
    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    row = StagedRecord.objects.get(source="test", record_id="1")
    assert row.status == "changed" and row.organisation == org and row.file == "b.json"
    assert row.candidate["name"] == "Alpha Renamed"
    assert [r.record_id for r in candidates("test")] == ["1", "2"]


def test_bad_records_are_reported_and_the_rest_loads():
    items = [
        Parsed(1, "1", "organisation", {"a": 1}, candidate(name="Alpha")),
        Rejected(2, "id", "the record has no id"),
        Parsed(3, "3", "organisation", {"a": 3}, candidate(name="")),
        Parsed(4, "1", "organisation", {"a": 4}, candidate(name="Again")),
        Parsed(5, "5", "organisation", {"a": 5}, candidate(name="Epsilon")),
    ]
    report = stage("test", "a.json", items, batch_size=2)
    assert report.read == 5 and report.new == 2
    assert [(n, f) for n, f, _ in report.rejected] == [(2, "id"), (3, "name"), (4, "id")]
    assert "already appears at record 1" in report.rejected[2][2]
    assert sorted(StagedRecord.objects.filter(source="test").values_list("record_id", flat=True)) == ["1", "5"]


def test_a_dry_run_counts_without_writing():
    report = stage("test", "a.json", _records([("1", "Alpha")]), dry_run=True)
    assert report.new == 1 and not StagedRecord.objects.filter(source="test").exists()


def test_candidates_filter_by_source_and_status_and_skip_trials():
    stage("one", "a", _records([("1", "Alpha")]))
    stage("two", "b", [Parsed(1, "NCT1", "trial", {"t": 1}, {}), *_records([("2", "Beta")])])
    assert {r.record_id for r in candidates()} >= {"1", "2"}
    assert [r.record_id for r in candidates("two")] == ["2"]
    assert list(candidates("two", status="linked")) == []
