"""Tables as CSV or XLSX: every table of the observatory pages can be downloaded.

The observation table uses the columns `lshub ingest csv` reads, so an exported table can
be corrected and loaded back. Gaps stay empty cells with their status, never zeros.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from ..models import Observation
from .benchmarks import Benchmark
from .figures import Figure, plain
from .tables import COLUMNS as OBSERVATION_COLUMNS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIGURE_COLUMNS = [
    "indicator", "label", "unit", "geo", "period", "value", "status", "qualifier", "share_of_national",
    "share_is_stated", "change", "previous_period", "source_url", "source_publisher", "note",
]  # fmt: skip
BENCHMARK_COLUMNS = [
    "indicator", "label", "year", "geo", "geo_name", "nuts_level", "value", "unit", "status", "basis",
    "comparable", "comparable_unit", "rank", "aggregated_from", "population_year", "source_url",
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


def figure_rows(shown: list[Figure]) -> tuple[list[str], list[list]]:
    return FIGURE_COLUMNS, [[getattr(f, name) for name in FIGURE_COLUMNS] for f in shown]


def benchmark_rows(result: Benchmark) -> tuple[list[str], list[list]]:
    table = []
    for row in result.rows:
        for cell in row.cells:
            figure = cell.figure
            table.append([
                row.indicator.id, row.indicator.label, row.year, cell.geo.code, cell.geo.name, cell.geo.level,
                figure.value, figure.unit, figure.status, row.basis, cell.comparable, row.unit, cell.rank,
                ";".join(cell.aggregated_from), cell.population_year, figure.source_url,
            ])  # fmt: skip
    return BENCHMARK_COLUMNS, table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_text(v) for v in row] for row in rows])
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
