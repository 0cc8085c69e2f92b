"""A small suffix stemmer for the words readers type into the story search, English and Russian.

Stories are matched by substring (newsroom.models.containing_every_word), so cutting the
query's word to its stem is enough to find every form that shares it: "sentences" and
"sentencing" become "sentenc", which "sentenced" contains; "активистов" becomes "активист". Only
the query is stemmed, never the stored text. A stem keeps at least MIN_STEM_LENGTH letters, so
short words are left whole.
"""

MIN_STEM_LENGTH = 4

# Longest first, so "ings" is cut before "s".
ENGLISH_SUFFIXES = sorted(
    [
        "ations", "ation", "ments", "ment", "ings", "ing", "edly", "ies", "ied", "ed", "es",
        "s", "ly", "ers", "er",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
RUSSIAN_SUFFIXES = sorted(
    [
        "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "иях", "ах",
        "ях", "ов", "ев", "ей", "ой", "ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ам", "ям",
        "ом", "ем", "ую", "юю", "ия", "ть", "а", "я", "ы", "и", "у", "ю", "е", "о", "ь",
    ],
    key=len,
    reverse=True,
)  # fmt: skip


def stem(word):
    """The word without its inflection: "Sentences" -> "sentenc", "активистов" -> "активист"."""
    lowered = word.lower()
    is_cyrillic = any("\u0400" <= char <= "\u04ff" for char in lowered)
    for suffix in RUSSIAN_SUFFIXES if is_cyrillic else ENGLISH_SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= MIN_STEM_LENGTH:
            return lowered[: -len(suffix)]
    return lowered
