"""Compare a valid row with the registry and decide what an import would change.

The rules, so a curated value is never silently replaced:
- an empty cell changes nothing (it never clears a value);
- a value where the registry has none is filled in;
- a value that differs from a non-empty registry value is a *conflict*: reported and
  left alone, unless the import runs with `overwrite`;
- list columns (aliases, specialisations, sources) only ever add; identifiers add too,
  but a scheme the organisation already holds with other values is a conflict.
Planning only reads the database, so a dry run reports exactly what a real run does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ...models import Organisation, Site
from .. import geo
from .columns import ORGANISATION_FIELDS, join_list
from .validation import Incoming
from .writing import main_site

COLUMN_OF_FIELD = {model_field: column for column, model_field in ORGANISATION_FIELDS.items()}
SHOWN_LENGTH = 60


@dataclass(frozen=True)
class Conflict:
    row: int
    key: str
    column: str
    current: str
    incoming: str

    def __str__(self) -> str:
        return _("row %(row)d, %(key)s, column %(column)s: the registry has %(current)r, the file has %(incoming)r") % {
            "row": self.row,
            "key": self.key,
            "column": self.column,
            "current": _shorten(self.current),
            "incoming": _shorten(self.incoming),
        }


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


@dataclass
class Plan:
    """What importing one row would do to one organisation."""

    incoming: Incoming
    organisation: Organisation | None
    overwrite: bool
    changes: dict = field(default_factory=dict)  # Organisation field -> new value
    site: Site | None = None
    site_changes: dict = field(default_factory=dict)  # Site field -> new value (a new site when site is None)
    new_aliases: list[str] = field(default_factory=list)
    new_specialisations: list[str] = field(default_factory=list)
    new_identifiers: list[tuple[str, str]] = field(default_factory=list)
    dropped_identifiers: list[tuple[str, str]] = field(default_factory=list)  # only with overwrite
    new_sources: list[str] = field(default_factory=list)
    changed_columns: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.organisation is None

    @property
    def has_changes(self) -> bool:
        return self.is_new or bool(self.changed_columns)

    def note_change(self, column: str) -> None:
        if column not in self.changed_columns:
            self.changed_columns.append(column)

    def conflict(self, column: str, current, incoming) -> bool:
        """Record a conflict; True when the file's value is to be written anyway."""
        self.conflicts.append(Conflict(self.incoming.row, self.incoming.key, column, str(current), str(incoming)))
        if self.overwrite:
            self.note_change(column)
        return self.overwrite


def plan_all(rows: list[Incoming], overwrite: bool) -> list[Plan]:
    existing = _existing({incoming.key for incoming in rows})
    return [plan(incoming, existing.get(incoming.key), overwrite) for incoming in rows]


def _existing(keys: set[str]) -> dict[str, Organisation]:
    found = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        queryset = Organisation.objects.filter(slug__in=ordered[start : start + 500]).prefetch_related(
            "sites", "aliases", "identifiers", "specialisation_links__specialisation", "source_links__source"
        )
        found.update({organisation.slug: organisation for organisation in queryset})
    return found


def plan(incoming: Incoming, organisation: Organisation | None, overwrite: bool = False) -> Plan:
    result = Plan(incoming=incoming, organisation=organisation, overwrite=overwrite)
    if organisation is None:
        result.changes = {name: value for name, value in incoming.fields.items() if name != "slug"}
        result.new_aliases = list(dict.fromkeys(incoming.aliases))
        result.new_specialisations = list(dict.fromkeys(incoming.specialisations))
        result.new_identifiers = list(dict.fromkeys(incoming.identifiers))
        result.new_sources = list(dict.fromkeys(incoming.sources))
        if incoming.comune:
            result.site_changes = _site_values(incoming.comune, incoming.coordinates)
        return result
    _plan_fields(result)
    _plan_site(result)
    _plan_lists(result)
    return result


def _same(current, value) -> bool:
    if isinstance(current, str) and isinstance(value, str):
        return current.strip() == value.strip()
    return current == value


