"""The people lists' order as an index on PostgreSQL (PersonQuerySet.in_public_order,
PublicSortName): a page of the whole list is read off it instead of sorting every public person.

Not on SQLite: without statistics, its planner took the index for any search of named public
people (its first column, name_status, is compared there) and read the rows one by one through
it, which made the name search of /people/ three times slower than the sort the index saves. The
index is therefore made here, on PostgreSQL only, and not declared on the model."""

from django.db import migrations, models

import people.models

PUBLIC_ORDER_INDEX = models.Index(
    models.F("name_status"),
    people.models.PublicSortName(),
    models.F("id"),
    condition=models.Q(is_public=True),
    name="person_public_order_idx",
)


def add_public_order_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("people", "Person"), PUBLIC_ORDER_INDEX)


def remove_public_order_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("people", "Person"), PUBLIC_ORDER_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_person_search_trigram_signature"),
    ]

    operations = [
        migrations.RunPython(add_public_order_index, remove_public_order_index),
    ]
