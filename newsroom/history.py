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
"""

import datetime
import difflib
import hashlib
import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core import serializers, signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_delete
from django.forms.models import _get_foreign_key
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import Article, Correction, Page, Source
from newsroom.partial_dates import PartialDateField
from newsroom.workflow import can_publish
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    Recognition,
)

# What each revision holds besides the record itself: the rows edited inline on its admin page.
# Saving a case with its defendants inline, or a defendant with its sentence parts, makes one
# revision with all of them, and restoring it brings them all back.
FOLLOW = {
    Article: ["corrections"],
    Correction: [],
    Source: [],
    Page: [],
    Person: ["alternate_names", "memberships", "recognitions"],
    PersonName: [],
    Organization: ["alternate_names", "designations", "memberships"],
    OrganizationName: [],
    Membership: [],
    Recognition: [],
    Designation: [],
    Case: ["defendants", "events"],
    Charge: [],
    Defendant: ["sentence_parts", "defendantcharge_set"],
    DefendantCharge: [],
    SentencePart: [],
    CaseEvent: [],
}

# The links between a story and the people, organizations and cases in it, edited inline on
# the story's page. A link row has no reverse accessor to follow, so HistoryAdmin.save_related
# adds the story's links to each revision of the story.
STORY_LINKS = [Person.stories.through, Organization.stories.through, Case.stories.through]

for _model, _follow in [*FOLLOW.items(), *((link, []) for link in STORY_LINKS)]:
    if not reversion.is_registered(_model):
        reversion.register(_model, follow=_follow)


def create_link_content_types(using=DEFAULT_DB_ALIAS, **kwargs):
    """Content types of the link tables, which Django creates only on first use.

    Created on first use inside a save that is then rolled back, the id would stay in
    ContentType's cache and every later revision would point to a missing row.
    """
    ContentType.objects.db_manager(using).get_for_models(*STORY_LINKS, for_concrete_models=False)


post_migrate.connect(create_link_content_types, dispatch_uid="newsroom.history.link_types")

# A record's links from these are named on its delete confirmation: stories and cases.
REFERRING_MODELS = (Article, Case)


# Snapshots and their differences ---------------------------------------------------------


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
        return "(empty)"
    if model_field.many_to_many:
        related = model_field.related_model._default_manager.filter(pk__in=raw)
        return ", ".join(sorted(str(obj) for obj in related)) or "(empty)"
    if model_field.many_to_one or model_field.one_to_one:
        related = model_field.related_model._default_manager.filter(pk=raw).first()
        return str(related) if related else f"(deleted record {raw})"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.BooleanField):
        return "yes" if raw else "no"
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
            label = f"{name} “{labels[key]}”"
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
            return f"{capfirst(link_field.related_model._meta.verbose_name)} “{value}”"
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


# Edits that lose nothing ------------------------------------------------------------------
# Who else has a record open (kept in the cache, shared by every app server when REDIS_URL is
# set), and the save after a refused one: a three-way merge of the snapshot the editor opened,
# what they posted and the database now, so that their changes go on top of the other editor's.


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


# The admin --------------------------------------------------------------------------------

EDIT_TOKEN_FIELD = "_edit_token"
EDIT_TOKEN_SALT = "newsroom.history.edit-token"


class HistoryAdmin(VersionAdmin):
    """Revisions, diffs, restore, no lost updates and safe deletion (see the module docstring)."""

    history_latest_first = True
    object_history_template = "admin/history/object_history.html"
    change_form_template = "admin/history/change_form.html"
    delete_confirmation_template = "admin/history/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/history/delete_selected_confirmation.html"
    revision_form_template = "admin/history/revision_form.html"
    recover_form_template = "admin/history/recover_form.html"

    # History and diff ---------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.version_changes_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_changes",
            ),
            *super().get_urls(),
        ]

    def url_name(self, view):
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        versions = self._reversion_order_version_queryset(
            request,
            Version.objects.get_for_object_reference(self.model, object_id).select_related(
                "revision__user"
            ),
        )
        action_list = [
            {
                "revision": version.revision,
                "url": reverse(self.url_name("revision"), args=(quote(object_id), version.pk)),
                "changes_url": reverse(
                    self.url_name("changes"), args=(quote(object_id), version.pk)
                ),
            }
            for version in versions
        ]
        context = {"action_list": action_list, **(extra_context or {})}
        return admin.ModelAdmin.history_view(self, request, quote(object_id), context)

    def version_changes_view(self, request, object_id, version_id):
        """One version against the one before it, field by field."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        version = get_object_or_404(
            Version.objects.get_for_object_reference(self.model, object_id).select_related(
                "revision__user"
            ),
            pk=version_id,
        )
        previous, changes = version_changes(version, self.model)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to {version.object_repr}",
            "subtitle": None,
            "opts": self.opts,
            "object_id": object_id,
            "object_repr": version.object_repr,
            "version": version,
            "previous": previous,
            "changes": changes,
            "history_url": reverse(self.url_name("history"), args=(quote(object_id),)),
            "restore_url": reverse(self.url_name("revision"), args=(quote(object_id), version.pk)),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/history/version_changes.html", context)

    # No lost updates ----------------------------------------------------------------------

    def edit_snapshot(self, request, obj):
        """The record as an editor sees it on its change form: editable fields, links, inlines."""
        current = self.model._default_manager.get(pk=obj.pk)
        rows = serialize_rows([current])
        rows[0]["fields"] = {
            name: value
            for name, value in rows[0]["fields"].items()
            if name in editable_field_names(self.model)
        }
        for inline in self.get_inline_instances(request, obj):
            foreign_key = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            inline_rows = inline.get_queryset(request).filter(**{foreign_key.name: obj.pk})
            rows += serialize_rows(inline_rows.order_by("pk"))
        return {row_key(row): row for row in rows}

    def make_edit_token(self, request, obj, refused=None, inline_formsets=()):
        """The signed token the change form carries: the record as it is now (and the texts of
        `inline_formsets` that are not model fields); or, after a refused save (`refused`, an
        EditState), what the editor first opened plus the fingerprint of what the refusal
        showed them, so that saving again is merged."""
        if refused is not None:
            data = {
                "version": refused.opened.version,
                "rows": list(refused.opened.rows.values()),
                "seen": snapshot_digest(refused.current),
                "texts": refused.opened.texts,
            }
        else:
            latest = Version.objects.get_for_object(obj).values_list("pk", flat=True).first()
            data = {
                "version": latest,
                "rows": list(self.edit_snapshot(request, obj).values()),
                "texts": inline_form_texts(inline_formsets),
            }
        return signing.dumps(data, salt=EDIT_TOKEN_SALT, compress=True)

    def read_edit_token(self, token):
        """The OpenedForm in a token, or None when the token was altered or is not one of ours."""
        try:
            data = signing.loads(token, salt=EDIT_TOKEN_SALT)
            rows = {row_key(row): row for row in data["rows"]}
            texts = data.get("texts") or {}
            if not isinstance(texts, dict):
                raise TypeError
            return OpenedForm(data.get("version"), rows, str(data.get("seen") or ""), texts)
        except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError):
            return None

    def opened_form(self, request):
        """What the posted form was opened on (its token, read once per request), or None."""
        if not hasattr(request, "_edit_opened"):
            token = request.POST.get(EDIT_TOKEN_FIELD) if request.method == "POST" else None
            request._edit_opened = self.read_edit_token(token) if token else None
        return request._edit_opened

    def edit_conflict(self, request, obj):
        """Error messages when the record changed since the editor opened it, else [].

        The first such save is refused, with what changed (conflict_changes). Saving again,
        when nothing changed since the refusal, merges instead (request._edit_merge, applied
        by save_form and save_formset): the fields and rows the editor changed on top of the
        current version.
        """
        token = request.POST.get(EDIT_TOKEN_FIELD)
        if not token:
            return []  # Saves from scripts and older forms are not checked.
        # Lock the row until this save commits, so two saves cannot both pass the check.
        list(self.model._default_manager.select_for_update().filter(pk=obj.pk).values("pk"))
        opened = self.opened_form(request)
        if opened is None:
            return ["This form is out of date. Open the record again to edit it."]
        current_rows = self.edit_snapshot(request, obj)
        if current_rows == opened.rows:
            return []
        state = EditState(opened, current_rows)
        if opened.seen and opened.seen == snapshot_digest(current_rows):
            request._edit_merge = state
            return []
        request._edit_conflict = state
        errors = [
            gettext(
                "Someone else saved this record after you opened it, so your changes were not "
                "saved. Their changes are listed below, and your input is kept in the form under "
                "them. Save again to apply your changes on top of theirs: the fields you did not "
                "change keep their new values."
            )
        ]
        newer = Version.objects.get_for_object(obj).select_related("revision__user")
        if opened.version:
            newer = newer.filter(pk__gt=opened.version)
        for version in reversed(newer):
            revision = version.revision
            who = revision.user.get_username() if revision.user else "someone"
            when = date_format(localtime(revision.date_created), "DATETIME_FORMAT")
            comment = revision.get_comment()
            errors.append(f"Saved by {who} on {when}" + (f" ({comment})" if comment else "."))
        if not newer:
            errors.append("The change was made outside the admin, so it has no history entry.")
        return errors

    def conflict_changes(self, request, obj, refused, context):
        """What the other editors changed since this editor opened the form (RowChanges), with
        the fields this editor changed too, to another value, flagged (`yours_too`)."""
        opened, current = refused.opened.rows, refused.current
        main_key = (self.model._meta.label_lower, str(obj.pk))
        labels = row_labels(key for key in current if opened.get(key) != current[key])
        labels[main_key] = str(obj)
        changes = compare_rows(opened, current, main_key, labels)
        posted = {main_key: context["adminform"].form.instance}
        deleted = set()
        for inline_admin_formset in context.get("inline_admin_formsets", []):
            for row_form in inline_admin_formset.formset.initial_forms:
                if row_form.instance.pk is None:
                    continue
                key = (row_form.instance._meta.label_lower, str(row_form.instance.pk))
                posted[key] = row_form.instance
                if getattr(row_form, "cleaned_data", {}).get("DELETE"):
                    deleted.add(key)
        revived = getattr(request, "_edit_revived", set())
        for change in changes:
            if change.action == "removed":
                change.note = (
                    gettext("You changed this row: saving again adds it back.")
                    if change.key in revived
                    else gettext("It is no longer in your form either.")
                )
            elif change.key in deleted:
                change.note = gettext("You deleted this row: saving again deletes it.")
            instance = posted.get(change.key)
            for field_change in change.fields if instance is not None else []:
                model_field = instance._meta.get_field(field_change.name)
                if model_field.many_to_many:
                    continue  # Both editors' links are kept: nothing to choose.
                yours = comparable(model_field, model_field.value_from_object(instance))
                field_change.yours_too = yours not in (
                    comparable(model_field, opened[change.key]["fields"].get(field_change.name)),
                    comparable(model_field, current[change.key]["fields"].get(field_change.name)),
                )
        return changes

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.pk is None or request.method != "POST":
            return form_class
        model_admin = self

        class ConflictCheckedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                conflict = model_admin.edit_conflict(request, obj)
                if conflict:
                    raise ValidationError([ValidationError(message) for message in conflict])
                return cleaned_data

        ConflictCheckedForm.__name__ = form_class.__name__
        return ConflictCheckedForm

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield merging_formset(formset_class, request), inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "POST" and obj is not None and obj.pk is not None:
            opened = self.opened_form(request)
            if opened is not None:
                kwargs["data"] = self.without_rows_deleted_since(
                    request, obj, inline, prefix, kwargs["data"], opened
                )
        return kwargs

    def without_rows_deleted_since(self, request, obj, inline, prefix, data, opened):
        """The posted rows of an inline without those someone else deleted since the form was
        opened (which the formset would refuse as unknown): left out, or, when this editor
        changed one, sent as a new row so that their work is not lost."""
        model = inline.model
        pk_name = model._meta.pk.name
        try:
            initial = int(data.get(f"{prefix}-INITIAL_FORMS", ""))
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
        except ValueError:
            return data
        if not 0 <= initial <= total <= 2000:  # The formset refuses the rest itself.
            return data
        posted = {}
        for number in range(initial):
            try:
                pk = model._meta.pk.to_python(data.get(f"{prefix}-{number}-{pk_name}"))
            except ValidationError:
                continue
            if pk is not None:
                posted[number] = str(pk)
        if not posted:
            return data
        foreign_key = _get_foreign_key(self.model, model, fk_name=inline.fk_name)
        rows = model._default_manager.filter(**{foreign_key.name: obj.pk})
        still_there = {
            str(pk) for pk in rows.filter(pk__in=posted.values()).values_list("pk", flat=True)
        }
        gone = [number for number, pk in posted.items() if pk not in still_there]
        if not gone:
            return data
        # The row as the editor opened it, in a form made as the formset makes its own.
        formset = inline.get_formset(request, obj)(data, instance=obj, prefix=prefix)
        revived = []
        for number in gone:
            if data.get(f"{prefix}-{number}-DELETE"):
                continue
            row = opened.rows.get((model._meta.label_lower, posted[number]))
            if row is None:
                continue
            as_opened = formset.form(
                data,
                prefix=formset.add_prefix(number),
                instance=deserialized(row)[0],
                **formset.get_form_kwargs(number),
            )
            if changed_form_fields(as_opened):
                revived.append(number)
        request._edit_revived = getattr(request, "_edit_revived", set()) | {
            (model._meta.label_lower, posted[number]) for number in revived
        }
        kept = [number for number in range(initial) if number not in gone]
        order = kept + revived + list(range(initial, total))
        return renumbered_rows(data, prefix, order, len(kept), revived, pk_name)

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        merge = getattr(request, "_edit_merge", None)
        if merge is not None:
            key = (self.model._meta.label_lower, str(obj.pk))
            opened_fields, current_row = merge.opened.rows[key]["fields"], merge.current[key]
            merge_unchanged_fields(obj, opened_fields, deserialized(current_row)[0])
            for name, value in list(form.cleaned_data.items()):
                model_field = next(
                    (f for f in self.opts.many_to_many if f.name == name and f.editable), None
                )
                if model_field is None or value is None:
                    continue
                links = merged_links(
                    opened_fields.get(name),
                    [linked.pk for linked in value],
                    current_row["fields"].get(name),
                )
                form.cleaned_data[name] = model_field.related_model._default_manager.filter(
                    pk__in=links
                )
        return obj

    def save_formset(self, request, form, formset, change):
        merge = getattr(request, "_edit_merge", None)
        if merge is not None:
            deleted = set(formset.deleted_forms)
            for row_form in formset.initial_forms:
                row = row_form.instance
                key = (row._meta.label_lower, str(row.pk))
                if row.pk is None or row_form in deleted or key not in merge.current:
                    continue
                if key in merge.opened.rows:
                    opened_fields = merge.opened.rows[key]["fields"]
                    merge_unchanged_fields(row, opened_fields, deserialized(merge.current[key])[0])
        super().save_formset(request, form, formset, change)

    def response_change(self, request, obj):
        if getattr(request, "_edit_merge", None) is not None:
            messages.info(
                request,
                gettext(
                    "Your changes were applied on top of the changes saved since you opened "
                    "the record; the fields and rows you did not change kept their new values."
                ),
            )
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk is not None:
            refused = getattr(request, "_edit_conflict", None)
            posted = request.POST.get(EDIT_TOKEN_FIELD) if request.method == "POST" else None
            # After a refused save the token still holds what the editor opened (to tell the
            # fields they changed) and notes what the refusal showed them. After any other
            # form error the posted token holds.
            if refused is not None:
                context["edit_token"] = self.make_edit_token(request, obj, refused)
                context["edit_conflict"] = self.conflict_changes(request, obj, refused, context)
            elif posted:
                context["edit_token"] = posted
            else:
                formsets = [
                    admin_formset.formset for admin_formset in context["inline_admin_formsets"]
                ]
                context["edit_token"] = self.make_edit_token(request, obj, None, formsets)
            context["edit_token_field"] = EDIT_TOKEN_FIELD
            opening = request.method == "GET" and not (
                context.get("revert") or context.get("recover")
            )
            if opening:
                context["edit_presence"] = self.note_opened(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def note_opened(self, request, obj):
        """Notes that this user opened the record's change form, and returns notices about the
        others who opened or saved it within the presence window, latest first.

        Openings are kept in the cache under the record (a lost update of that entry between
        two openings at the same instant only loses a notice); saves come from the history.
        """
        now = timezone.now()
        window = edit_presence_window()
        key = presence_cache_key(self.model, obj.pk)
        opened = {
            user_pk: (name, at)
            for user_pk, (name, at) in (cache.get(key) or {}).items()
            if now - at < window
        }
        latest = {  # user pk: (what, name, when), their latest opening or save
            user_pk: ("opened", name, at)
            for user_pk, (name, at) in opened.items()
            if user_pk != request.user.pk
        }
        saves = (
            Version.objects.get_for_object(obj)
            .filter(revision__date_created__gte=now - window)
            .exclude(revision__user=request.user)
            .select_related("revision__user")
        )
        for version in saves:  # Latest first.
            user = version.revision.user
            user_pk = user.pk if user else None
            when = version.revision.date_created
            if user_pk not in latest or latest[user_pk][2] <= when:
                name = user_display_name(user) if user else gettext("someone")
                latest[user_pk] = ("saved", name, when)
        if self.has_change_permission(request, obj):
            opened[request.user.pk] = (user_display_name(request.user), now)
            cache.set(key, opened, timeout=int(window.total_seconds()))
        notices = []
        for what, name, when in sorted(latest.values(), key=lambda event: event[2], reverse=True):
            minutes = int((now - when).total_seconds() // 60)
            if what == "opened" and minutes < 1:
                notices.append(
                    gettext("%(name)s opened this record less than a minute ago.") % {"name": name}
                )
            elif what == "opened":
                notices.append(
                    ngettext(
                        "%(name)s opened this record %(count)d minute ago.",
                        "%(name)s opened this record %(count)d minutes ago.",
                        minutes,
                    )
                    % {"name": name, "count": minutes}
                )
            elif minutes < 1:
                notices.append(
                    gettext("Saved by %(name)s less than a minute ago.") % {"name": name}
                )
            else:
                notices.append(
                    ngettext(
                        "Saved by %(name)s %(count)d minute ago.",
                        "Saved by %(name)s %(count)d minutes ago.",
                        minutes,
                    )
                    % {"name": name, "count": minutes}
                )
        return notices

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version: reversion's revert, plus the record's links of that time.

        Reversion brings back the link rows a revision holds but does not remove links added
        since (they have no relation it can follow), so they are removed here first. Opening the
        form only previews the restore: everything is rolled back unless the editor saves.
        Only a version of this record is found here, and the user must be allowed to write
        every row the restore would write (check_restore_permission), even to preview it.
        """
        with transaction.atomic(using=router.db_for_write(self.model)):
            version = get_object_or_404(
                Version.objects.get_for_object_reference(
                    self.model, unquote(object_id)
                ).select_related("revision"),
                pk=version_id,
            )
            stale_links = links_added_since(version, self.model)
            context = {
                "also_restored": others_in_revision(version, self.model),
                **(extra_context or {}),
            }
            return self.restore_version(
                request,
                version,
                lambda: super(HistoryAdmin, self).revision_view(
                    request, object_id, version_id, context
                ),
                stale_links,
            )

    def recover_view(self, request, version_id, extra_context=None):
        """Bring back a deleted record: only from a version of this admin's model, and only
        when the user may write every row the restore would write."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            version = get_object_or_404(
                Version.objects.get_for_model(self.model).select_related("revision"),
                pk=version_id,
            )
            context = {
                "also_restored": others_in_revision(version, self.model),
                **(extra_context or {}),
            }
            return self.restore_version(
                request,
                version,
                lambda: super(HistoryAdmin, self).recover_view(request, version_id, context),
            )

    def restore_version(self, request, version, reversion_view, stale_links=()):
        """Run reversion's revert view for `version` if the roles allow it, and record it.

        A saved restore is one new revision (by the user, "Restored the version of ...")
        holding every row it brought back, with a log entry for each record; anything else
        (the preview, a refusal, a failed revert) is rolled back.
        """
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            check_restore_permission(request, self.admin_site, version.revision, stale_links)
            # The revert writes rows directly, past Person.save(): photos that public pages
            # show now are checked again after it.
            restored_people = [
                other.object_id
                for other in version.revision.version_set.all()
                if other._model is Person
            ]
            published_photos = Person.objects.filter(pk__in=restored_people).published_photos()
            request._restoring_version = version
            restored = False
            try:
                # Rows the revert saves join this revision, not only the record's form save.
                with self.create_revision(request):
                    for links in stale_links:
                        links.delete()
                    response = reversion_view()
                    restored = request.method == "POST" and getattr(request, "_restored", False)
                    if restored:
                        Person.withdraw_photos_no_longer_public(published_photos)
                        self.log_restored_rows(request, version)
                        reversion.set_comment(restore_message(version))
            finally:
                del request._restoring_version
            if not restored:
                transaction.set_rollback(True, using=using)
        return response

    def log_restored_rows(self, request, version):
        """A log entry for each other record the restore brought back (a bulk save's)."""
        registry = self.admin_site._registry
        main = (self.model, str(version.object_id))
        for other in version.revision.version_set.all():
            model = other._model
            model_admin = registry.get(model)
            if model_admin is None or (model, str(other.object_id)) == main:
                continue
            obj = _current(model, other.object_id)
            if obj is not None:
                model_admin.log_change(request, obj, restore_message(version))

    def log_change(self, request, obj, message):
        # The form save of a restore: its log entry says what was restored.
        version = getattr(request, "_restoring_version", None)
        if version is not None:
            message = restore_message(version)
            request._restored = True
        return super().log_change(request, obj, message)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not reversion.is_active():
            return
        # Every link of the record edited inline (a story's people...), changed or not, so
        # that each revision holds the full list and the diff sees additions and removals.
        for formset in formsets:
            if formset.model._meta.auto_created:
                links = formset.model._default_manager.filter(**{formset.fk.name: form.instance})
                for link in links:
                    reversion.add_to_revision(link)

    # Safe deletion ------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_naming_references, name, description)
        return actions

    def render_delete_form(self, request, context):
        obj = context.get("object")
        if obj is not None:
            context["references"] = references_to([obj])
        return super().render_delete_form(request, context)


def links_added_since(version, model):
    """The record's link rows (a story's people...) that `version` did not have, as querysets.

    Only for link tables the version holds rows of for this record: a revision saved without
    its links (by a publish action, say) says nothing about them, and then nothing is listed.
    """
    rows = {}
    for other in version.revision.version_set.all():
        row = version_row(other)
        rows[row_key(row)] = row
    held = {}
    for label, pk in link_rows(rows, model, version.object_id):
        held.setdefault(label, []).append(pk)
    added = []
    for through in STORY_LINKS:
        if through._meta.label_lower not in held:
            continue
        for link_field in through._meta.concrete_fields:
            if link_field.many_to_one and link_field.related_model is model:
                current = through._default_manager.filter(**{link_field.name: version.object_id})
                added.append(current.exclude(pk__in=held[through._meta.label_lower]))
    return added


def remove_links_added_since(version, model):
    """Delete the record's link rows that `version` did not have (see links_added_since)."""
    for links in links_added_since(version, model):
        links.delete()


# Restore: the roles hold for every row a restore writes -----------------------------------
#
# Reversion's revert writes the whole revision a version belongs to: every record saved in
# that save (all the stories of a bulk action), the rows it follows, and it deletes the rows
# added since. So the restore is tried first in a savepoint that is rolled back, recording
# every row it saves or deletes, and each of them is checked with its own model's admin.


class _RowWrites:
    """The rows saved or deleted in this thread while `recording()`: {(model, pk): None}."""

    def __init__(self):
        self.thread = threading.get_ident()
        self.keys = {}

    def _add(self, model, pk):
        if threading.get_ident() == self.thread and pk is not None:
            self.keys[(model._meta.concrete_model, str(pk))] = None

    def _saved_or_deleted(self, sender, instance, **kwargs):
        self._add(type(instance), instance.pk)

    def _links_changed(self, sender, instance, action, reverse, model, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if reverse:  # The rows of `model` own the many-to-many field that changed.
            for pk in pk_set or ():
                self._add(model, pk)
        else:
            self._add(type(instance), instance.pk)

    @contextmanager
    def recording(self):
        # A receiver for every sender also stops fast deletes, so cascades are seen row by row.
        uid = f"newsroom.history.row-writes.{id(self)}"
        receivers = [
            (post_save, self._saved_or_deleted),
            (pre_delete, self._saved_or_deleted),
            (m2m_changed, self._links_changed),
        ]
        for signal, receiver in receivers:
            signal.connect(receiver, weak=False, dispatch_uid=uid)
        try:
            yield self
        finally:
            for signal, _ in receivers:
                signal.disconnect(dispatch_uid=uid)


@dataclass
class RestoredRow:
    """One row a restore writes, as it is now (`before`) and as it would be (`after`)."""

    model: type
    pk: str
    before: object = None
    after: object = None
    public_before: bool = False
    public_after: bool = False
    may_restore: bool = True  # The admin's own restore rule, on both states.


def _current(model, pk):
    return model._default_manager.filter(pk=pk).first()


def _publish_model(model_admin):
    get_publish_model = getattr(model_admin, "get_publish_model", None)
    return (get_publish_model and get_publish_model()) or model_admin.model


def _is_public(model_admin, obj):
    # An admin that cannot tell is taken as showing the row: only publishers may then write it.
    is_public = getattr(model_admin, "is_public", None)
    return True if is_public is None else bool(is_public(obj))


def _link_ends(registry, link):
    """[(admin or None, model, pk)] of the records a link row joins (a story and a person)."""
    return [
        (
            registry.get(link_field.related_model),
            link_field.related_model,
            link_field.value_from_object(link),
        )
        for link_field in type(link)._meta.concrete_fields
        if link_field.many_to_one
    ]


def _state_rules(request, registry, row, obj):
    """(is public, may be restored) of `row` in the state `obj` (the database as it is now)."""
    if obj is None:
        return False, True
    model_admin = registry.get(row.model)
    if model_admin is not None:
        has_restore_permission = getattr(model_admin, "has_restore_permission", None)
        may_restore = has_restore_permission is None or has_restore_permission(request, obj)
        return _is_public(model_admin, obj), may_restore
    if row.model._meta.auto_created:
        # A link is public when readers see both records it joins.
        public = True
        for end_admin, end_model, end_pk in _link_ends(registry, obj):
            end = _current(end_model, end_pk)
            public = public and end is not None and end_admin is not None
            public = public and _is_public(end_admin, end)
        return public, True
    return True, False


def _may_write_link(request, registry, row):
    """A link row (a story's person...) is part of the records it joins: its writer needs the
    change permission of one of them (as through the inline of that record's page), and the
    publish permission of each when the link is public before or after."""
    ends = _link_ends(registry, row.before or row.after)
    if any(end_admin is None for end_admin, _, _ in ends):
        return request.user.is_superuser
    may_change_an_end = False
    for end_admin, end_model, end_pk in ends:
        end = _current(end_model, end_pk)
        if end is None:
            may_change = end_admin.has_add_permission(request)
        else:
            has_restore_permission = getattr(end_admin, "has_restore_permission", None)
            may_change = end_admin.has_change_permission(request, end) and (
                has_restore_permission is None or has_restore_permission(request, end)
            )
        may_change_an_end = may_change_an_end or may_change
    if not may_change_an_end:
        return False
    if row.public_before or row.public_after:
        return all(can_publish(request.user, _publish_model(end)) for end, _, _ in ends)
    return True


def _may_write(request, registry, row):
    model_admin = registry.get(row.model)
    if model_admin is None:
        if row.model._meta.auto_created:
            return _may_write_link(request, registry, row)
        return request.user.is_superuser  # A model the admin does not show: no rules to apply.
    if row.before is None and row.after is None:
        return True
    if row.before is None:
        allowed = model_admin.has_add_permission(request)
    elif row.after is None:
        allowed = model_admin.has_delete_permission(request, row.before)
    else:
        allowed = model_admin.has_change_permission(request, row.before)
    if not (allowed and row.may_restore):
        return False
    if row.public_before or row.public_after:
        return can_publish(request.user, _publish_model(model_admin))
    return True


def restored_rows(request, admin_site, revision, stale_links=()):
    """Every row restoring `revision` would save or delete, with its state before and after.

    The restore runs in a savepoint that is always rolled back: first deleting `stale_links`
    (querysets, as the revision view does), then reverting the revision as reversion does.
    Returns None when the revert fails: the real one then fails too and changes nothing.
    """
    registry = admin_site._registry
    using = router.db_for_write(Version)
    rows = {}
    with transaction.atomic(using=using):
        try:
            with _RowWrites().recording() as writes:
                for links in stale_links:
                    links.delete()
                revision.revert(delete=True)
        except (RevertError, models.ProtectedError, models.RestrictedError):
            transaction.set_rollback(True, using=using)
            return None
        for model, pk in writes.keys:
            row = RestoredRow(model, pk, after=_current(model, pk))
            row.public_after, row.may_restore = _state_rules(request, registry, row, row.after)
            rows[(model, pk)] = row
        transaction.set_rollback(True, using=using)
    for row in rows.values():
        row.before = _current(row.model, row.pk)
        public_before, may_restore_before = _state_rules(request, registry, row, row.before)
        row.public_before = public_before
        row.may_restore = row.may_restore and may_restore_before
    return list(rows.values())


def check_restore_permission(request, admin_site, revision, stale_links=()):
    """Refuse (PermissionDenied) a restore the user may not make in full.

    Each row the restore would save or delete is checked with its own model's admin in
    `admin_site` (so a newly registered model is covered): the change permission (add for a
    row that no longer exists, delete for one the restore removes) and the admin's
    `has_restore_permission`; a row that is public now or would be after the restore also
    needs the publish permission of its admin's publish model.
    """
    rows = restored_rows(request, admin_site, revision, stale_links)
    for row in rows or ():
        if not _may_write(request, admin_site._registry, row):
            raise PermissionDenied(
                gettext("You may not restore this version: it would change %(record)s.")
                % {"record": f"{row.model._meta.verbose_name} {row.pk}"}
            )


def others_in_revision(version, model):
    """The other records saved in the same revision as `version` (the other stories of a bulk
    action), which restoring it brings back too: ["story “Title”", ...]. The record's own
    inline rows and links are left out."""
    own, _ = revision_rows(version, model)
    others = []
    for other in version.revision.version_set.select_related("content_type"):
        other_model = other.content_type.model_class()
        key = (other.content_type.app_label + "." + other.content_type.model, other.object_id)
        if other_model is None or other_model._meta.auto_created or key in own:
            continue
        others.append(f"{other_model._meta.verbose_name} “{other.object_repr}”")
    return sorted(others)


def restore_message(version):
    """The history line and log entry of a restore."""
    when = date_format(localtime(version.revision.date_created), "DATETIME_FORMAT")
    return gettext("Restored the version of %(date)s.") % {"date": when}


def references_to(objs):
    """Stories and cases that link to any of `objs`: [(record, [(kind, title), ...]), ...]."""
    objs = list(objs)
    if not objs:
        return []
    model = type(objs[0])
    found = {obj.pk: [] for obj in objs}
    for relation in model._meta.get_fields():
        if not relation.many_to_many or relation.related_model not in REFERRING_MODELS:
            continue
        m2m = relation if relation.concrete else relation.field
        through = m2m.remote_field.through
        if relation.concrete:  # obj.stories: the through row points to obj and to the story.
            own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        else:  # case.organizations seen from the organization.
            own, other = m2m.m2m_reverse_field_name(), m2m.m2m_field_name()
        links = through._default_manager.filter(**{f"{own}__in": found}).select_related(other)
        kind = relation.related_model._meta.verbose_name
        for link in links:
            found[getattr(link, f"{own}_id")].append((kind, str(getattr(link, other))))
    return [(obj, sorted(found[obj.pk])) for obj in objs if found[obj.pk]]


def delete_selected_naming_references(modeladmin, request, queryset):
    """Django's bulk delete, whose confirmation also names the stories and cases linked."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data["references"] = references_to(queryset)
    return response


delete_selected_naming_references.allowed_permissions = ("delete",)