def _plan_fields(result: Plan) -> None:
    for name, value in result.incoming.fields.items():
        if name == "slug":
            continue
        current = getattr(result.organisation, name)
        column = COLUMN_OF_FIELD[name]
        if current in (None, ""):
            result.changes[name] = value
            result.note_change(column)
        elif not _same(current, value) and result.conflict(column, current, value):
            result.changes[name] = value


def _site_values(comune: geo.Comune, coordinates: tuple[float, float] | None) -> dict:
    """A site's place fields from the comune; coordinates from the file win over its centre."""
    fields = comune.site_fields()
    if coordinates and coordinates != (comune.latitude, comune.longitude):
        fields.update(latitude=coordinates[0], longitude=coordinates[1], coordinates_precision="")
    return fields


def _same_place(site: Site, comune: geo.Comune) -> bool:
    if site.istat_code:
        return site.istat_code == comune.istat_code
    # A site typed in by hand may lack the codes: then the name (and province) decide.
    return geo.fold(site.comune) == geo.fold(comune.name) and site.province in ("", comune.province)


def _plan_site(result: Plan) -> None:
    comune, coordinates = result.incoming.comune, result.incoming.coordinates
    if comune is None:
        return
    site = result.site = main_site(result.organisation)
    if site is None:
        result.site_changes = _site_values(comune, coordinates)
        result.note_change("comune")
        return
    if not _same_place(site, comune):
        if result.conflict("comune", f"{site.comune} ({site.province})", f"{comune.name} ({comune.province})"):
            result.site_changes = _site_values(comune, coordinates)
        return
    for name in ("istat_code", "province", "nuts2", "nuts3"):
        if not getattr(site, name):
            result.site_changes[name] = getattr(comune, name)
            result.note_change(name if name != "nuts2" else "nuts3")
    if coordinates:
        _plan_coordinates(result, site, coordinates)


def _plan_coordinates(result: Plan, site: Site, coordinates: tuple[float, float]) -> None:
    current = (site.latitude, site.longitude)
    if current == coordinates:
        return
    if None in current or result.conflict(
        "latitude", f"{current[0]}, {current[1]}", f"{coordinates[0]}, {coordinates[1]}"
    ):
        result.site_changes.update(latitude=coordinates[0], longitude=coordinates[1], coordinates_precision="")
        result.note_change("latitude")


def _plan_lists(result: Plan) -> None:
    organisation, incoming = result.organisation, result.incoming
    aliases = {alias.name for alias in organisation.aliases.all()}
    result.new_aliases = [name for name in dict.fromkeys(incoming.aliases) if name not in aliases]
    codes = {link.specialisation.code for link in organisation.specialisation_links.all()}
    result.new_specialisations = [code for code in dict.fromkeys(incoming.specialisations) if code not in codes]
    urls = {link.source.url for link in organisation.source_links.all()}
    result.new_sources = [url for url in dict.fromkeys(incoming.sources) if url not in urls]
    _plan_identifiers(result)
    for column, added in (
        ("aliases", result.new_aliases),
        ("specialisations", result.new_specialisations),
        ("sources", result.new_sources),
    ):
        if added:
            result.note_change(column)


def _plan_identifiers(result: Plan) -> None:
    held: dict[str, set[str]] = {}
    for identifier in result.organisation.identifiers.all():
        held.setdefault(identifier.scheme, set()).add(identifier.value)
    given: dict[str, list[str]] = {}
    for scheme, value in dict.fromkeys(result.incoming.identifiers):
        given.setdefault(scheme, []).append(value)
    for scheme, values in given.items():
        current = held.get(scheme, set())
        added = [value for value in values if value not in current]
        if not added:
            continue
        if current <= set(values):  # the file keeps every value held, and adds some
            result.new_identifiers += [(scheme, value) for value in added]
            result.note_change("identifiers")
            continue
        shown = join_list(f"{scheme}:{value}" for value in sorted(current))
        if result.conflict("identifiers", shown, join_list(f"{scheme}:{value}" for value in values)):
            result.new_identifiers += [(scheme, value) for value in added]
            result.dropped_identifiers += [(scheme, value) for value in sorted(current - set(values))]
