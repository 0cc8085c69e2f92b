"""Longer signatures for the PostgreSQL trigram indexes of the names (people/close_names.py): with
the default 12 bytes the index told too few names apart, and finding the names nearest a
misspelling ("Losick") read a good part of it (25 ms at 100,000 people; 9 ms at 256 bytes)."""

from django.db import migrations

INDEXES = {
    "people_person": "person_search_name_trgm_idx",
    "people_personname": "personname_search_name_trgm_idx",
}


def remake_indexes(signature_bytes):
    def remake(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        options = f"(siglen={signature_bytes})" if signature_bytes else ""
        for table, index in INDEXES.items():
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
            schema_editor.execute(
                f"CREATE INDEX {index} ON {table} USING gist (search_name gist_trgm_ops{options})"
            )

    return remake


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_merged_records_view_permissions"),
    ]

    operations = [migrations.RunPython(remake_indexes(256), remake_indexes(None))]
