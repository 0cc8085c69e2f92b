"""On PostgreSQL, each story's full-text search document is stored in a generated column,
`search_document`, which PostgreSQL computes whenever a story is written (newsroom.models
StoredStoryDocument). Searches read it instead of building it from the headline, standfirst and
body of every story they rank. Its GIN index replaces the index of the same expression (0008).
Not on SQLite, which has no full-text search of stories.

The column is not a model field, so Django never writes it: only PostgreSQL does."""

from django.db import migrations

STORED_STORY_DOCUMENT_COLUMN = "search_document"
# newsroom.models.story_search_document(), as PostgreSQL writes it (tests/test_search.py checks
# that the stored documents are the ones it computes).
STORED_STORY_DOCUMENT_SQL = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(headline, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(standfirst, '')), 'B')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)

COLUMN_INDEX = "article_stored_search_document_idx"
EXPRESSION_INDEX = "article_search_document_idx"


def add_stored_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE newsroom_article ADD COLUMN {STORED_STORY_DOCUMENT_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({STORED_STORY_DOCUMENT_SQL}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {COLUMN_INDEX} ON newsroom_article USING gin ({STORED_STORY_DOCUMENT_COLUMN})"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {EXPRESSION_INDEX}")


def remove_stored_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {EXPRESSION_INDEX} ON newsroom_article "
        f"USING gin (({STORED_STORY_DOCUMENT_SQL}))"
    )
    # Dropping the column drops its index.
    schema_editor.execute(
        f"ALTER TABLE newsroom_article DROP COLUMN {STORED_STORY_DOCUMENT_COLUMN}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_story_search_indexes"),
    ]

    operations = [migrations.RunPython(add_stored_document, remove_stored_document)]
