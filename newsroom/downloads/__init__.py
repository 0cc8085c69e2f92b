"""Open data: the public lists as CSV, XLSX and JSON files, the /data/ page and the Frictionless
data package. The columns of every file are defined once, in tables.py; the writers, the data
dictionary on /data/ and the Table Schemas of datapackage.json are all made from them."""
