"""ClinicalTrials.gov studies: API v2 JSON, the retired classic API JSON, legacy XML.

Each study yields, in order: the trial itself (kind "trial"), its sponsor and collaborators
(kind "sponsor", ids "NCT…/sponsor/1" for the lead, 2… for collaborators) and its sites
(kind "site", ids "NCT…/site/1"… in the order the study lists them). Sponsors and sites
carry organisation candidates for the linker; the trial carries the fields of the Trial
table. All three formats are read as streams (ijson, XML iterparse), one study at a time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from .base import Parsed, Rejected, SourceFileError
from .ctgov_fields import classic_study, v2_study, xml_study
from .ctgov_streams import json_studies, xml_studies


def parse(path: str | Path) -> Iterator[Parsed | Rejected]:
    """Every study of a file (or of every .json/.xml file inside a zip), as staged records."""
    path = Path(path)
    number = 0
    for name, study, fmt in _studies(path):
        number += 1
        yield from study_records(number, study, fmt, name)


def _studies(path: Path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".json", ".xml"))]
            if not members:
                raise SourceFileError(f"the archive {path.name} holds no JSON or XML study file")
            for member in members:
                with archive.open(member) as stream:
                    yield from _stream_studies(stream, f"{path.name}:{member}", member.lower().endswith(".xml"))
    else:
        with path.open("rb") as stream:
            yield from _stream_studies(stream, path.name, _looks_like_xml(stream))


def _looks_like_xml(stream) -> bool:
    head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    return head.startswith(b"<")


def _stream_studies(stream, name: str, is_xml: bool):
    if is_xml:
        for study in xml_studies(stream, name):
            yield name, study, "xml"
    else:
        for study, fmt in json_studies(stream, name):
            yield name, study, fmt


READERS = {"v2": v2_study, "classic": classic_study, "xml": xml_study}


def study_records(number: int, study, fmt: str, name: str) -> Iterator[Parsed | Rejected]:
    """The trial, its sponsors and its sites, as staged records, or why the study is refused."""
    if not isinstance(study, dict):
        yield Rejected(number, "study", "a study must be a JSON object")
        return
    fields = READERS[fmt](study)
    nct_id = fields["nct_id"]
    if not nct_id:
        yield Rejected(number, "nct_id", "the study has no NCT number")
        return
    if not fields["title"]:
        yield Rejected(number, "title", f"{nct_id} has no title")
        return
    sponsors, sites = fields.pop("sponsors"), fields.pop("sites")
    trial = {**fields, "format": fmt, "sponsors": sponsors, "sites": sites}
    yield Parsed(number, nct_id, "trial", study, trial)
    for position, sponsor in enumerate(sponsors, start=1):
        yield Parsed(
            number,
            f"{nct_id}/sponsor/{position}",
            "sponsor",
            {"nct_id": nct_id, **sponsor["raw"]},
            sponsor["candidate"],
        )
    for position, site in enumerate(sites, start=1):
        # A site given only as a city stays on the trial (it counts for regional shares)
        # but names no organisation, so it is not offered for linking.
        if not site["candidate"]["name"]:
            continue
        yield Parsed(number, f"{nct_id}/site/{position}", "site", {"nct_id": nct_id, **site["raw"]}, site["candidate"])
