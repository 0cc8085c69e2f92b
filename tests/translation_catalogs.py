"""A translation catalog written by a test, so that a test can read a page in another language
before the project has its own: the GNU .mo format that Django's gettext reads."""

import struct

RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def in_context(context, msgid):
    """The catalog key of a message with a context (pgettext): the context, EOT, the message."""
    return f"{context}\x04{msgid}"


def write_catalog(locale_dir, language, messages, plural_forms):
    """Write locale_dir/<language>/LC_MESSAGES/django.mo. messages: {msgid: msgstr} and, for a
    plural, {(singular, plural): [one form per plural form]}."""
    header = f"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: {plural_forms}\n"
    entries = [(b"", header.encode())]
    for msgid, msgstr in messages.items():
        key = "\x00".join(msgid) if isinstance(msgid, tuple) else msgid
        value = "\x00".join(msgstr) if isinstance(msgstr, list) else msgstr
        entries.append((key.encode(), value.encode()))
    entries.sort()
    # Header, then the tables of (length, offset) of the originals and of the translations
    # (no hash table), then the strings, each ending in NUL.
    originals_at = 7 * 4
    translations_at = originals_at + 8 * len(entries)
    strings_at = translations_at + 8 * len(entries)
    strings, originals, translations = b"", [], []
    for table, index in ((originals, 0), (translations, 1)):
        for entry in entries:
            table.append(struct.pack("<2I", len(entry[index]), strings_at + len(strings)))
            strings += entry[index] + b"\x00"
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(entries), originals_at, translations_at, 0, strings_at
    )
    directory = locale_dir / language / "LC_MESSAGES"
    directory.mkdir(parents=True)
    (directory / "django.mo").write_bytes(header + b"".join(originals + translations) + strings)
