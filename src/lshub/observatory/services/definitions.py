"""The reviewed definition files: read, check like a linter, load into the database.

`check()` reads every file and returns every problem at once (file, entry, field, reason),
so a reviewer fixes them in one pass. `load_definitions()` refuses to load files that
have problems, and otherwise creates or updates indicators, geographies and peer sets:
the files are the reference for definitions (observations are never touched here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ateco
import yaml
from django.db import transaction

from lshub.registry.models import Source

from ..choices import Aggregation, Direction, Segment
from ..models import Geography, Indicator, PeerSet

INDICATOR_FIELDS = {
    "id", "label_en", "label_it", "unit", "segment", "aggregation", "direction", "scope", "scope_edition",
    "definition_en", "definition_it", "rationale", "source", "eurostat",
}  # fmt: skip
REQUIRED_INDICATOR_FIELDS = ("id", "label_en", "label_it", "unit", "segment")
GEOGRAPHY_FIELDS = {"code", "name_en", "name_it", "level", "country", "parent"}
PEER_SET_FIELDS = {"slug", "label_en", "label_it", "members"}
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
GEO_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
NUTS_VERSION = "2021"
DEFAULT_ATECO_EDITION = "2007"


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self):
        where = f"{self.file}: {self.entry}" + (f": {self.field}" if self.field else "")
        return f"{where}: {self.message}"


class DefinitionError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Definitions:
    indicators: list[dict]
    geographies: list[dict]
    peer_sets: list[dict]


def default_directory() -> Path:
    return Path(str(resources.files("lshub.observatory").joinpath("definitions")))


def read(directory: Path | None = None) -> tuple[Definitions, list[Problem]]:
    """Parse the three files; a file that is not valid YAML is one problem, not a crash."""
    directory = Path(directory or default_directory())
    problems: list[Problem] = []
    parsed = {}
    for name in ("indicators", "geographies", "peer_sets"):
        path = directory / f"{name}.yaml"
        parsed[name] = []
        if not path.exists():
            problems.append(Problem(path.name, "-", "", "file is missing"))
            continue
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            problems.append(Problem(path.name, "-", "", f"not valid YAML: {error}"))
            continue
        if not isinstance(content, list) or not all(isinstance(item, dict) for item in content):
            problems.append(Problem(path.name, "-", "", "expected a list of entries (each a mapping)"))
            continue
        parsed[name] = content
    return Definitions(parsed["indicators"], parsed["geographies"], parsed["peer_sets"]), problems


def check(directory: Path | None = None) -> list[Problem]:
    """Every problem of every definition file."""
    definitions, problems = read(directory)
    problems += _check_indicators(definitions.indicators)
    codes, geo_problems = _check_geographies(definitions.geographies)
    problems += geo_problems
    problems += _check_peer_sets(definitions.peer_sets, codes)
    return problems


def _entry_name(item: dict, key: str, position: int) -> str:
    value = item.get(key)
    return str(value) if value else f"entry #{position}"


def _check_indicators(items: list[dict]) -> list[Problem]:
    problems, seen = [], set()
    file = "indicators.yaml"
    for position, item in enumerate(items, start=1):
        name = _entry_name(item, "id", position)

        def report(field, message, name=name):
            problems.append(Problem(file, name, field, message))

        for key in sorted(set(item) - INDICATOR_FIELDS):
            report(key, f"unknown field (known: {', '.join(sorted(INDICATOR_FIELDS))})")
        for key in REQUIRED_INDICATOR_FIELDS:
            if not str(item.get(key) or "").strip():
                report(key, "missing")
        indicator_id = str(item.get("id") or "")
        if indicator_id and not SLUG.match(indicator_id):
            report("id", "use lower-case letters, digits and underscores, starting with a letter")
        if indicator_id in seen:
            report("id", "duplicate id")
        seen.add(indicator_id)
        _check_choice(item, "segment", Segment.values, report, required=True)
        _check_choice(item, "aggregation", Aggregation.values, report)
        _check_choice(item, "direction", Direction.values, report)
        for problem in _scope_problems(item):
            report("scope", problem)
        for field, problem in _source_problems(item.get("source")):
            report(field, problem)
        for problem in _eurostat_problems(item.get("eurostat")):
            report("eurostat", problem)
        if item.get("aggregation") == Aggregation.SHARE and "percent" not in str(item.get("unit", "")):
            report("unit", "a share of the national total is measured in percent")
    return problems


def _check_choice(item, field, allowed, report, required=False) -> None:
    value = item.get(field)
    if value in (None, ""):
        return  # a missing required field is reported once, above
    if value not in allowed:
        report(field, f"unknown {field} '{value}' (known: {', '.join(allowed)})")


def _scope_problems(item: dict) -> list[str]:
    scope = item.get("scope") or []
    if not isinstance(scope, list):
        return ["expected a list of ATECO/NACE codes"]
    edition = str(item.get("scope_edition") or DEFAULT_ATECO_EDITION)
    try:
        ateco.get_edition(edition)
    except KeyError:
        return [f"unknown ATECO edition '{edition}' (known: {', '.join(e.key for e in ateco.editions())})"]
    return [problem for code in scope if (problem := ateco_code_problem(str(code), edition))]


def ateco_code_problem(code: str, edition: str = DEFAULT_ATECO_EDITION) -> str | None:
    """Why a scope code is not a valid ATECO code of the edition (None when it is).

    A NACE section letter in front ("C21.10") must be the section the code belongs to.
    """
    match = re.fullmatch(r"([A-U])?(\d{2}(?:\.\d{1,2}){0,2})", code.strip())
    if match is None:
        return f"'{code}' is not an ATECO/NACE code (expected e.g. 21.10 or C21.10)"
    section, number = match.groups()
    node = ateco.lookup(number, edition=edition)
    if node is None:
        return f"'{code}' is not in ATECO {edition}"
    if section:
        while node.parent:
            node = ateco.lookup(node.parent, edition=edition)
        if node.code != section:
            return f"'{code}': {number} belongs to section {node.code}, not {section}"
    return None


def _source_problems(source) -> list[tuple[str, str]]:
    if source is None:
        return []
    if not isinstance(source, dict):
        return [("source", "expected {publisher, url}")]
    url = str(source.get("url") or "")
    if not url.startswith(("http://", "https://")):
        return [("source.url", "missing or not an http(s) URL")]
    return []


def _eurostat_problems(eurostat) -> list[str]:
    if eurostat is None:
        return []
    if not isinstance(eurostat, dict) or not eurostat.get("dataset"):
        return ["expected {dataset, series: {dimension: code}}"]
    series = eurostat.get("series") or {}
    if not isinstance(series, dict) or not all(isinstance(v, str) for v in series.values()):
        return ["series must map dimension names to codes"]
    if "geo" in series or "time_period" in {k.lower() for k in series}:
        return ["series must not select geo or time: they are the observation's own"]
    return []


def _check_geographies(items: list[dict]) -> tuple[set[str], list[Problem]]:
    problems, codes = [], set()
    file = "geographies.yaml"
    for position, item in enumerate(items, start=1):
        name = _entry_name(item, "code", position)

        def report(field, message, name=name):
            problems.append(Problem(file, name, field, message))

        for key in sorted(set(item) - GEOGRAPHY_FIELDS):
            report(key, "unknown field")
        code = str(item.get("code") or "")
        if not GEO_CODE.match(code):
            report("code", "expected a NUTS code such as IT, ITC4 or DE1")
        if code in codes:
            report("code", "duplicate code")
        if not item.get("name_en"):
            report("name_en", "missing")
        if item.get("level") not in (0, 1, 2, 3):
            report("level", "expected 0 (country), 1, 2 or 3")
        elif GEO_CODE.match(code) and len(code) - 2 != item["level"]:
            report("level", f"a NUTS {item['level']} code has {item['level'] + 2} characters")
        if str(item.get("country") or "") != code[:2]:
            report("country", "must be the first two letters of the code")
        parent = item.get("parent")
        if item.get("level") and not parent:
            report("parent", "missing (every region has a parent)")
        if parent and (parent not in codes or not code.startswith(str(parent))):
            report("parent", f"'{parent}' must be listed before and be a prefix of the code")
        codes.add(code)
    return codes, problems


def _check_peer_sets(items: list[dict], codes: set[str]) -> list[Problem]:
    problems, seen = [], set()
    for position, item in enumerate(items, start=1):
        name = _entry_name(item, "slug", position)
        for key in sorted(set(item) - PEER_SET_FIELDS):
            problems.append(Problem("peer_sets.yaml", name, key, "unknown field"))
        slug = str(item.get("slug") or "")
        if not SLUG.match(slug):
            problems.append(Problem("peer_sets.yaml", name, "slug", "missing or not a slug"))
        if slug in seen:
            problems.append(Problem("peer_sets.yaml", name, "slug", "duplicate slug"))
        seen.add(slug)
        if not item.get("label_en"):
            problems.append(Problem("peer_sets.yaml", name, "label_en", "missing"))
        members = item.get("members") or []
        if not members:
            problems.append(Problem("peer_sets.yaml", name, "members", "a peer set needs members"))
        for code in members:
            if code not in codes:
                problems.append(Problem("peer_sets.yaml", name, "members", f"unknown geography '{code}'"))
    return problems


@transaction.atomic
def load_definitions(directory: Path | None = None) -> dict[str, int]:
    """Create or update indicators, geographies and peer sets from the files."""
    problems = check(directory)
    if problems:
        raise DefinitionError(problems)
    definitions, _ = read(directory)
    counts = {"geographies": 0, "indicators": 0, "peer sets": 0}
    for item in definitions.geographies:
        _, created = Geography.objects.update_or_create(
            code=item["code"],
            defaults={
                "name_en": item["name_en"],
                "name_it": item.get("name_it", ""),
                "level": item["level"],
                "country": item["country"],
                "parent_id": item.get("parent"),
                "nuts_version": NUTS_VERSION,
            },
        )
        counts["geographies"] += created
    for position, item in enumerate(definitions.indicators, start=1):
        counts["indicators"] += _load_indicator(item, position)
    for item in definitions.peer_sets:
        peer_set, created = PeerSet.objects.update_or_create(
            slug=item["slug"], defaults={"label_en": item["label_en"], "label_it": item.get("label_it", "")}
        )
        peer_set.members.set(item["members"])
        counts["peer sets"] += created
    return counts


def _load_indicator(item: dict, position: int) -> bool:
    source = None
    if item.get("source"):
        source, _ = Source.objects.get_or_create(
            url=item["source"]["url"], defaults={"publisher": item["source"].get("publisher", "")}
        )
    eurostat = item.get("eurostat") or {}
    _, created = Indicator.objects.update_or_create(
        id=item["id"],
        defaults={
            "label_en": item["label_en"],
            "label_it": item["label_it"],
            "unit": item["unit"],
            "segment": item["segment"],
            "aggregation": item.get("aggregation") or Aggregation.SUM,
            "direction": item.get("direction") or Direction.HIGHER,
            "scope_codes": ";".join(str(code) for code in item.get("scope") or []),
            "scope_edition": str(item.get("scope_edition") or (DEFAULT_ATECO_EDITION if item.get("scope") else "")),
            "definition_en": (item.get("definition_en") or "").strip(),
            "definition_it": (item.get("definition_it") or "").strip(),
            "rationale": (item.get("rationale") or "").strip(),
            "default_source": source,
            "eurostat_dataset": eurostat.get("dataset", ""),
            "eurostat_series": eurostat.get("series") or {},
            "position": position,
        },
    )
    return created
