"""Load the embedded Lombardy dataset (src/lshub/data/*.csv) into the registry."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from ..models import Alias, Identifier, Organisation, OrganisationSpecialisation, Relation, Site, Source, Specialisation
from . import geo, indexing
from .upsert import fill

REASON = "embedded dataset"
REFERENCE_PUBLISHER = "lshub reference facts (public web sources)"


class SitesFileError(ValueError):
    """A row of the extra-sites file that cannot be loaded: the message names its line."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.created.values())


def _rows(name: str) -> list[dict]:
    with resources.files("lshub.data").joinpath(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _source(url: str) -> Source:
    source, _ = fill(Source, {"url": url}, {"publisher": REFERENCE_PUBLISHER}, REASON)
    return source


@transaction.atomic
def load_demo() -> LoadReport:
    """Load taxonomy, organisations, sites, identifiers, aliases and relations. Idempotent."""
    report = LoadReport()
    with indexing.deferred():
        _load_taxonomy(report)
        organisations = {row["key"]: _load_organisation(row, report) for row in _rows("organisations.csv")}
        _load_sites(organisations, report)
        _load_identifiers(organisations, report)
        _load_aliases(organisations, report)
        _load_relations(organisations, report)
    _load_observatory(report)
    return report


def _load_observatory(report: LoadReport) -> None:
    """Indicator definitions and the briefing's figures (src/lshub/data/observations.csv)."""
    from lshub.observatory.services.demo import load_observatory_demo  # late: the observatory builds on the registry

    loaded = load_observatory_demo()
    report.created.update(loaded.created)
    report.problems.extend(loaded.problems)


def _load_taxonomy(report: LoadReport) -> None:
    rows = _rows("taxonomy.csv")
    for row in rows:
        _, changed = fill(
            Specialisation,
            {"code": row["code"]},
            {
                "kind": row["kind"],
                "label_en": row["label_en"],
                "label_it": row["label_it"],
                "is_irccs_area": row["is_irccs_area"] == "1",
                "nace_codes": row["nace_codes"],
            },
            REASON,
        )
        report.created["specialisations"] += changed
    for row in rows:  # parents once every code exists
        if row["parent"]:
            child = Specialisation.objects.get(code=row["code"])
            if child.parent_id is None:
                child.parent = Specialisation.objects.get(code=row["parent"])
                child.save()


def _load_organisation(row: dict, report: LoadReport) -> Organisation:
    employees = _int(row["employees"])
    organisation, changed = fill(
        Organisation,
        {"slug": row["key"]},
        {
            "name": row["name"],
            "short_name": row["short_name"],
            "name_en": row["name_en"],
            "name_it": row["name_it"],
            "type": row["type"],
            "subtype": row["subtype"],
            "ownership": row["ownership"],
            "website": row["website"],
            "founded": _int(row["founded"]),
            "employees": employees,
            "employees_year": _int(row["employees_year"]),
            "description_en": row["description_en"],
            "description_it": row["description_it"],
        },
        REASON,
    )
    report.created["organisations"] += changed
    source = _source(row["source_url"])
    organisation.source_links.get_or_create(source=source, field="")
    if row["short_name"] and row["short_name"] != row["name"]:
        _, changed = fill(Alias, {"organisation": organisation, "name": row["short_name"]}, {"kind": "short"}, REASON)
        report.created["aliases"] += changed
    if row["city"]:
        _load_site(organisation, row, report)
    _load_specialisations(organisation, row, report)
    return organisation


def _load_site(organisation: Organisation, row: dict, report: LoadReport) -> None:
    try:
        comune = geo.find_comune(row["city"], row["province"])
    except geo.UnknownComune as error:
        report.problems.append(f"{row['key']}: {error}")
        return
    place = comune.site_fields()
    _, changed = fill(
        Site,
        {"organisation": organisation, "istat_code": place.pop("istat_code")},
        {
            **place,
            "label": "" if row["site_role"] != "branch" else "branch of an institute seated elsewhere",
            "is_headquarters": row["site_role"] != "branch",
        },
        REASON,
    )
    report.created["sites"] += changed


def _load_sites(organisations: dict[str, Organisation], report: LoadReport, rows: Iterable[dict] | None = None) -> None:
    """Extra places where an organisation works (src/lshub/data/sites.csv), each with its source.

    The file is ours, so a row naming an unknown organisation or comune is a mistake to fix,
    not a warning: it stops the load (the transaction keeps the registry as it was).
    """
    for line, row in enumerate(_rows("sites.csv") if rows is None else rows, start=2):
        where = f"sites.csv line {line} ({row.get('key')!r}, {row.get('comune')!r})"
        organisation = organisations.get(row.get("key") or "")
        if organisation is None:
            raise SitesFileError(f"{where}: no organisation has this key")
        try:
            comune = geo.find_comune(row.get("comune") or "")
        except geo.UnknownComune as error:
            raise SitesFileError(f"{where}: {error}") from None
        if not (row.get("source_url") or "").strip():
            raise SitesFileError(f"{where}: the source_url is missing")
        _load_extra_site(organisation, comune, row, where, report)


def _load_extra_site(organisation: Organisation, comune: geo.Comune, row: dict, where: str, report: LoadReport) -> None:
    place = comune.site_fields()
    lookup = {"organisation": organisation, "istat_code": place.pop("istat_code")}
    # One site per comune: a row in the headquarters' comune would only relabel the seat.
    if Site.objects.filter(**lookup, is_headquarters=True).exists():
        raise SitesFileError(f"{where}: the headquarters are already in this comune")
    values = {**place, "label": row.get("label") or "", "address": row.get("address") or "", "is_headquarters": False}
    _, changed = fill(Site, lookup, values, REASON)
    organisation.source_links.get_or_create(source=_source(row["source_url"].strip()), field="site")
    report.created["sites"] += changed


def _load_specialisations(organisation: Organisation, row: dict, report: LoadReport) -> None:
    recognised = organisation.type == "irccs" and bool(row["recognised_wording"])
    for code in filter(None, row["specialisations"].split(";")):
        specialisation = Specialisation.objects.get(code=code)
        # The decree wording belongs to the therapeutic areas it was mapped from.
        is_area = specialisation.kind == "therapeutic_area"
        _, changed = fill(
            OrganisationSpecialisation,
            {"organisation": organisation, "specialisation": specialisation},
            {
                "wording": row["recognised_wording"] if recognised and is_area else "",
                "recognised": recognised and is_area,
            },
            REASON,
        )
        report.created["specialisation links"] += changed


def _load_identifiers(organisations: dict[str, Organisation], report: LoadReport) -> None:
    for row in _rows("identifiers.csv"):
        organisation = organisations[row["key"]]
        _, changed = fill(Identifier, {"scheme": row["scheme"], "value": row["value"]}, {"organisation": organisation}, REASON)
        organisation.source_links.get_or_create(source=_source(row["source_url"]), field=f"identifier:{row['scheme']}")
        report.created["identifiers"] += changed


def _load_aliases(organisations: dict[str, Organisation], report: LoadReport) -> None:
    """Former and other names beyond the organisations file's own, each with its source."""
    for row in _rows("aliases.csv"):
        organisation = organisations[row["key"]]
        values = {"kind": row["kind"], "language": row["language"]}
        _, changed = fill(Alias, {"organisation": organisation, "name": row["name"]}, values, REASON)
        organisation.source_links.get_or_create(source=_source(row["source_url"]), field="alias")
        report.created["aliases"] += changed


def _load_relations(organisations: dict[str, Organisation], report: LoadReport) -> None:
    for row in _rows("relations.csv"):
        _, changed = fill(
            Relation,
            {"subject": organisations[row["subject"]], "kind": row["kind"], "object": organisations[row["object"]]},
            {"source": _source(row["source_url"]), "note": row["note"]},
            REASON,
        )
        report.created["relations"] += changed
