"""ROR parser: schema v2 and v1, single records, arrays, zip dumps, broken files."""

import json
import zipfile

import pytest

from conftest import SAMPLES, shared_fixture
from lshub.sources.models import StagedRecord
from lshub.sources.parsers import ror
from lshub.sources.parsers.base import Parsed, Rejected, SourceFileError
from lshub.sources.services.loading import load

SAMPLE = SAMPLES / "ror"


def _parsed(path):
    return [r for r in ror.parse(path) if isinstance(r, Parsed)]


def test_a_v2_record_becomes_a_full_candidate():
    [record] = _parsed(SAMPLE / "v2_record.json")
    c = record.candidate
    assert (record.record_id, record.kind) == ("05sample1", "organisation")
    assert c["name"] == "Istituto Esempio di Ricerca"
    assert c["aliases"] == ["Example Research Institute", "Istituto Esempio"]
    assert c["acronyms"] == ["IER"]
    assert c["types"] == ["healthcare", "funder"]
    assert (c["city"], c["province"], c["country"], c["lat"], c["lon"]) == ("Milano", "MI", "IT", 45.46427, 9.18951)
    assert c["geonames_id"] == 3173435
    assert c["website"] == "https://www.esempio-ricerca.it"
    assert c["identifiers"] == {
        "ror": "05sample1",
        "grid": "grid.999001.1",
        "isni": "0000 0000 0000 0001",
        "wikidata": "Q99999001",
        "fundref": "501100999002",  # the preferred FundRef id, not the first
    }
    assert c["identifiers_all"]["fundref"] == ["501100999002", "501100999001"]
    assert c["relationships"] == [{"type": "parent", "id": "05sample2", "label": "Università Esempio"}]
    assert record.raw["names"][1]["value"] == "Istituto Esempio di Ricerca"  # raw kept as read


def test_a_v1_record_maps_to_the_same_vocabulary():
    [record] = _parsed(SAMPLE / "v1_record.json")
    c = record.candidate
    assert c["name"] == "Università Esempio"
    assert c["aliases"] == ["Example University", "Ateneo Esempio"]
    assert c["types"] == ["education", "funder"]
    assert (c["city"], c["province"], c["country"], c["geonames_id"]) == ("Pavia", "PV", "IT", 3171366)
    assert c["identifiers"] == {
        "ror": "05sample2",
        "grid": "grid.999002.2",
        "isni": "0000 0000 0000 0002",
        "wikidata": "Q99999002",
    }
    assert c["relationships"] == [{"type": "child", "id": "05sample1", "label": "Istituto Esempio di Ricerca"}]


def test_an_array_mixing_schemas_streams_every_record_and_rejects_the_nameless():
    items = list(ror.parse(SAMPLE / "dump.json"))
    assert [type(i) for i in items] == [Parsed, Parsed, Rejected, Parsed]
    assert items[2] == Rejected(3, "name", "05sample4 has no display name")
    assert items[3].candidate["city"] == "Brescia" and items[3].candidate["identifiers"] == {"ror": "05sample3"}


def test_a_zip_dump_prefers_the_schema_v2_file(tmp_path):
    archive = tmp_path / "v1.99-ror-data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("v1.99-ror-data.json", "[]")
        z.writestr("v1.99-ror-data_schema_v2.json", (SAMPLE / "dump.json").read_text())
        z.writestr("v1.99-ror-data.csv", "id,name\n")
    assert [r.record_id for r in _parsed(archive)] == ["05sample1", "05sample2", "05sample3"]


def test_a_zip_without_json_is_refused_clearly(tmp_path):
    archive = tmp_path / "dump.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("README.txt", "nothing here")
    with pytest.raises(SourceFileError, match="holds no JSON file"):
        list(ror.parse(archive))


