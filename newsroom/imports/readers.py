"""Files into rows: CSV and JSON with the standard library, XLSX with openpyxl (read-only).

A row is {column: text}, numbered as the editor sees it (the line of a CSV file or the row of a
sheet, counting the header as 1; the position of an object in a JSON array, from 1).
"""

import csv
import io
import json
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class FileError(ValueError):
    """A file that cannot be imported at all; the message is for the editor."""


@dataclass
class Table:
    file_name: str
    columns: list
    rows: list  # [(row number, {column: text})]


FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}


def file_format(file_name):
    extension = os.path.splitext(file_name)[1].lower()
    if extension not in FORMATS:
        raise FileError(_("Import a .csv, .xlsx or .json file."))
    return FORMATS[extension]


def check_size(size):
    limit = settings.NEWSROOM_IMPORT_MAX_BYTES
    if size > limit:
        raise FileError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported. Split it.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
        )


def read_table(file_name, data):
    """The rows of a file given as bytes; FileError when it cannot be read at all."""
    check_size(len(data))
    reader = {"csv": read_csv, "json": read_json, "xlsx": read_xlsx}[file_format(file_name)]
    columns, rows = reader(data)
    if not rows:
        raise FileError(_("The file has no rows to import, only a header (or nothing)."))
    return Table(os.path.basename(file_name), columns, rows)


def read_path(path):
    check_size(os.path.getsize(path))
    with open(path, "rb") as file:
        return read_table(path, file.read())


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        # A date cell: its day, written as ISO (an XLSX date has no precision of its own).
        return value.isoformat()[:10]
    return str(value).strip()


def read_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” (Excel) or with UTF-8 "
                "encoding, and import it again."
            )
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, None)
        if not header:
            return [], []
        columns = [column.strip() for column in header]
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows.append((reader.line_num, dict(zip(columns, map(_text, values), strict=False))))
    except csv.Error as error:
        raise FileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    return columns, rows


def read_json(data):
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileError(_("The file is not UTF-8 text. Save it with UTF-8 encoding.")) from None
    except ValueError as error:
        raise FileError(_("The JSON cannot be read: %(error)s") % {"error": error}) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise FileError(_("The JSON file must be an array of flat objects, one per record."))
    columns = {}
    rows = []
    for number, item in enumerate(items, start=1):
        row = {}
        for key, value in item.items():
            if isinstance(value, dict | list):
                raise FileError(
                    _(
                        "Record %(number)s: “%(key)s” holds a nested value; the objects must be "
                        "flat (write lists as “%(key)s/0”, “%(key)s/1”)."
                    )
                    % {"number": number, "key": key}
                )
            columns.setdefault(str(key), None)
            row[str(key)] = _text(value)
        rows.append((number, row))
    return list(columns), rows


def read_xlsx(data):
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes back as its text ("=HYPERLINK(...)"), never as a
        # value computed by whoever saved the file, so the row check can refuse it.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a bad file
        raise FileError(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if not header:
            return [], []
        columns = [_text(value) for value in header]
        rows = []
        for number, values in enumerate(lines, start=2):
            texts = [_text(value) for value in values]
            if not any(texts):
                continue
            rows.append((number, dict(zip(columns, texts, strict=False))))
    finally:
        workbook.close()
    return columns, rows
