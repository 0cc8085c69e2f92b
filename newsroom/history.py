"""Revision history, no lost updates and safe deletion for the editors' admin.

django-reversion keeps every admin save as a revision (who, when, comment, and the serialized
rows). It was chosen over django-simple-history because it stores every model in one generic
Version table (simple-history needs a history table and a migration per model), because its
`follow` makes a save with inlines one revision that holds the inline rows too, and because it
ships the admin's revert and recover views.

`HistoryAdmin` is the base class of every ModelAdmin of the three apps. It adds:
- the history page with a "changes" link per version, and a diff view (field by field, labels
  as editors know them) against the version before;
- restore, through reversion's revert view ("history" → pick a date → save);
- no lost updates: the change form carries a signed snapshot of the record (its editable
  fields, many-to-many links and inline rows) as it was when opened; a save whose snapshot no
  longer matches the database is refused with what the other editor changed, and the form keeps
  the editor's input;
- safe deletion: stories and cases that still refer to a record are listed by title on the
  delete confirmation (single and bulk), and protected references refuse the delete.
"""

import difflib
import json
from dataclasses import dataclass, field

import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core import serializers, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.signals import post_migrate
from django.forms.models import _get_foreign_key
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import _get_options

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import Article, Correction, Source
from newsroom.partial_dates import PartialDateField
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
)

