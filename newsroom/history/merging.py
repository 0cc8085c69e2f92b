"""Edits that lose nothing: who else has a record open, and the three-way merge of a save
that follows a refused one."""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core import serializers
from django.http import QueryDict

# Edits that lose nothing ------------------------------------------------------------------
# Who else has a record open (kept in the cache, shared by every app server when REDIS_URL is
# set), and the save after a refused one: a three-way merge of the snapshot the editor opened,
# what they posted and the database now, so that their changes go on top of the other editor's.
from newsroom.history.diffs import comparable, row_key


def edit_presence_window():
    """How long an opening or a save of a record is mentioned to the next editor who opens it."""
    return datetime.timedelta(minutes=getattr(settings, "NEWSROOM_EDIT_PRESENCE_MINUTES", 10))


def presence_cache_key(model, pk):
    return f"newsroom.history.opened:{model._meta.label_lower}:{pk}"


def user_display_name(user):
    return user.get_full_name() or user.get_username()


def snapshot_digest(rows):
    """A fingerprint of a snapshot: whether the record changed again since a refusal."""
    text = json.dumps(sorted(rows.values(), key=row_key), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class OpenedForm:
    """What a posted change form was opened on, read from its edit token."""

    version: int | None  # the record's latest history entry then
    rows: dict  # the snapshot, {key: row}
    seen: str = ""  # after a refused save: the digest of the snapshot the refusal showed
    # Inline rows' text fields that are not model fields (a defendant's sentence typed as
    # text...), as the form showed them: {"app.model:pk": {field name: text}}.
    texts: dict = field(default_factory=dict)


@dataclass
class EditState:
    opened: OpenedForm
    current: dict  # the snapshot in the database now


def deserialized(row):
    """The (unsaved) instance and the many-to-many pks that a snapshot row describes."""
    item = next(serializers.deserialize("python", [row], ignorenonexistent=True))
    return item.object, item.m2m_data


def merge_unchanged_fields(instance, opened_fields, current):
    """Give `instance` (holding what the editor posted) the current value of every editable
    field they left as it was when they opened the form; the fields they changed keep theirs.
    `opened_fields` are the serialized values they opened, `current` the record as it is now."""
    for model_field in instance._meta.concrete_fields:
        name = model_field.name
        if not model_field.editable or model_field.primary_key or name not in opened_fields:
            continue
        posted = comparable(model_field, model_field.value_from_object(instance))
        if posted == comparable(model_field, opened_fields[name]):
            setattr(instance, model_field.attname, getattr(current, model_field.attname))


def merged_links(opened, posted, current):
    """Many-to-many links: the current ones, plus those the editor added, minus those they
    removed (pks as strings)."""
    opened, posted, current = ({str(pk) for pk in pks or []} for pks in (opened, posted, current))
    return (current | (posted - opened)) - (opened - posted)


def changed_form_fields(form):
    """The names of a bound form's fields whose posted value differs from its initial one, as
    Django's form.changed_data, except that line breaks sent as \\r\\n count as \\n."""
    changed = []
    for name, form_field in form.fields.items():
        initial, data = form[name].initial, form[name].data
        if isinstance(initial, str):
            initial = initial.replace("\r\n", "\n")
        if isinstance(data, str):
            data = data.replace("\r\n", "\n")
        if form_field.has_changed(initial, data):
            changed.append(name)
    return changed


def text_key(instance):
    return f"{instance._meta.label_lower}:{instance.pk}"


def is_text_outside_model(form, name):
    """A form field that is not a model field and holds text (a sentence typed as text)."""
    model_fields = {f.name for f in form._meta.model._meta.get_fields()}
    return name not in model_fields and isinstance(form[name].initial, str)


def inline_form_texts(formsets):
    """The texts of the inline rows' fields that are not model fields, as the form shows them:
    {"app.model:pk": {field name: text}}."""
    texts = {}
    for formset in formsets:
        for row_form in formset.initial_forms:
            if row_form.instance.pk is None:
                continue
            shown = {
                name: row_form[name].initial
                for name in row_form.fields
                if is_text_outside_model(row_form, name)
            }
            if shown:
                texts[text_key(row_form.instance)] = shown
    return texts


def keep_current_texts(row_form, opened_texts):
    """On a merged save: a text field outside the model that the editor left as they opened
    it is posted again as it is now, so the row's form sees it unchanged and does not write
    the related rows back as they were (a sentence someone else changed since)."""
    for name, opened in opened_texts.get(text_key(row_form.instance), {}).items():
        if name not in row_form.fields or not is_text_outside_model(row_form, name):
            continue
        posted = row_form[name].data
        if isinstance(posted, str) and posted.replace("\r\n", "\n").strip() == opened.strip():
            if not getattr(row_form.data, "_mutable", True):
                row_form.data = row_form.data.copy()
            row_form.data[row_form.add_prefix(name)] = row_form[name].initial


def merging_formset(formset_class, request):
    """The inline formset class, whose row forms on a merged save (request._edit_merge) keep
    the current texts the editor did not change (keep_current_texts)."""

    class MergingFormSet(formset_class):
        def _construct_form(self, i, **kwargs):
            row_form = super()._construct_form(i, **kwargs)
            merge = getattr(request, "_edit_merge", None)
            if merge is not None and row_form.instance.pk is not None:
                keep_current_texts(row_form, merge.opened.texts)
            return row_form

    MergingFormSet.__name__ = formset_class.__name__
    return MergingFormSet


def renumbered_rows(data, prefix, order, initial_count, new_rows, pk_name):
    """Posted form data with the rows of the formset `prefix` taken in `order` (their old
    numbers) and numbered again from 0; rows not in `order` are left out. The first
    `initial_count` are existing rows; `new_rows` (old numbers) lose their pk, so the formset
    creates them again. Keys of inlines nested in a row move with it."""
    row_field = re.compile(rf"{re.escape(prefix)}-(\d+)-(.+)")
    new_number = {old: new for new, old in enumerate(order)}
    renumbered = QueryDict(mutable=True)
    for key, values in data.lists():
        match = row_field.fullmatch(key)
        if match is None:
            renumbered.setlist(key, values)
        elif int(match[1]) in new_number:
            renumbered.setlist(f"{prefix}-{new_number[int(match[1])]}-{match[2]}", values)
    for old in new_rows:
        renumbered[f"{prefix}-{new_number[old]}-{pk_name}"] = ""
    renumbered[f"{prefix}-INITIAL_FORMS"] = str(initial_count)
    renumbered[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    return renumbered
