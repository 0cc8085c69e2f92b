"""CSV, JSON and XLSX writers of a table's rows, row by row: memory stays flat however many rows.

CSV and JSON are generators of bytes for a StreamingHttpResponse; XLSX is written by openpyxl in
write-only mode to a temporary file, which a FileResponse then sends.
"""

import csv
import decimal
import io
import json
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Text that a spreadsheet would run as a formula (or that starts a field with a control
# character) is written with a leading apostrophe, as spreadsheets themselves do.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written before the CSV and JSON writers hand a piece of the file to the response.
ROWS_PER_PIECE = 200


def neutralised(text):
    """Text that cannot run as a formula in a spreadsheet (OWASP's "CSV injection")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value):
    """A value as CSV text: numbers as numbers (a negative number stays a number), booleans as
    true and false, text neutralised against formulas, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    return neutralised(str(value))


def values_of(table, row, links):
    return [column.value(row, links) for column in table.columns]


def csv_pieces(table, records, links):
    """The CSV file (UTF-8, no byte-order mark, a header row) as pieces of bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for count, row in enumerate(table.rows(records), start=1):
        writer.writerow([csv_cell(value) for value in values_of(table, row, links)])
        if count % ROWS_PER_PIECE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_value(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_pieces(table, records, links, about):
    """The JSON file: {"name", "title", ..., "rows": [{column: value}, ...]}, as pieces of
    bytes; `about` gives the fields before the rows (licence, data dictionary address...)."""
    head = json.dumps({"name": table.name, **about}, ensure_ascii=False)
    yield (head[:-1] + ', "rows": [').encode()
    names = [column.name for column in table.columns]
    pieces = []
    for count, row in enumerate(table.rows(records)):
        values = [json_value(value) for value in values_of(table, row, links)]
        prefix = ",\n" if count else "\n"
        pieces.append(
            prefix + json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False)
        )
        if len(pieces) == ROWS_PER_PIECE:
            yield "".join(pieces).encode()
            pieces = []
    yield ("".join(pieces) + "\n]}\n").encode()


def xlsx_cell(sheet, value):
    """A cell whose text is always text: openpyxl would make "=..." a formula and "#N/A" an
    error; characters XML cannot hold are dropped."""
    if isinstance(value, decimal.Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_file(table, records, links):
    """The XLSX file in a temporary file (deleted when closed), at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name)
    sheet.append([column.name for column in table.columns])
    for row in table.rows(records):
        sheet.append([xlsx_cell(sheet, value) for value in values_of(table, row, links)])
    # Not a `with` block: the FileResponse sends the file and then closes (and so deletes) it.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
