"""Snapshots of records as reversion stores them, and their differences in the words editors
use: field by field, long texts whole with the changed words marked."""

import datetime
import difflib
import json
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext
from reversion.models import Version
from reversion.revisions import _get_options

# Snapshots and their differences ---------------------------------------------------------
from newsroom.partial_dates import PartialDateField


def serialize_rows(rows):
    """Rows as JSON-ready dicts ({"model", "pk", "fields"}), the format reversion stores."""
    return json.loads(serializers.serialize("json", rows))


def row_key(row):
    return (row["model"], str(row["pk"]))


def version_row(version):
    return json.loads(version.serialized_data)[0]


def editable_field_names(model):
    opts = model._meta
    return [f.name for f in [*opts.concrete_fields, *opts.many_to_many] if f.editable]


def model_for_label(label):
    return apps.get_model(label)


def describe_value(model, field_name, raw):
    """A stored field value in the words an editor uses: labels of choices, names of links."""
    model_field = model._meta.get_field(field_name)
    if raw in (None, "", []):
        return gettext("(empty)")
    if model_field.many_to_many:
        related = model_field.related_model._default_manager.filter(pk__in=raw)
        return ", ".join(sorted(str(obj) for obj in related)) or gettext("(empty)")
    if model_field.many_to_one or model_field.one_to_one:
        related = model_field.related_model._default_manager.filter(pk=raw).first()
        return str(related) if related else gettext("(deleted record %(pk)s)") % {"pk": raw}
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.BooleanField):
        return gettext("yes") if raw else gettext("no")
    if isinstance(model_field, PartialDateField):
        return model_field.to_python(raw).display()
    if isinstance(model_field, models.DateTimeField) and parse_datetime(str(raw)):
        return date_format(localtime(parse_datetime(str(raw))), "DATETIME_FORMAT")
    return str(raw)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    # Long or multi-line text: the whole new text with the changed words marked (safe HTML).
    diff: str | None = None
    name: str = ""
    # On a refused save: the editor changed this field too, to another value.
    yours_too: bool = False


@dataclass
class RowChange:
    """What changed in one row: the record itself, or a row edited inline with it."""

    label: str
    action: str  # "changed", "added" or "removed"
    fields: list = field(default_factory=list)
    key: tuple = ()
    is_record: bool = False  # The record itself rather than a row edited inline with it.
    # On a refused save: what saving again will do with this row, when it is not obvious.
    note: str = ""


def compare_rows(before, after, main_key, labels=None):
    """Differences between two snapshots ({key: row}); the record first, then inline rows."""
    labels = labels or {}
    changes = []
    keys = [main_key] + sorted(
        (set(before) | set(after)) - {main_key}, key=lambda key: (key[0], key[1])
    )
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old is None and new is None:
            continue
        model = model_for_label(key[0])
        name = capfirst(model._meta.verbose_name)
        label = labels.get(key) or name
        if model._meta.auto_created:
            label = link_label(model, old or new, main_key)
        elif key != main_key and labels.get(key):
            # Translators: a record in a list of changes, "Person “Aigul Example”".
            label = gettext("%(model)s “%(record)s”") % {"model": name, "record": labels[key]}
        if old is None and key != main_key:
            changes.append(RowChange(label, "added", key=key))
            continue
        if new is None:
            changes.append(RowChange(label, "removed", key=key))
            continue
        old = old or {"fields": {}}  # The record's first version: every value is new.
        fields = [
            field_change(
                model, field_name, old["fields"].get(field_name), new["fields"].get(field_name)
            )
            for field_name in editable_field_names(model)
            if not same_value(model, field_name, old["fields"], new["fields"])
        ]
        if fields:
            changes.append(RowChange(label, "changed", fields, key, key == main_key))
    return changes


# Texts longer than this (both versions together), or of more than one line, are shown whole
# with the changed words marked rather than as "before" → "after".
SHORT_TEXT = 160


def field_change(model, field_name, old, new):
    model_field = model._meta.get_field(field_name)
    label = capfirst(model_field.verbose_name)
    diff = None
    is_text = isinstance(model_field, models.CharField | models.TextField)
    if is_text and not model_field.choices and isinstance(old, str) and isinstance(new, str):
        whole = old + new
        if old and new and (len(whole) > SHORT_TEXT or "\n" in whole):
            diff = word_diff(old, new)
    return FieldChange(
        label,
        describe_value(model, field_name, old),
        describe_value(model, field_name, new),
        diff=diff,
        name=field_name,
    )


# A word with the spaces after it, or the spaces at the start of a line.
WORD = re.compile(r"\S+\s*|\s+")


