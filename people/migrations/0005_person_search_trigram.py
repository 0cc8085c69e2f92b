"""Trigram indexes on the normalised names, for names typed with a letter wrong
(people/close_names.py): pg_trgm GiST indexes on PostgreSQL, FTS5 trigram tables kept by
triggers on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from people.close_names import ensure_sqlite_trigram_index

POSTGRESQL_INDEXES = {
    "people_person": "person_search_name_trgm_idx",
    "people_personname": "personname_search_name_trgm_idx",
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for table, index in POSTGRESQL_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gist "
                "(search_name gist_trgm_ops)"
            )
    else:
        ensure_sqlite_trigram_index(connection)


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for index in POSTGRESQL_INDEXES.values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    elif connection.vendor == "sqlite":
        for index_table in ("people_person_search_trigram", "people_personname_search_trigram"):
            for suffix in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {index_table}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {index_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_person_sort_name_and_recognition"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
