"""Find the studies inside a ClinicalTrials.gov file without reading it whole.

JSON: a v2 study, a v2 page {"studies": [...]}, a JSON array of v2 studies, or a classic
API response {"FullStudiesResponse": {"FullStudies": [{"Study": ...}]}}. XML: one or many
<clinical_study> elements.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import ijson
from ijson.common import ObjectBuilder

from .base import SourceFileError

# Where studies sit in each JSON shape, and which format they are in.
STUDY_PREFIXES = {
    "item": "v2",
    "studies.item": "v2",
    "FullStudiesResponse.FullStudies.item": "classic",
    "FullStudyResponse.FullStudies.item": "classic",
}


def json_studies(stream, name: str) -> Iterator[tuple[dict, str]]:
    """(study, format) pairs. Events outside the study lists build a small root object; when
    no list was found, that root is itself a single study."""
    root, item, item_prefix, count = ObjectBuilder(), None, None, 0
    try:
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if item is None and prefix in STUDY_PREFIXES and event == "start_map":
                item, item_prefix = ObjectBuilder(), prefix
            if item is None:
                root.event(event, value)
                continue
            item.event(event, value)
            if prefix == item_prefix and event == "end_map":
                count += 1
                study = item.value
                item = None
                yield _unwrap(study, STUDY_PREFIXES[item_prefix])
    except ijson.JSONError as error:
        raise SourceFileError(
            f"{name} is cut short or is not valid JSON after {count} complete stud(ies): {_first_line(error)}"
        ) from error
    if count == 0:
        single = getattr(root, "value", None)
        if isinstance(single, dict) and ("protocolSection" in single or "ProtocolSection" in single.get("Study", {})):
            yield _unwrap(single, "v2" if "protocolSection" in single else "classic")
        else:
            raise SourceFileError(f"{name} holds no ClinicalTrials.gov study (API v2, classic API or XML)")


def _unwrap(study, fmt: str) -> tuple[dict, str]:
    if fmt == "classic" and isinstance(study, dict) and "Study" in study:
        return study["Study"], fmt
    return study, fmt


def xml_studies(stream, name: str) -> Iterator[dict]:
    """Each <clinical_study> as a plain dict; memory is released after each study."""
    count = 0
    try:
        for _, element in ET.iterparse(stream, events=("end",)):
            if element.tag == "clinical_study":
                count += 1
                yield element_dict(element)
                element.clear()
    except ET.ParseError as error:
        raise SourceFileError(
            f"{name} is cut short or is not valid XML after {count} complete stud(ies): {error}"
        ) from error
    if count == 0:
        raise SourceFileError(f"{name} holds no <clinical_study> element")


def element_dict(element: ET.Element):
    """An XML element as JSON: text for a leaf, a dict otherwise; repeated tags become lists,
    attributes are kept under "@name"."""
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return text
    result: dict = {f"@{k}": v for k, v in element.attrib.items()}
    if text:
        result["#text"] = text
    for child in children:
        value = element_dict(child)
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = previous + [value] if isinstance(previous, list) else [previous, value]
        else:
            result[child.tag] = value
    return result


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
