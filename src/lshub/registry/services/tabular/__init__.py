"""Tabular import and export of the registry: one flat row per organisation.

The same columns go out (CSV, JSON, GeoJSON, XLSX) and come back in (CSV, XLSX), so an
exported file imports back without changes. The parts:

columns     the column list, list cells, formula-injection neutralising
writing     streaming writers (export)
reading     CSV/XLSX files to a table of text cells (encoding, delimiter, size limit)
validation  every bad cell of every row, in plain words
planning    what a row would change; conflicts with curated values
importing   all-or-nothing (or partial) writes with history and provenance
"""

from .columns import COLUMNS, REQUIRED, neutralise
from .importing import ImportReport, import_file, import_table
from .planning import Conflict
from .reading import (
    DEFAULT_MAX_BYTES,
    ImportFileError,
    Table,
    check_size,
    read,
    read_csv_bytes,
    read_csv_text,
    read_xlsx,
)
from .validation import RowError, check_header
from .writing import FORMATS, TEXT_FORMATS, cells, export, main_site, row

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "REQUIRED",
    "TEXT_FORMATS",
    "Conflict",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "Table",
    "cells",
    "check_header",
    "check_size",
    "export",
    "import_file",
    "import_table",
    "main_site",
    "neutralise",
    "read",
    "read_csv_bytes",
    "read_csv_text",
    "read_xlsx",
    "row",
]
