"""One normalisation of names for search, applied both to what is stored and to what is typed.

A reader who types "Kairat Kylyshev", "Қайрат Қылышев" or "qairat" must find Qairat Qylyshev.
Every spelling is folded to one Latin key: Cyrillic (Russian and Kazakh letters) is
transliterated, diacritics are dropped, and the letters that transliterations disagree on are
merged (q/k, y/i, kh/h, zh/j).
"""

import re
import unicodedata

CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Kazakh letters.
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Ukrainian and Belarusian letters that appear in names of the region.
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u",
}  # fmt: skip

# Latin letters whose diacritic stands for a digraph in other transliterations.
LATIN_DIGRAPHS = {"ş": "sh", "ș": "sh", "ç": "ch", "č": "ch", "š": "sh", "ž": "zh", "ı": "i"}

# Applied in order, after lower-casing and transliteration.
FOLDS = [("kh", "h"), ("zh", "j"), ("q", "k"), ("y", "i")]

# Russian "е" after a vowel is written "ye" by some (Zheksebayev) and "e" by others (Zheksebaev).
VOWEL_GLIDE_RE = re.compile(r"(?<=[aeiou])ie")

NON_ALPHANUMERIC_RE = re.compile(r"[^a-z0-9]+")


def normalise_name(text):
    """Fold any spelling of a name to its search key: "Қайрат Қылышев" -> "kairat kilishev"."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = "".join(CYRILLIC_TO_LATIN.get(char, LATIN_DIGRAPHS.get(char, char)) for char in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    for spelling, key in FOLDS:
        text = text.replace(spelling, key)
    text = VOWEL_GLIDE_RE.sub("e", text)
    return NON_ALPHANUMERIC_RE.sub(" ", text).strip()


def search_terms(query):
    """The normalised words of a query, each of which must match, each once."""
    return list(dict.fromkeys(normalise_name(query).split()))
