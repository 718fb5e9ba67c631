"""The registry as a flat table: one row per organisation, the same columns in and out."""

from __future__ import annotations

COLUMNS = (
    "key",
    "name",
    "short_name",
    "name_en",
    "name_it",
    "type",
    "subtype",
    "ownership",
    "website",
    "founded",
    "employees",
    "employees_year",
    "comune",
    "province",
    "istat_code",
    "nuts3",
    "latitude",
    "longitude",
    "aliases",
    "specialisations",
    "identifiers",
    "description_en",
    "description_it",
    "sources",
)

REQUIRED = ("key", "name", "type")

# Columns kept on the Organisation row itself, by model field name.
ORGANISATION_FIELDS = {
    "key": "slug",
    "name": "name",
    "short_name": "short_name",
    "name_en": "name_en",
    "name_it": "name_it",
    "type": "type",
    "subtype": "subtype",
    "ownership": "ownership",
    "website": "website",
    "founded": "founded",
    "employees": "employees",
    "employees_year": "employees_year",
    "description_en": "description_en",
    "description_it": "description_it",
}

# Columns describing the organisation's main site (its headquarters, else its first site).
SITE_COLUMNS = ("comune", "province", "istat_code", "nuts3", "latitude", "longitude")

# Columns holding several values in one cell.
LIST_COLUMNS = ("aliases", "specialisations", "identifiers", "sources")
SEPARATOR = ";"

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix an apostrophe so spreadsheets show the text instead of running it."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def safe_cell(value):
    """A spreadsheet cell: text neutralised, anything else (numbers, dates, None) as it is."""
    return neutralise(value) if isinstance(value, str) else value


def restore(value: str) -> str:
    """Undo `neutralise` on import, so an exported file reads back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def join_list(values) -> str:
    return SEPARATOR.join(values)