def word_diff(before, after):
    """`after` whole, HTML-escaped, with the words `before` had and it lost in <del> and the new
    ones in <ins>; line breaks as <br>. Paragraphs are matched first, then words within the
    paragraphs that changed, so a long story body costs little."""
    # Both end with a line break, so that a last line that stayed the same matches.
    before_lines = (before.replace("\r\n", "\n") + "\n").splitlines(keepends=True)
    after_lines = (after.replace("\r\n", "\n") + "\n").splitlines(keepends=True)
    parts = []
    matcher = difflib.SequenceMatcher(None, before_lines, after_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(before_lines[i1:i2]), "".join(after_lines[j1:j2])
        parts.append(escape(old) if op == "equal" else _marked_words(old, new))
    return mark_safe("".join(parts).removesuffix("\n").replace("\n", "<br>"))


def _marked_words(before, after):
    before_words, after_words = WORD.findall(before), WORD.findall(after)
    parts = []
    # Very long paragraphs: common words are not used as anchors, which keeps the match fast.
    long_paragraph = len(before_words) * len(after_words) > 1_000_000
    # Words are matched without the spaces around them; the new text's spacing is shown.
    matcher = difflib.SequenceMatcher(
        None,
        [word.strip() for word in before_words],
        [word.strip() for word in after_words],
        autojunk=long_paragraph,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(before_words[i1:i2]), "".join(after_words[j1:j2])
        if op == "equal":
            parts.append(escape(new))
            continue
        if op == "delete":
            # Removed words go before the spaces that followed the words kept before them.
            kept = parts.pop() if parts else ""
            parts.append(kept.rstrip())
            if kept.rstrip():
                parts.append(" ")
            parts.append(format_html("<del>{}</del>", old.strip()))
            parts.append(kept[len(kept.rstrip()) :] or escape(old[len(old.rstrip()) :]))
            continue
        # Trailing spaces stay outside the marks ("<del>old</del><ins>new</ins> ") when both
        # sides end with the same ones, or when one side is empty.
        old_core, new_core = old.rstrip(), new.rstrip()
        old_tail, new_tail = old[len(old_core) :], new[len(new_core) :]
        tail = ""
        if old_tail == new_tail or not (old and new):
            tail = new_tail if new else old_tail
            old, new = old_core, new_core
        if old:
            parts.append(format_html("<del>{}</del>", old))
        if new:
            parts.append(format_html("<ins>{}</ins>", new))
        parts.append(escape(tail))
    return "".join(parts)


def link_label(through, row, main_key):
    """A link row named by what it links the record to: Person “Aigul Example”."""
    for link_field in through._meta.concrete_fields:
        if link_field.many_to_one and link_field.related_model._meta.label_lower != main_key[0]:
            value = describe_value(through, link_field.name, row["fields"][link_field.name])
            return gettext("%(model)s “%(record)s”") % {
                "model": capfirst(link_field.related_model._meta.verbose_name),
                "record": value,
            }
    return capfirst(through._meta.verbose_name)


def link_rows(rows, model, pk):
    """Rows of many-to-many link tables (a story's people...) that point to the record."""
    linked = {}
    for key, row in rows.items():
        through = model_for_label(key[0])
        if not through._meta.auto_created:
            continue
        for link_field in through._meta.concrete_fields:
            points_to_record = link_field.many_to_one and link_field.related_model is model
            if points_to_record and str(row["fields"].get(link_field.name)) == str(pk):
                linked[key] = row
    return linked


def same_value(model, field_name, old_fields, new_fields):
    """Whether a field is the same in two serialized rows as an editor sees it: many-to-many
    links in any order, a missing value, "" and [] all empty, times to the second."""
    model_field = model._meta.get_field(field_name)
    old, new = old_fields.get(field_name), new_fields.get(field_name)
    return comparable(model_field, old) == comparable(model_field, new)


def followed_rows(rows, model, pk):
    """The record's row and, recursively, the rows its registration follows, from `rows`."""
    bundle = {}
    key = (model._meta.label_lower, str(pk))
    if key not in rows:
        return bundle
    bundle[key] = rows[key]
    relations = {rel.get_accessor_name(): rel for rel in model._meta.related_objects}
    for name in _get_options(model).follow:
        relation = relations[name]
        child_model = relation.related_model
        foreign_key = relation.field.name
        for child_key, row in rows.items():
            if child_key[0] == child_model._meta.label_lower and str(
                row["fields"].get(foreign_key)
            ) == str(pk):
                bundle.update(followed_rows(rows, child_model, child_key[1]))
    return bundle


def row_labels(keys):
    """{key: str(row)} for rows still in the database, one query per model."""
    pks_by_model = {}
    for label, pk in keys:
        pks_by_model.setdefault(label, []).append(pk)
    labels = {}
    for label, pks in pks_by_model.items():
        for pk, obj in model_for_label(label)._default_manager.in_bulk(pks).items():
            labels[(label, str(pk))] = str(obj)
    return labels


def revision_rows(version, model):
    rows = {}
    labels = {}
    for other in version.revision.version_set.all():
        row = version_row(other)
        rows[row_key(row)] = row
        labels[row_key(row)] = other.object_repr
    bundle = followed_rows(rows, model, version.object_id)
    return {**bundle, **link_rows(rows, model, version.object_id)}, labels


def version_changes(version, model):
    """What `version` changed against the version of the same record before it."""
    previous = (
        Version.objects.get_for_object_reference(model, version.object_id)
        .filter(pk__lt=version.pk)
        .select_related("revision")
        .order_by("-pk")
        .first()
    )
    after, labels = revision_rows(version, model)
    before = {}
    if previous is not None:
        before, previous_labels = revision_rows(previous, model)
        labels = {**previous_labels, **labels}
    main_key = (model._meta.label_lower, str(version.object_id))
    return previous, compare_rows(before, after, main_key, labels)


def comparable(model_field, value):
    """A field's value (stored, serialized or posted) as it compares for an editor: empty
    values alike, line breaks as \\n, whole seconds, links by pk, files by name."""
    if isinstance(value, FieldFile):
        value = value.name
    if value is None or value == "" or value == []:
        return None
    if model_field.many_to_many:
        return sorted({str(pk) for pk in value})
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    try:
        value = model_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value
    if isinstance(value, datetime.datetime | datetime.time):
        value = value.replace(microsecond=0)  # Forms show and send whole seconds.
    return value
