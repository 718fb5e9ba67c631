"""The Spark backend on a tiny input: the same answers as DuckDB.

pyspark is an optional extra (`pip install 'lshub[spark]'`) and needs a Java runtime;
without either the test is skipped with the reason.
"""

import shutil

import pytest

from lshub.linkage import model, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'lshub[spark]' to run the Spark backend")
    if not shutil.which("java"):
        pytest.skip("no Java runtime on PATH: the Spark backend needs one")
    try:
        session = model.spark_session()
    except model.BackendUnavailable as error:
        pytest.skip(str(error))
    yield session


def test_spark_resolves_like_duckdb(spark):
    batch = [
        {"name": "INT Milano"},
        {"name": "University of Milano-Bicocca", "city": "Milan", "country": "Italy"},
        {"name": "Istituto Nazionale Tumori Regina Elena, Roma"},
    ]
    on_duckdb = resolve.resolve(batch, backend="duckdb")
    on_spark = resolve.resolve(batch, backend="spark")
    assert [r.linked_id for r in on_spark] == [r.linked_id for r in on_duckdb]
    assert on_spark[0].linked_id is not None and on_spark[2].linked_id is None
    for a, b in zip(on_spark, on_duckdb):
        assert a.probability == pytest.approx(b.probability, abs=1e-6)
