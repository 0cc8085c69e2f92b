"""Names typed with one letter wrong, added or dropped ("Losick" for Losik, "Begimbetof" for
Begimbetov) still find the person.

Two steps, on the normalised names of people/names.py (so the folds of spellings come first):

1. Candidates from a trigram index, the few names that share the most three-letter pieces with
   the query: on PostgreSQL a GiST `pg_trgm` index ordered by word-similarity distance (a GiST
   index, not GIN, because only GiST returns the nearest names first); on SQLite an FTS5 table
   with the trigram tokenizer, ranked by bm25, kept in step with the names by triggers.
2. A check in Python over those few candidates: every term of the query is in the name, or
   within one edit (substitution, insertion, deletion or swap of two neighbours) of a word of
   the name or of its start.

The cost is two index look-ups of at most CANDIDATES rows, whatever the number of people.
Withheld names are never matched: the callers keep only Person.objects.searchable().
"""

from django.db import connection

# Terms shorter than this are matched exactly only: one letter off in "ali" is another name.
MIN_FUZZY_LENGTH = 4
# Names checked in Python per index (people's names, alternate names).
CANDIDATES = 100

# SQLite: one FTS5 trigram table per name table, filled by triggers on the name table. The
# triggers are (re)made after every migrate (people/signals.py), since Django's SQLite schema
# editor rebuilds a table, dropping its triggers, whenever a migration alters it.
SQLITE_TRIGRAM_TABLES = {
    "people_person": "people_person_search_trigram",
    "people_personname": "people_personname_search_trigram",
}


def within_one_edit(first, second):
    """Whether the words differ by at most one substitution, insertion, deletion or swap of
    two neighbouring letters (the optimal string alignment distance is at most 1)."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differences = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differences) == 1:
            return True
        return (
            len(differences) == 2
            and differences[1] == differences[0] + 1
            and first[differences[0]] == second[differences[1]]
            and first[differences[1]] == second[differences[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def term_is_close(term, words):
    """Whether the term is close to one of the words (a whole word, or a word's start, so that
    "begimbetof" finds "begimbetova" too)."""
    if len(term) < MIN_FUZZY_LENGTH:
        return False
    for word in words:
        if within_one_edit(term, word):
            return True
        if len(word) > len(term) and within_one_edit(term, word[: len(term)]):
            return True
    return False


def name_matches(terms, search_name):
    """Whether every term is in the normalised name or close to one of its words."""
    words = search_name.split()
    return all(term in search_name or term_is_close(term, words) for term in terms)


def names_containing(model, term):
    """The condition that a row's normalised name (`search_name`) contains the term, asked of
    the trigram index: PostgreSQL's serves LIKE; on SQLite the trigram table is asked for the
    term as a phrase, which matches it anywhere in a name (a term of fewer than three letters
    has no trigram: the names are read)."""
    from django.db.models import Q
    from django.db.models.expressions import RawSQL

    index_table = SQLITE_TRIGRAM_TABLES.get(model._meta.db_table)
    if connection.vendor != "sqlite" or index_table is None or len(term) < 3:
        return Q(search_name__contains=term)
    # The terms are normalised (people/names.py: letters and digits only), so the phrase needs
    # no escaping beyond its quotes.
    found = RawSQL(f"SELECT rowid FROM {index_table} WHERE {index_table} MATCH %s", [f'"{term}"'])
    return Q(pk__in=found)


def trigrams(terms):
    """The three-letter pieces of the terms that may be matched fuzzily."""
    pieces = []
    for term in terms:
        if len(term) >= MIN_FUZZY_LENGTH:
            pieces.extend(term[index : index + 3] for index in range(len(term) - 2))
    return list(dict.fromkeys(pieces))


def close_person_ids(terms):
    """Ids of people (any: the caller keeps the searchable ones) whose name or an alternate
    name is close to every term, from at most 2 * CANDIDATES candidates."""
    if not trigrams(terms):
        return set()
    candidates = (
        postgresql_candidates(terms)
        if connection.vendor == "postgresql"
        else sqlite_candidates(terms)
    )
    return {person_id for person_id, search_name in candidates if name_matches(terms, search_name)}


def postgresql_candidates(terms):
    from django.contrib.postgres.search import TrigramWordDistance

    from people.models import Person, PersonName

    text = " ".join(terms)
    people = (
        Person.objects.searchable()
        .annotate(distance=TrigramWordDistance(text, "search_name"))
        .order_by("distance")
        .values_list("pk", "search_name")[:CANDIDATES]
    )
    names = (
        PersonName.objects.filter(person__in=Person.objects.searchable())
        .annotate(distance=TrigramWordDistance(text, "search_name"))
        .order_by("distance")
        .values_list("person_id", "search_name")[:CANDIDATES]
    )
    return [*people, *names]


def sqlite_candidates(terms):
    # Any shared piece makes a candidate; bm25 ranks first those sharing the most, and rare ones.
    match = " OR ".join('"' + piece + '"' for piece in trigrams(terms))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person.id, person.search_name FROM people_person_search_trigram AS found "
            "JOIN people_person AS person ON person.id = found.rowid "
            "WHERE people_person_search_trigram MATCH %s AND person.is_public "
            "AND person.name_status = 'named' ORDER BY found.rank LIMIT %s",
            [match, CANDIDATES],
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT name.person_id, name.search_name FROM people_personname_search_trigram "
            "AS found JOIN people_personname AS name ON name.id = found.rowid "
            "JOIN people_person AS person ON person.id = name.person_id "
            "WHERE people_personname_search_trigram MATCH %s AND person.is_public "
            "AND person.name_status = 'named' ORDER BY found.rank LIMIT %s",
            [match, CANDIDATES],
        )
        rows += cursor.fetchall()
    return rows


def sqlite_trigram_statements(table, index_table):
    """SQL that makes the FTS5 trigram table of `table`'s search_name and its triggers, and
    fills it; safe to run again."""
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index_table} USING fts5(search_name, "
        f"content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {index_table}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index_table}(rowid, search_name) VALUES (new.id, new.search_name); END",
        f"CREATE TRIGGER IF NOT EXISTS {index_table}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index_table}({index_table}, rowid, search_name) "
        f"VALUES ('delete', old.id, old.search_name); END",
        f"CREATE TRIGGER IF NOT EXISTS {index_table}_update AFTER UPDATE OF search_name ON {table} "
        f"BEGIN "
        f"INSERT INTO {index_table}({index_table}, rowid, search_name) "
        f"VALUES ('delete', old.id, old.search_name); "
        f"INSERT INTO {index_table}(rowid, search_name) VALUES (new.id, new.search_name); END",
        f"INSERT INTO {index_table}({index_table}) VALUES ('rebuild')",
    ]


def ensure_sqlite_trigram_index(using_connection):
    """Make (or remake) the SQLite trigram tables and triggers, and refill them."""
    if using_connection.vendor != "sqlite":
        return
    existing = set(using_connection.introspection.table_names())
    with using_connection.cursor() as cursor:
        for table, index_table in SQLITE_TRIGRAM_TABLES.items():
            if table not in existing:
                continue
            for statement in sqlite_trigram_statements(table, index_table):
                cursor.execute(statement)
