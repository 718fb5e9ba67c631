"""Fast writes of many observations: COPY on PostgreSQL, executemany elsewhere.

Loading a Eurostat table means hundreds of thousands of rows; creating a model instance
per row would cost far more than reading the file. Values travel as exact decimal text.
Callers run these inside their transaction.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

from ..models import Observation

COLUMNS = ["indicator", "geo", "period", "value", "status", "flags", "qualifier", "stated_share", "source", "note"]
DB_COLUMNS = ["indicator_id", "geo_id", "period", "value", "status", "flags", "qualifier", "stated_share", "source_id", "note"]
NOT_NULL_TEXT = ["status", "flags", "qualifier", "note"]
BATCH = 50_000
SQLITE_CACHE_KIB = -128_000  # negative: KiB, i.e. 125 MB at most, used only as pages fill


def _prepared(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[COLUMNS].copy()
    out["period"] = out["period"].astype("Int64")
    out["source"] = out["source"].astype("int64")
    for name in NOT_NULL_TEXT:
        out[name] = out[name].fillna("").astype(str)
    return out


def insert_observations(frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    rows = _prepared(frame)
    if connection.vendor == "postgresql":
        _copy_postgresql(rows)
    else:
        _executemany(rows)
    return len(rows)


def _copy_postgresql(rows: pd.DataFrame) -> None:
    table = Observation._meta.db_table
    columns = ", ".join(DB_COLUMNS)
    forced = ", ".join(NOT_NULL_TEXT)
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({forced}))"
    # Arrow writes the CSV in C++: text quoted, empty text as "", NULL as an empty field.
    arrow = pa.Table.from_pandas(rows, preserve_index=False)
    options = pa_csv.WriteOptions(include_header=False)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
        with raw.copy(sql) as copy:
            for batch in arrow.to_batches(max_chunksize=BATCH * 4):
                buffer = io.BytesIO()
                pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                copy.write(buffer.getvalue())


def _executemany(rows: pd.DataFrame) -> None:
    table = Observation._meta.db_table
    placeholders = ", ".join(["%s"] * len(DB_COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(DB_COLUMNS)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        # A larger page cache for the load: index pages stay in memory instead of being
        # re-read for each row (SQLite's default is 2 MB).
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        try:
            for start in range(0, len(rows), BATCH):
                # Column by column to Python lists (fast), one batch at a time (memory).
                batch = rows.iloc[start : start + BATCH]
                cursor.executemany(sql, list(zip(*(_python_values(batch[name]) for name in COLUMNS))))
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _python_values(column: pd.Series) -> list:
    values = column.astype(object)
    return values.where(column.notna(), None).tolist()


def update_observations(frame: pd.DataFrame) -> int:
    """Replace the compared fields of stored observations (rows carry their `id`)."""
    if frame.empty:
        return 0
    rows = _prepared(frame)
    ids = frame["id"].astype("int64").tolist()
    objects = []
    for pk, row in zip(ids, rows.astype(object).where(rows.notna(), None).itertuples(index=False)):
        objects.append(
            Observation(
                pk=pk, value=row.value, status=row.status, flags=row.flags, qualifier=row.qualifier,
                stated_share=row.stated_share, note=row.note,
            )  # fmt: skip
        )
    Observation.objects.bulk_update(objects, ["value", "status", "flags", "qualifier", "stated_share", "note"], batch_size=1000)
    return len(objects)
