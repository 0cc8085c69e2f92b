"""Imports of existing lists of prisoners from CSV, XLSX and JSON files (issue 12).

One importer, two doors (manage.py import_records and the admin's "Import records" page):
readers.py reads a file into rows, mapping.py says which column is which field, rows.py parses a
row's dates, sentence and charges, planning.py matches rows to existing people and decides
create/update/skip with a reason for each, and applying.py writes a plan in one transaction and
one revision, keeping each row's source in an ImportedRecord.
"""
