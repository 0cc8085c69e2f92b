"""One bound on the free text readers type into public pages (search and list filters alike).

Each word of a query is one more condition in SQL, so an unbounded query is a way to stall the
site. Every free-text parameter goes through bound_text(): control characters out (PostgreSQL
refuses NUL), at most MAX_QUERY_LENGTH characters and MAX_WORDS words, and notices that tell
the reader what was used. A word counts as the parts a name splits into (people/names.py:
"Abai-Begimbetov" is two), since each part is matched on its own.
"""

import unicodedata
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext, ngettext

from people.names import normalise_name, search_terms

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8


def clean_query(raw):
    """The text as searched: no control characters, single spaces (a tab is a space)."""
    text = "".join(
        (" " if char.isspace() else "") if unicodedata.category(char) == "Cc" else char
        for char in raw
    )
    return " ".join(text.split())


def name_part_count(word):
    """How many name parts the word splits into, a part repeated counted again: what the bound
    counts is what was typed (search_terms() then matches each part once)."""
    return len(normalise_name(word).split())


def distinct_words(text):
    """The words of the text, each once: a word typed again, in the same or other capitals,
    adds no condition (each word is matched case-insensitively), only work."""
    words = {}
    for word in text.split():
        words.setdefault(word.casefold(), word)
    return list(words.values())


@dataclass(frozen=True)
class BoundedText:
    text: str
    notices: tuple = ()

    @property
    def words(self):
        return distinct_words(self.text)

    @property
    def name_terms(self):
        """The normalised name parts of the text (at most MAX_WORDS, like its words)."""
        return search_terms(self.text)


def bound_text(raw, max_length=MAX_QUERY_LENGTH, max_words=MAX_WORDS):
    """The query as used: cleaned, at most max_length characters and max_words words and name
    parts, with a notice for each cut."""
    text = clean_query(raw or "")
    notices = []
    if len(text) > max_length:
        text = text[:max_length].rstrip()
        notices.append(
            gettext("Your search was too long: only its first %(count)d characters were used.")
            % {"count": max_length}
        )
    kept, parts = [], 0
    for word in text.split():
        word_parts = name_part_count(word)
        if len(kept) < max_words and parts + word_parts <= max_words:
            kept.append(word)
            parts += word_parts
            continue
        if len(kept) < max_words:
            kept.append(_prefix_with_parts(word, max_words - parts))
        text = " ".join(word for word in kept if word)
        notices.append(
            ngettext(
                "Only the first %(count)d word of your search was used: “%(used)s”.",
                "Only the first %(count)d words of your search were used: “%(used)s”.",
                max_words,
            )
            % {"count": max_words, "used": text}
        )
        break
    return BoundedText(text, tuple(notices))


def _prefix_with_parts(word, parts):
    """The longest start of the word that splits into at most `parts` name parts, without
    trailing punctuation ("a-b-c-d", 2 -> "a-b")."""
    if parts <= 0:
        return ""
    end = 0
    for index in range(1, len(word) + 1):
        if name_part_count(word[:index]) > parts:
            break
        end = index
    prefix = word[:end]
    while prefix and not search_terms(prefix[-1]):
        prefix = prefix[:-1]
    return prefix


class FreeTextField(forms.CharField):
    """A form field for free text: cleaned and capped by bound_text(), never refused for its
    length or its control characters."""

    def __init__(self, *, max_length=MAX_QUERY_LENGTH, max_words=MAX_WORDS, **kwargs):
        self.max_words = max_words
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        return bound_text(super().to_python(value), self.max_length, self.max_words).text

    def notices(self, raw):
        """What the reader is told about the text as typed (`raw`) when it was cut."""
        return bound_text(raw, self.max_length, self.max_words).notices
