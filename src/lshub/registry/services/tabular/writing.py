"""Write the registry as CSV, JSON, GeoJSON or XLSX, streaming organisation by organisation.

Rows are produced from a chunked database iterator and written as they come, so a large
registry never sits in memory as one list. Text cells of CSV and XLSX files are
neutralised against formula injection (see columns.neutralise).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet

from ...models import Organisation, Site
from .columns import COLUMNS, ORGANISATION_FIELDS, join_list, safe_cell

CHUNK_SIZE = 500
TEXT_FORMATS = ("csv", "json", "geojson")
FORMATS = TEXT_FORMATS + ("xlsx",)


def organisations(queryset: QuerySet | None = None) -> Iterator[Organisation]:
    """Organisations by key, fetched CHUNK_SIZE at a time with everything a row needs."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    return (
        queryset.order_by("slug")
        .prefetch_related(
            "sites", "aliases", "identifiers", "specialisation_links__specialisation", "source_links__source"
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


def main_site(organisation: Organisation) -> Site | None:
    """The site a flat row describes: the headquarters, else the first site (a branch)."""
    sites = list(organisation.sites.all())
    return next((s for s in sites if s.is_headquarters), sites[0] if sites else None)


def row(organisation: Organisation) -> dict:
    """The organisation as one flat row; numbers stay numbers, a missing number is None."""
    values = {column: getattr(organisation, field) for column, field in ORGANISATION_FIELDS.items()}
    site = main_site(organisation)
    values.update(
        comune=site.comune if site else "",
        province=site.province if site else "",
        istat_code=site.istat_code if site else "",
        nuts3=site.nuts3 if site else "",
        latitude=site.latitude if site else None,
        longitude=site.longitude if site else None,
        aliases=join_list(sorted(alias.name for alias in organisation.aliases.all())),
        specialisations=join_list(sorted(link.specialisation.code for link in organisation.specialisation_links.all())),
        identifiers=join_list(sorted(f"{i.scheme}:{i.value}" for i in organisation.identifiers.all())),
        sources=join_list(sorted({link.source.url for link in organisation.source_links.all()})),
    )
    return {column: values[column] for column in COLUMNS}


def cells(organisation: Organisation) -> list:
    """The row as spreadsheet cells: text neutralised, numbers kept, None as empty."""
    return [_cell(value) for value in row(organisation).values()]


def _cell(value):
    if value is None:
        return ""
    return safe_cell(value)


def write_csv(out: IO[str], queryset: QuerySet | None = None) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for organisation in organisations(queryset):
        writer.writerow(cells(organisation))


def write_json(out: IO[str], queryset: QuerySet | None = None) -> None:
    """A JSON list of row objects, written one object at a time."""
    out.write("[")
    for index, organisation in enumerate(organisations(queryset)):
        out.write(",\n" if index else "\n")
        out.write(json.dumps(row(organisation), ensure_ascii=False))
    out.write("\n]\n")


def write_geojson(out: IO[str], queryset: QuerySet | None = None) -> None:
    """A FeatureCollection of the organisations whose main site has coordinates."""
    out.write('{"type": "FeatureCollection", "features": [')
    written = 0
    for organisation in organisations(queryset):
        properties = row(organisation)
        if properties["latitude"] is None or properties["longitude"] is None:
            continue
        feature = {
            "type": "Feature",
            "id": properties["key"],
            "geometry": {"type": "Point", "coordinates": [properties["longitude"], properties["latitude"]]},
            "properties": properties,
        }
        out.write(",\n" if written else "\n")
        out.write(json.dumps(feature, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")


def write_xlsx(target, queryset: QuerySet | None = None) -> None:
    """An XLSX workbook at `target` (a path or a binary file), written in streaming mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organisations")
    sheet.append(list(COLUMNS))
    for organisation in organisations(queryset):
        sheet.append(cells(organisation))
    workbook.save(target)


WRITERS = {"csv": write_csv, "json": write_json, "geojson": write_geojson, "xlsx": write_xlsx}


def export(format: str, target, queryset: QuerySet | None = None) -> None:
    """Write the registry (or `queryset`) in `format` to `target`.

    Text formats take a text stream; xlsx takes a path or a binary stream.
    """
    if format not in WRITERS:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    WRITERS[format](target, queryset)