def test_truncated_json_fails_after_yielding_the_complete_records(tmp_path):
    text = (SAMPLE / "dump.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"https://ror.org/05sample3"')])  # inside the fourth record
    seen = []
    with pytest.raises(SourceFileError, match="cut short or malformed after 3 complete record"):
        for item in ror.parse(cut):
            seen.append(item)
    assert len(seen) == 3


@pytest.mark.parametrize("content, message", [("", "is empty"), ("hello", "is not JSON"), ("{}", "no display name")])
def test_files_that_are_not_ror_json(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content)
    if message == "no display name":
        assert list(ror.parse(path)) == [Rejected(1, "id", "the record has no ROR id")]
    else:
        with pytest.raises(SourceFileError, match=message):
            list(ror.parse(path))


@pytest.mark.django_db
def test_loading_a_truncated_file_keeps_what_came_before_and_says_why(tmp_path):
    text = (SAMPLE / "dump.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"https://ror.org/05sample3"')])
    report = load("ror", cut)
    assert not report.ok and "cut short" in report.error
    assert report.stage.new == 2 and report.stage.rejected[0][:2] == (3, "name")
    assert set(StagedRecord.objects.filter(source="ror").values_list("record_id", flat=True)) >= {
        "05sample1",
        "05sample2",
    }
    full = load("ror", SAMPLE / "dump.json")  # the repaired file completes the load
    assert full.ok and (full.stage.new, full.stage.unchanged) == (1, 2)


@pytest.mark.django_db
def test_the_same_dump_twice_is_all_unchanged():
    first = load("ror", SAMPLE / "dump.json")
    second = load("ror", SAMPLE / "dump.json")
    assert (first.stage.read, first.stage.new, len(first.stage.rejected)) == (4, 3, 1)
    assert (second.stage.new, second.stage.changed, second.stage.unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_a_changed_record_in_a_later_release_is_seen(tmp_path):
    load("ror", SAMPLE / "v2_record.json")
    record = json.loads((SAMPLE / "v2_record.json").read_text())
    record["names"].append({"lang": None, "types": ["alias"], "value": "IER Milano"})
    newer = tmp_path / "05sample1.json"
    newer.write_text(json.dumps(record))
    report = load("ror", newer)
    assert (report.stage.changed, report.stage.new) == (1, 0)
    row = StagedRecord.objects.get(source="ror", record_id="05sample1")
    assert row.status == "changed" and "IER Milano" in row.candidate["aliases"] and row.file == "05sample1.json"


def test_every_real_v2_fixture_parses_with_a_name_and_ror_id():
    folder = shared_fixture("ror", "v2")
    records = [r for path in sorted(folder.glob("*.json")) for r in ror.parse(path)]
    assert len(records) == 222 and all(isinstance(r, Parsed) for r in records)
    assert all(r.candidate["name"] and r.candidate["identifiers"]["ror"] == r.record_id for r in records)
    lombardy = [r for r in records if r.candidate["region"] == "Lombardy"]
    assert len(lombardy) == 38
    trt = next(r for r in records if r.record_id == "03s8h4161")
    assert trt.candidate["acronyms"] == ["TRT"] and trt.candidate["identifiers"]["grid"] == "grid.426363.6"


def test_every_real_v1_fixture_parses_and_keeps_all_fundref_ids():
    folder = shared_fixture("ror", "v1")
    records = {r.record_id: r for path in sorted(folder.glob("*.json")) for r in ror.parse(path)}
    assert len(records) == 76
    pavia = records["00s6t1f81"].candidate
    assert pavia["name"] == "University of Pavia" and "Università degli Studi di Pavia" in pavia["aliases"]
    assert pavia["identifiers_all"]["fundref"] == ["501100004769", "501100020258"]
    assert pavia["province"] == "PV"


@pytest.mark.django_db
def test_the_real_v2_fixtures_load_and_reload_unchanged():
    folder = shared_fixture("ror", "v2")
    files = sorted(folder.glob("*.json"))
    first = [load("ror", f) for f in files]
    assert sum(r.stage.new for r in first) == 222
    assert sum(r.stage.unchanged for r in (load("ror", f) for f in files)) == 222
