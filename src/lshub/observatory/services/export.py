"""Tables as CSV or XLSX: every table of the observatory pages can be downloaded.

The observation table uses the columns `lshub ingest csv` reads, so an exported table can
be corrected and loaded back. Gaps stay empty cells with their status, never zeros.

The region table and the benchmark say what their pages say about per-inhabitant values:
the value and its unit, and the population it was divided by (value, year, source). Where
there is none the cells stay empty and a column says why ("no denominator"). New columns
go at the end, so spreadsheets built on the earlier columns keep working.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from lshub.registry.services.tabular.columns import safe_cell

from ..models import Indicator, Observation
from .benchmarks import Benchmark, Cell
from .figures import POPULATION, Denominator, Figure, plain
from .tables import COLUMNS as OBSERVATION_COLUMNS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIGURE_COLUMNS = [
    "indicator", "label", "unit", "geo", "period", "value", "status", "qualifier", "share_of_national",
    "share_is_stated", "change", "previous_period", "source_url", "source_publisher", "note",
    # per inhabitant, appended after the original columns
    "per_inhabitant", "per_inhabitant_unit", "population", "population_year", "population_source_url",
    "population_publisher", "per_inhabitant_missing",
]  # fmt: skip
BENCHMARK_COLUMNS = [
    "indicator", "label", "year", "geo", "geo_name", "nuts_level", "value", "unit", "status", "basis",
    "comparable", "comparable_unit", "rank", "aggregated_from", "population_year", "source_url",
    # the population divided by, appended after the original columns
    "population", "population_source_url", "population_publisher", "comparable_missing",
]  # fmt: skip


def observation_rows(rows) -> tuple[list[str], list[list]]:
    table = []
    for row in rows:
        row: Observation
        table.append([
            row.indicator_id, row.geo_id, row.period, plain(row.value), row.indicator.unit, row.status, row.flags,
            row.qualifier, plain(row.stated_share), row.source.url, row.source.publisher, row.source.title,
            row.source.retrieved, row.note,
        ])  # fmt: skip
    return OBSERVATION_COLUMNS, table


def figure_rows(shown: list[Figure], definitions: list[Indicator] | None = None) -> tuple[list[str], list[list]]:
    """The region table; `definitions` (the indicators shown) say which figures are additive."""
    additive = _additive(shown, definitions)
    table = []
    for f in shown:
        table.append([
            f.indicator, f.label, f.unit, f.geo, f.period, f.value, f.status, f.qualifier, f.share_of_national,
            f.share_is_stated, f.change, f.previous_period, f.source_url, f.source_publisher, f.note,
            f.per_inhabitant, f.per_inhabitant_unit, *_population_cells(f.denominator),
            _why_no_per_inhabitant(f, additive.get(f.indicator, False)),
        ])  # fmt: skip
    return FIGURE_COLUMNS, table


def _additive(shown: list[Figure], definitions: list[Indicator] | None) -> dict[str, bool]:
    """indicator -> whether its figures are counts or amounts (the ones divided by the population)."""
    if definitions is None:
        definitions = Indicator.objects.filter(pk__in={f.indicator for f in shown}).only("id", "aggregation")
    return {d.id: d.is_additive for d in definitions}


def _population_cells(denominator: Denominator | None) -> list:
    """Population value, year, source URL and publisher; empty cells (never 0) without one."""
    if denominator is None:
        return [None, None, "", ""]
    return [denominator.value, denominator.period, denominator.source_url, denominator.source_publisher]


def _why_no_per_inhabitant(f: Figure, additive: bool) -> str:
    """Why the per-inhabitant cells of a region's figure are empty, in the page's words."""
    if f.per_inhabitant is not None:
        return ""
    if f.value is None:
        return _("no value")
    if f.indicator == POPULATION:
        return _("the population itself")
    if not additive:
        return _("not a count or amount")
    return _("no denominator")


def benchmark_rows(result: Benchmark) -> tuple[list[str], list[list]]:
    table = []
    for row in result.rows:
        for cell in row.cells:
            figure = cell.figure
            population, _year, population_url, population_publisher = _population_cells(cell.denominator)
            table.append([
                row.indicator.id, row.indicator.label, row.year, cell.geo.code, cell.geo.name, cell.geo.level,
                figure.value, figure.unit, figure.status, row.basis, cell.comparable, row.unit, cell.rank,
                ";".join(cell.aggregated_from), cell.population_year, figure.source_url,
                population, population_url, population_publisher, _why_not_comparable(cell),
            ])  # fmt: skip
    return BENCHMARK_COLUMNS, table


def _why_not_comparable(cell: Cell) -> str:
    if cell.comparable is not None:
        return ""
    return cell.missing or (_("no value") if cell.figure.value is None else "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """Text that a spreadsheet would run as a formula gets an apostrophe (the CSV importer
    takes it off again); numbers, negative ones included, are written as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_text(safe_cell(v)) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], title: str = "observatory") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        # Numbers stay numbers; a gap stays an empty cell.
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(fmt: str, header: list[str], rows: list[list], title: str) -> bytes:
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title)
