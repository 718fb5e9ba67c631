"""Ministry of Health lists: layouts recognised by header, one record per code, encodings."""

import pytest

from conftest import SAMPLES, shared_fixture
from lshub.sources.models import StagedRecord
from lshub.sources.parsers import minsalute
from lshub.sources.parsers.base import Parsed, Rejected, SourceFileError
from lshub.sources.services.loading import load

SAMPLE = SAMPLES / "minsalute"


def test_the_register_keeps_one_record_per_azienda_from_its_newest_year():
    items = list(minsalute.parse(SAMPLE / "aziende.csv"))
    assert items[0] == Rejected(4, "CODICE AZIENDA", "line 4 has an empty codice azienda: it names no organisation")
    records = {i.record_id: i for i in items if isinstance(i, Parsed)}
    assert list(records) == ["030391", "030392", "030393"]
    ats = records["030393"]
    assert ats.number == 6 and ats.raw["ANNO"] == "2024" and ats.raw["years"] == ["2016", "2024"]
    c = ats.candidate
    assert c["name"] == "ATS ESEMPIO DELLA MONTAGNA" and c["address"] == "VIA ESEMPIO 22"
    assert c["identifiers"] == {"minsalute": "030393", "vat": "00998877665"}
    assert (c["city"], c["province"], c["country"], c["website"]) == (
        "Sondrio",
        "SO",
        "IT",
        "https://www.ats-esempio.it",
    )
    assert c["lat"] and c["lon"]


def test_latin1_is_detected_and_read_right():
    records = {i.record_id: i for i in minsalute.parse(SAMPLE / "aziende.csv") if isinstance(i, Parsed)}
    cantu = records["030391"].candidate
    assert cantu["name"] == "A.S.L. ESEMPIO DI CANTÙ" and (cantu["city"], cantu["province"]) == ("Cantù", "CO")
    assert cantu["address"] == "VIA ESEMPIO 4"  # padding removed


def test_a_statistics_table_yields_its_facilities_once_each():
    records = [i for i in minsalute.parse(SAMPLE / "serd.csv") if isinstance(i, Parsed)]
    assert [(r.record_id, r.kind, r.candidate["name"]) for r in records] == [
        ("030393/S01", "facility", "Servizio per le dipendenze di VIA ESEMPIO 3"),
        ("030393/S02", "facility", "Servizio per le dipendenze di Chiavenna"),
    ]
    assert records[0].candidate["parent"] == {"minsalute": "030393", "name": "ATS ESEMPIO DELLA MONTAGNA"}
    assert "TOTALE PERSONALE,," not in records[0].raw  # measures are not part of the record


def test_a_facility_list_keeps_one_record_per_structure_with_its_azienda():
    records = [i for i in minsalute.parse(SAMPLE / "strutture.csv") if isinstance(i, Parsed)]
    assert [(r.record_id, r.kind) for r in records] == [("030393/030901", "facility"), ("030393/030902", "facility")]
    sondrio = records[0].candidate
    assert (sondrio["name"], sondrio["city"], sondrio["province"]) == ("OSPEDALE ESEMPIO DI SONDRIO", "Sondrio", "SO")
    assert sondrio["parent"] == {"minsalute": "030393", "name": ""}
    assert records[0].raw["DESCRIZIONE TIPO STRUTTURA"] == "Ospedale a gestione diretta"
    assert "POSTI LETTO" not in records[0].raw  # a measure, not part of the record


def test_a_file_forced_to_the_wrong_encoding_fails_with_the_line(tmp_path):
    with pytest.raises(SourceFileError, match=r"not valid utf-8 near line \d+.*--encoding"):
        list(minsalute.parse(SAMPLE / "aziende.csv", encoding="utf-8"))


def test_a_utf16_file_is_refused_clearly(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text((SAMPLE / "aziende.csv").read_text(encoding="latin-1"), encoding="utf-16")
    with pytest.raises(SourceFileError, match="looks like UTF-16"):
        list(minsalute.parse(path))


def test_a_utf8_file_is_read_as_utf8(tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_text((SAMPLE / "aziende.csv").read_text(encoding="latin-1"), encoding="utf-8")
    names = [i.candidate["name"] for i in minsalute.parse(path) if isinstance(i, Parsed)]
    assert "A.S.L. ESEMPIO DI CANTÙ" in names


def test_an_unknown_table_names_the_layouts_it_could_have_been(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Nome;Città\nAlfa;Milano\n")
    with pytest.raises(SourceFileError, match="not a Ministry of Health list.*orgs-csv"):
        list(minsalute.parse(path))


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = load("minsalute", SAMPLE / "aziende.csv")
    second = load("minsalute", SAMPLE / "aziende.csv")
    assert (first.stage.read, first.stage.new, len(first.stage.rejected)) == (4, 3, 1)
    assert (second.stage.new, second.stage.changed, second.stage.unchanged) == (0, 0, 3)
    assert (
        StagedRecord.objects.get(source="minsalute", record_id="030393").candidate["identifiers"]["vat"]
        == "00998877665"
    )


def test_the_real_register_gives_15_asl_and_8_ats():
    path = shared_fixture("minsalute", "C_17_dataset_2_0_upFile.lombardia.csv")
    records = {i.record_id: i for i in minsalute.parse(path) if isinstance(i, Parsed)}
    assert len(records) == 23
    assert sorted(records)[:2] == ["030301", "030302"] and "030328" in records
    pavia = records["030328"].candidate
    assert pavia["name"] == "ATS DI PAVIA" and pavia["identifiers"]["vat"] == "02613260187"
    assert (pavia["city"], pavia["province"]) == ("Pavia", "PV")


def test_the_real_statistics_tables_give_their_facilities():
    dsm = list(minsalute.parse(shared_fixture("minsalute", "C_17_dataset_183_0_upFile.lombardia.csv")))
    serd = list(minsalute.parse(shared_fixture("minsalute", "C_17_dataset_188_0_upFile.lombardia.csv")))
    assert all(i.kind == "facility" for i in dsm + serd if isinstance(i, Parsed))
    assert any(i.record_id == "030321/S22" for i in serd)
    # Rows of an azienda without a department name no facility; they are reported, not lost.
    assert {i.field for i in dsm if isinstance(i, Rejected)} == {"COD DSM"}
