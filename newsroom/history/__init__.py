"""Revision history, no lost updates and safe deletion for the editors' admin.

django-reversion keeps every admin save as a revision (who, when, comment, and the serialized
rows). It was chosen over django-simple-history because it stores every model in one generic
Version table (simple-history needs a history table and a migration per model), because its
`follow` makes a save with inlines one revision that holds the inline rows too, and because it
ships the admin's revert and recover views.

`HistoryAdmin` is the base class of every ModelAdmin of the three apps. It adds:
- the history page with a "changes" link per version, and a diff view (field by field, labels
  as editors know them) against the version before;
- restore, through reversion's revert view ("history" → pick a date → save), allowed only when
  the user may write every row the restore would write, with its own model's publish rules
  (check_restore_permission), and recorded as a new revision and log entries;
- no lost updates: the change form carries a signed snapshot of the record (its editable
  fields, many-to-many links and inline rows) as it was when opened; a save whose snapshot no
  longer matches the database is refused with what the other editor changed (whole texts, the
  changed words marked), and the form keeps the editor's input. Saving that form again merges:
  only the fields, links and inline rows the editor changed since opening are applied, on top
  of the other editor's version;
- on opening a record, a notice names whoever else opened or saved it in the last minutes
  (NEWSROOM_EDIT_PRESENCE_MINUTES; openings are kept in the cache);
- safe deletion: stories and cases that still refer to a record are listed by title on the
  delete confirmation (single and bulk), and protected references refuse the delete.

The package: registry.py (what revisions hold), diffs.py (snapshots and differences),
merging.py (presence and merged saves), restore.py (restore permissions), deletion.py
(references named before a delete), admin.py (HistoryAdmin, which uses them all).
"""

# The models reversion records are registered on import, before any admin uses them.
from newsroom.history import registry  # noqa: F401
from newsroom.history.admin import HistoryAdmin
from newsroom.history.diffs import row_key, serialize_rows

__all__ = ["HistoryAdmin", "row_key", "serialize_rows"]
