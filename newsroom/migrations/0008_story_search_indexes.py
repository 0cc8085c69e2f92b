"""PostgreSQL indexes for the story search (newsroom/search.py, ArticleQuerySet.matching): its
full-text document, and trigram indexes for the words matched anywhere in the headline,
standfirst or body, so that a search reads the matching stories, not every story. Not on SQLite,
which has neither (it reads the stories)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from newsroom.models import story_search_document

TEXT_FIELDS = ["headline", "standfirst", "body"]


SEARCH_DOCUMENT_INDEX = GinIndex(story_search_document(), name="article_search_document_idx")


def trigram_indexes():
    """(name, SQL) of each: the expression exactly as the search asks it (Django's icontains is
    UPPER(...) LIKE), with pg_trgm's operator class."""
    for field in TEXT_FIELDS:
        name = f"article_{field}_trgm_idx"
        yield (
            name,
            (
                f"CREATE INDEX IF NOT EXISTS {name} ON newsroom_article "
                f"USING gin ((UPPER({field}::text)) gin_trgm_ops)"
            ),
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("newsroom", "Article"), SEARCH_DOCUMENT_INDEX)
        for _, sql in trigram_indexes():
            schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in [SEARCH_DOCUMENT_INDEX.name, *(name for name, _ in trigram_indexes())]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0007_content_version"),
        # The pg_trgm extension.
        ("people", "0005_person_search_trigram"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
