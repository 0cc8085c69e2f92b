"""Indexes for the pages' queries at newsroom size (issue 9): the prison terms whose release
window is not over ("in prison now"); on PostgreSQL, the cases in the order of
CaseQuerySet.newest_verdict_first(), so that "the newest verdicts" reads the first few cases
instead of sorting all of them, and trigram indexes for the words a search matches anywhere in a
case's title, city or summary (CaseQuerySet.matching). SQLite can make neither an index with
NULLS LAST nor a trigram index: it reads the cases."""

from django.db import migrations, models

NEWEST_VERDICT_INDEX = "case_newest_verdict_idx"
TEXT_FIELDS = ["title", "city", "summary"]


def text_indexes():
    """(name, SQL) of each: the expression exactly as the search asks it (Django's icontains is
    UPPER(...) LIKE), with pg_trgm's operator class."""
    for field in TEXT_FIELDS:
        name = f"case_{field}_trgm_idx"
        yield (
            name,
            (
                f"CREATE INDEX IF NOT EXISTS {name} ON cases_case "
                f"USING gin ((UPPER({field}::text)) gin_trgm_ops)"
            ),
        )


def create_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NEWEST_VERDICT_INDEX} ON cases_case "
            "(verdict_date DESC NULLS LAST, title, id)"
        )
        for _, sql in text_indexes():
            schema_editor.execute(sql)


def drop_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in [NEWEST_VERDICT_INDEX, *(name for name, _ in text_indexes())]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_release_window"),
        ("newsroom", "0007_content_version"),
        # Also for the pg_trgm extension (people 0005).
        ("people", "0008_merged_records_view_permissions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="defendant",
            index=models.Index(
                condition=models.Q(("prison_status__in", ["serving", "released"])),
                fields=["release_earliest"],
                name="defendant_release_earliest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="defendant",
            index=models.Index(
                condition=models.Q(("prison_status__in", ["serving", "released"])),
                fields=["release_latest"],
                name="defendant_release_latest_idx",
            ),
        ),
        migrations.RunPython(create_postgresql_indexes, drop_postgresql_indexes),
    ]