# What each revision holds besides the record itself: the rows edited inline on its admin page.
# Saving a case with its defendants inline, or a defendant with its sentence parts, makes one
# revision with all of them, and restoring it brings them all back.
FOLLOW = {
    Article: ["corrections"],
    Correction: [],
    Source: [],
    Person: ["alternate_names", "memberships"],
    PersonName: [],
    Organization: ["alternate_names", "designations", "memberships"],
    OrganizationName: [],
    Membership: [],
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


@dataclass
class RowChange:
    """What changed in one row: the record itself, or a row edited inline with it."""

    label: str
    action: str  # "changed", "added" or "removed"
    fields: list = field(default_factory=list)


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
            changes.append(RowChange(label, "added"))
            continue
        if new is None:
            changes.append(RowChange(label, "removed"))
            continue
        old = old or {"fields": {}}  # The record's first version: every value is new.
        fields = [
            field_change(
                model, field_name, old["fields"].get(field_name), new["fields"].get(field_name)
            )
            for field_name in editable_field_names(model)
            if normalise(old["fields"].get(field_name)) != normalise(new["fields"].get(field_name))
        ]
        if fields:
            changes.append(RowChange(label, "changed", fields))
    return changes


LONG_TEXT = 300


def field_change(model, field_name, old, new):
    model_field = model._meta.get_field(field_name)
    label = capfirst(model_field.verbose_name)
    if isinstance(model_field, models.TextField) and old and new and len(old + new) > LONG_TEXT:
        # A story body: only the paragraphs that changed, not the whole text twice.
        lines = list(difflib.ndiff(old.splitlines(), new.splitlines()))
        removed = [line[2:] for line in lines if line.startswith("- ")]
        added = [line[2:] for line in lines if line.startswith("+ ")]
        return FieldChange(
            f"{label} (changed paragraphs only)",
            "\n".join(removed) or "(nothing removed)",
            "\n".join(added) or "(nothing added)",
        )
    return FieldChange(
        label, describe_value(model, field_name, old), describe_value(model, field_name, new)
    )


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


def normalise(value):
    # Many-to-many lists come back in database order; a missing value, "" and [] all mean empty.
    if value in (None, "", []):
        return None
    return sorted(value, key=str) if isinstance(value, list) else value


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

    def make_edit_token(self, request, obj):
        latest = Version.objects.get_for_object(obj).values_list("pk", flat=True).first()
        snapshot = self.edit_snapshot(request, obj)
        return signing.dumps(
            {"version": latest, "rows": list(snapshot.values())},
            salt=EDIT_TOKEN_SALT,
            compress=True,
        )

    def read_edit_token(self, token):
        """The snapshot in a token, or None when the token was altered or is not one of ours."""
        try:
            data = signing.loads(token, salt=EDIT_TOKEN_SALT)
            return data.get("version"), {row_key(row): row for row in data["rows"]}
        except (signing.BadSignature, AttributeError, KeyError, TypeError, ValueError):
            return None

    def edit_conflict(self, request, obj):
        """Error messages when the record changed since the editor opened it, else []."""
        token = request.POST.get(EDIT_TOKEN_FIELD)
        if not token:
            return []  # Saves from scripts and older forms are not checked.
        # Lock the row until this save commits, so two saves cannot both pass the check.
        list(self.model._default_manager.select_for_update().filter(pk=obj.pk).values("pk"))
        opened = self.read_edit_token(token)
        if opened is None:
            return ["This form is out of date. Open the record again to edit it."]
        opened_version, opened_rows = opened
        current_rows = self.edit_snapshot(request, obj)
        if current_rows == opened_rows:
            return []
        request._edit_conflict = True
        messages = [
            "Someone else saved this record after you opened it, so your changes were not "
            "saved. Your input is kept below: compare it with their changes and save again "
            "to keep yours."
        ]
        newer = Version.objects.get_for_object(obj).select_related("revision__user")
        if opened_version:
            newer = newer.filter(pk__gt=opened_version)
        for version in reversed(newer):
            revision = version.revision
            who = revision.user.get_username() if revision.user else "someone"
            when = date_format(localtime(revision.date_created), "DATETIME_FORMAT")
            comment = revision.get_comment()
            messages.append(f"Saved by {who} on {when}" + (f" ({comment})" if comment else "."))
        if not newer:
            messages.append("The change was made outside the admin, so it has no history entry.")
        main_key = (self.model._meta.label_lower, str(obj.pk))
        labels = row_labels(
            key for key in current_rows if opened_rows.get(key) != current_rows[key]
        )
        labels[main_key] = str(obj)
        for change in compare_rows(opened_rows, current_rows, main_key, labels):
            prefix = "" if change.label == labels.get(main_key) else f"{change.label}: "
            if change.action != "changed":
                messages.append(f"{prefix}{change.action}.")
            for field_change in change.fields:
                before = Truncator(field_change.before).chars(200)
                after = Truncator(field_change.after).chars(200)
                messages.append(f"{prefix}{field_change.label}: “{before}” → “{after}”")
        return messages

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk is not None:
            posted = request.POST.get(EDIT_TOKEN_FIELD) if request.method == "POST" else None
            # After a refused save the editor has seen the other changes: the next save may
            # overwrite them. After any other form error the snapshot they opened still holds.
            if posted and not getattr(request, "_edit_conflict", False):
                context["edit_token"] = posted
            else:
                context["edit_token"] = self.make_edit_token(request, obj)
            context["edit_token_field"] = EDIT_TOKEN_FIELD
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version: reversion's revert, plus the record's links of that time.

        Reversion brings back the link rows a revision holds but does not remove links added
        since (they have no relation it can follow), so they are removed here first. Opening the
        form only previews the restore: everything is rolled back unless the editor saves.
        """
        with transaction.atomic(using=router.db_for_write(self.model)):
            version = get_object_or_404(
                Version.objects.get_for_object_reference(self.model, unquote(object_id)),
                pk=version_id,
            )
            remove_links_added_since(version, self.model)
            response = super().revision_view(request, object_id, version_id, extra_context)
            if not (request.method == "POST" and response.status_code == 302):
                transaction.set_rollback(True, using=router.db_for_write(self.model))
        return response

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


def remove_links_added_since(version, model):
    """Delete the record's link rows (a story's people...) that `version` did not have.

    Only for link tables the version holds rows of for this record: a revision saved without
    its links (by a publish action, say) says nothing about them, and then nothing is removed.
    """
    rows = {}
    for other in version.revision.version_set.all():
        row = version_row(other)
        rows[row_key(row)] = row
    held = {}
    for label, pk in link_rows(rows, model, version.object_id):
        held.setdefault(label, []).append(pk)
    for through in STORY_LINKS:
        if through._meta.label_lower not in held:
            continue
        for link_field in through._meta.concrete_fields:
            if link_field.many_to_one and link_field.related_model is model:
                current = through._default_manager.filter(**{link_field.name: version.object_id})
                current.exclude(pk__in=held[through._meta.label_lower]).delete()


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
