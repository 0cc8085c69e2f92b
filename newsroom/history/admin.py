"""HistoryAdmin: the base class of every ModelAdmin of the three apps (see the package
docstring for what it adds)."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.forms.models import _get_foreign_key
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from newsroom.history.deletion import delete_selected_naming_references, references_to
from newsroom.history.diffs import (
    compare_rows,
    editable_field_names,
    row_key,
    row_labels,
    serialize_rows,
    version_changes,
)
from newsroom.history.merging import (
    EditState,
    OpenedForm,
    changed_form_fields,
    comparable,
    deserialized,
    edit_presence_window,
    inline_form_texts,
    merge_unchanged_fields,
    merged_links,
    merging_formset,
    presence_cache_key,
    renumbered_rows,
    snapshot_digest,
    user_display_name,
)
from newsroom.history.restore import (
    check_restore_permission,
    current_row,
    links_added_since,
    others_in_revision,
    restore_message,
)
from people.models import (
    Person,
)

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
            "title": gettext("Changes to %(record)s") % {"record": version.object_repr},
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
            return [gettext("This form is out of date. Open the record again to edit it.")]
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
            who = revision.user.get_username() if revision.user else gettext("someone")
            when = date_format(localtime(revision.date_created), "DATETIME_FORMAT")
            comment = revision.get_comment()
            values = {"who": who, "when": when, "comment": comment}
            errors.append(
                gettext("Saved by %(who)s on %(when)s (%(comment)s)") % values
                if comment
                else gettext("Saved by %(who)s on %(when)s.") % values
            )
        if not newer:
            errors.append(
                gettext("The change was made outside the admin, so it has no history entry.")
            )
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
            photos_before = Person.objects.filter(pk__in=restored_people).photos_on_public_pages()
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
                        Person.withdraw_photos_no_longer_public(photos_before)
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
            obj = current_row(model, other.object_id)
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
