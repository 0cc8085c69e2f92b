"""Which column of a file holds which field: read from a JSON or TOML file, or guessed from the
header row (the admin page shows the guess for the editor to correct).

    {"columns": {"name": "Full name", "charges": ["Charge 1", "Charge 2"], ...},
     "country": "KZ", "create_missing_organizations": false}

"charges" and "notes" take several columns; a column named "articles" also takes the keys
"articles/0", "articles/1"... of a JSON file.
"""

import json
import os
import re
import tomllib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.imports.readers import FileError

# The fields a column can hold, in the order the admin form shows them.
FIELDS = {
    "name": gettext_lazy("Name (Latin letters)"),
    "native_name": gettext_lazy("Name in native script"),
    "birth_date": gettext_lazy("Birth date"),
    "gender": gettext_lazy("Gender (kept in the import record only)"),
    "organization": gettext_lazy("Organization"),
    "arrest_date": gettext_lazy("Arrest date"),
    "verdict_date": gettext_lazy("Verdict date"),
    "release_date": gettext_lazy("Release date"),
    "court": gettext_lazy("Court"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "judge": gettext_lazy("Judge"),
    "charges": gettext_lazy("Charges"),
    "sentence": gettext_lazy("Sentence text"),
    "penalty_kind": gettext_lazy("Penalty kind"),
    "sentence_end": gettext_lazy("Sentence end date or word (life, death, detention, unknown)"),
    "status": gettext_lazy("Case status"),
    "source_url": gettext_lazy("Source URL"),
    "photo_url": gettext_lazy("Photo URL (kept in the import record only)"),
    "notes": gettext_lazy("Notes (other columns, kept as “column: value”)"),
}
MULTIPLE = {"charges", "notes"}

# Header words that name each field, compared after lower-casing and dropping punctuation.
GUESSES = {
    "name": ["name", "full name", "person", "prisoner", "name latin", "name en", "имя", "фио"],
    "native_name": ["native name", "name native", "name in native script", "имя по русски",
                    "фио кириллицей", "name ru", "name cyrillic", "original name"],
    "birth_date": ["birth date", "date of birth", "dob", "born", "дата рождения", "birthday"],
    "gender": ["gender", "sex", "пол"],
    "organization": ["organization", "organisation", "movement", "party", "group",
                     "организация", "движение"],
    "arrest_date": ["arrest date", "arrested", "date of arrest", "detained", "дата ареста",
                    "дата задержания"],
    "verdict_date": ["verdict date", "date of verdict", "sentenced on", "дата приговора"],
    "release_date": ["release date", "released", "date of release", "дата освобождения"],
    "court": ["court", "суд"],
    "city": ["city", "place", "town", "город"],
    "country": ["country", "страна"],
    "judge": ["judge", "судья"],
    "charges": ["charges", "charge", "articles", "article", "статьи", "статья", "обвинение"],
    "sentence": ["sentence", "sentence text", "sentence length", "term", "срок", "приговор",
                 "наказание"],
    "penalty_kind": ["penalty kind", "penalty", "kind of penalty", "вид наказания"],
    "sentence_end": ["sentence end", "end of sentence", "sentence ends", "конец срока"],
    "status": ["status", "case status", "статус"],
    "source_url": ["source", "source url", "url", "link", "источник", "ссылка"],
    "photo_url": ["photo", "photo url", "image", "фото"],
}  # fmt: skip

WORDS_RE = re.compile(r"[\W_]+")


def _header_key(text):
    return WORDS_RE.sub(" ", str(text).lower()).strip()


@dataclass
class Mapping:
    columns: dict = field(default_factory=dict)  # field -> column, or [columns] for MULTIPLE
    country: str = ""
    create_missing_organizations: bool = False

    def column_of(self, name):
        return self.columns.get(name) or ([] if name in MULTIPLE else "")

    def values(self, row, name):
        """The text of a field in a row ("" when not mapped); a list for MULTIPLE fields."""
        if name in MULTIPLE:
            return [
                (column, text) for column in self.column_of(name) for text in _take(row, column)
            ]
        column = self.column_of(name)
        return row.get(column, "").strip() if column else ""

    def as_dict(self):
        return {
            "columns": self.columns,
            "country": self.country,
            "create_missing_organizations": self.create_missing_organizations,
        }

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise FileError(_("A mapping is an object with “columns”: {field: column}."))
        columns = {}
        for name, column in data.get("columns", {}).items():
            if name not in FIELDS:
                raise FileError(
                    _("The mapping names an unknown field “%(field)s”; known fields: %(known)s.")
                    % {"field": name, "known": ", ".join(FIELDS)}
                )
            if name in MULTIPLE:
                columns[name] = [column] if isinstance(column, str) else list(column or [])
            elif column:
                columns[name] = str(column)
        return cls(
            columns=columns,
            country=str(data.get("country", "") or "").upper(),
            create_missing_organizations=bool(data.get("create_missing_organizations", False)),
        )

    @classmethod
    def from_file(cls, path):
        try:
            with open(path, "rb") as file:
                content = file.read()
            if os.path.splitext(path)[1].lower() == ".toml":
                data = tomllib.loads(content.decode("utf-8"))
            else:
                data = json.loads(content.decode("utf-8"))
        except (OSError, ValueError) as error:
            raise FileError(_("The mapping cannot be read: %(error)s") % {"error": error}) from None
        return cls.from_dict(data)

    def missing_columns(self, columns):
        """Mapped columns the file does not have."""
        present = set(columns)
        listed = {column.split("/")[0] for column in columns if "/" in column}
        missing = []
        for name, column in self.columns.items():
            for one in column if name in MULTIPLE else [column]:
                if one not in present and one not in listed:
                    missing.append(one)
        return missing


def _take(row, column):
    """The non-empty texts of a column, or of its "column/0", "column/1"... keys in order."""
    if column in row:
        return [row[column].strip()] if row[column].strip() else []
    numbered = []
    for key, text in row.items():
        base, _slash, index = key.partition("/")
        if base == column and index.isdigit() and text.strip():
            numbered.append((int(index), text.strip()))
    return [text for _index, text in sorted(numbered)]


def guess_mapping(columns):
    """The mapping the header suggests: each field takes the first column whose header is one
    of its words ("Date of Birth" -> birth_date); numbered JSON keys count as one column."""
    headers = []
    for column in columns:
        base = column.split("/")[0] if re.fullmatch(r".+/\d+", column) else column
        if base not in headers:
            headers.append(base)
    keys = {header: _header_key(header) for header in headers}
    mapping = Mapping()
    taken = set()
    for name, words in GUESSES.items():
        for header in headers:
            if header in taken or keys[header] not in words:
                continue
            if name in MULTIPLE:
                mapping.columns.setdefault(name, []).append(header)
            else:
                mapping.columns[name] = header
                taken.add(header)
                break
    return mapping
