"""Restoring a version: the roles hold for every row the restore would write."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from reversion.errors import RevertError
from reversion.models import Version

from newsroom.history.diffs import link_rows, revision_rows, row_key, version_row
from newsroom.history.registry import STORY_LINKS
from newsroom.workflow import can_publish


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


def current_row(model, pk):
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
            end = current_row(end_model, end_pk)
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
        end = current_row(end_model, end_pk)
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
            row = RestoredRow(model, pk, after=current_row(model, pk))
            row.public_after, row.may_restore = _state_rules(request, registry, row, row.after)
            rows[(model, pk)] = row
        transaction.set_rollback(True, using=using)
    for row in rows.values():
        row.before = current_row(row.model, row.pk)
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
