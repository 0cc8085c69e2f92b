"""GIN trigram indexes on the normalised names, on PostgreSQL, beside the GiST ones of 0005/0009.

The GiST indexes serve the nearest names to a misspelling (people/close_names.py: only GiST
orders by distance), and they also served "the name contains the term" (LIKE '%kairat%'), but
slowly: about 13 ms at 100,000 people for a name 15,000 share, so that PostgreSQL read the whole
table instead. A GIN index intersects the lists of the term's trigrams: about 1 ms. Search asks
that condition once for every group (people, and the stories and cases about them)."""

from django.db import migrations

INDEXES = {
    "people_person": "person_search_name_gin_idx",
    "people_personname": "personname_search_name_gin_idx",
}


def add_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_name gin_trgm_ops)"
        )


def remove_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0010_person_public_order_index"),
    ]

    operations = [migrations.RunPython(add_gin_indexes, remove_gin_indexes)]
