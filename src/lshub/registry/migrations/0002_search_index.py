"""The engine-specific full-text index over registry_searchentry.

SQLite: an FTS5 external-content table kept in step by triggers.
PostgreSQL: a generated, weighted tsvector column with a GIN index.
Both index text that services/text.py has already normalised.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE registry_search_fts USING fts5(
        names, body, content='registry_searchentry', content_rowid='organisation_id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER registry_search_ai AFTER INSERT ON registry_searchentry BEGIN
        INSERT INTO registry_search_fts(rowid, names, body) VALUES (new.organisation_id, new.names, new.body);
    END""",
    """CREATE TRIGGER registry_search_ad AFTER DELETE ON registry_searchentry BEGIN
        INSERT INTO registry_search_fts(registry_search_fts, rowid, names, body)
        VALUES ('delete', old.organisation_id, old.names, old.body);
    END""",
    """CREATE TRIGGER registry_search_au AFTER UPDATE ON registry_searchentry BEGIN
        INSERT INTO registry_search_fts(registry_search_fts, rowid, names, body)
        VALUES ('delete', old.organisation_id, old.names, old.body);
        INSERT INTO registry_search_fts(rowid, names, body) VALUES (new.organisation_id, new.names, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER registry_search_au",
    "DROP TRIGGER registry_search_ad",
    "DROP TRIGGER registry_search_ai",
    "DROP TABLE registry_search_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE registry_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', names), 'A') || setweight(to_tsvector('simple', body), 'B')
    ) STORED""",
    "CREATE INDEX registry_searchentry_document ON registry_searchentry USING GIN (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX registry_searchentry_document",
    "ALTER TABLE registry_searchentry DROP COLUMN document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
