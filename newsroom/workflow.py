"""Who may make things public: the editorial roles, enforced in the admin on the server.

Reporters write and edit drafts of stories and records and submit stories for review. Only users
with a model's publish permission (editors) publish, schedule, unpublish and correct. Hiding a
field is not enough, since a form can be tampered with, so the rules hold in three places:
the form (the publication fields are read-only and "Published" is not a choice), the change
permission (what readers can see already is read-only for reporters), and save_model (a save
that would leave the object public is refused).
"""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils import timezone


def can_publish(user, model):
    """Whether the user holds the model's publish permission (`publish_<model name>`)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class PublishPermissionMixin:
    """ModelAdmin mixin for a model whose public state only its publishers may change.

    `publish_model` names the model whose publish permission rules (the model itself, or for
    parts of a record such as defendants, the record they belong to); `publication_fields` are
    read-only for everyone else; `is_public(obj)` tells whether readers can see the object (or
    will, once a scheduled time passes).
    """

    publish_model = None
    publication_fields = []

    def get_publish_model(self):
        return self.publish_model or self.model

    def has_publish_permission(self, request):
        # Also the permission check of the "publish" admin actions.
        return can_publish(request.user, self.get_publish_model())

    def is_public(self, obj):
        raise NotImplementedError

    def get_publication_fields(self):
        return self.publication_fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += [name for name in self.get_publication_fields() if name not in readonly]
        return readonly

    def has_change_permission(self, request, obj=None):
        # What readers can see is corrected by editors only; reporters get it read-only.
        if obj is not None and not self.has_publish_permission(request) and self.is_public(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.has_publish_permission(request) and self.is_public(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The last line of defence: whatever the form let through, a save that would leave the
        # object public needs the publish permission.
        if not self.has_publish_permission(request) and self.is_public(obj):
            raise PermissionDenied("Only editors may publish.")
        super().save_model(request, obj, form, change)


class PublishActionsMixin(PublishPermissionMixin):
    """Adds editors' "Publish" and "Unpublish" actions to a record's changelist.

    `publish_field` is the record's boolean public flag (`is_public`, `is_published`).
    """

    publish_field = None
    actions = ["publish_selected", "unpublish_selected"]

    def is_public(self, obj):
        return bool(getattr(obj, self.publish_field))

    def get_publication_fields(self):
        return [self.publish_field]

    def set_public(self, request, queryset, public):
        changed = 0
        # One save per row (not queryset.update) so update times and history are kept.
        for obj in queryset:
            if self.is_public(obj) == public:
                continue
            setattr(obj, self.publish_field, public)
            obj.save()
            self.log_change(request, obj, "Published." if public else "Unpublished.")
            changed += 1
        word = "published" if public else "unpublished"
        self.message_user(request, f"{changed} {word}.", messages.SUCCESS)

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.set_public(request, queryset, True)

    @admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self.set_public(request, queryset, False)


class PublicViaParentMixin(PublishPermissionMixin):
    """For parts of a record (a defendant, a sentence part, a membership...): once the records
    they belong to are public, only their publishers may change them.

    `parent_public_flags` are dotted paths to the parents' public flags, e.g.
    `["defendant.case.is_published"]`; the part is public when all of them are true.
    """

    parent_public_flags = []

    def is_public(self, obj):
        return all(self._follow(obj, path) for path in self.parent_public_flags)

    @staticmethod
    def _follow(obj, path):
        for name in path.split("."):
            try:
                obj = getattr(obj, name)
            except ObjectDoesNotExist:
                return False
        return bool(obj)


class StoryWorkflowMixin(PublishPermissionMixin):
    """Stories: reporters move drafts to review; editors publish, schedule and unpublish."""

    publication_fields = ["publish_at"]
    actions = ["publish_selected", "unpublish_selected"]

    def is_public(self, obj):
        # Published or scheduled: either way, readers will see it without anyone's action.
        return obj.status == obj.Status.PUBLISHED

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            published = self.model.Status.PUBLISHED
            kwargs["choices"] = [c for c in db_field.choices if c[0] != published]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.status == obj.Status.PUBLISHED and obj.publish_at is None:
            obj.publish_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        changed = 0
        now = timezone.now()
        # Drafts, stories in review and scheduled ones all go public now.
        for story in queryset.exclude(pk__in=self.model.objects.published()):
            story.status = story.Status.PUBLISHED
            if story.publish_at is None or story.publish_at > now:
                story.publish_at = now
            story.save()
            self.log_change(request, story, "Published.")
            changed += 1
        self.message_user(request, f"{changed} published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected stories (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        changed = 0
        for story in queryset.filter(status=self.model.Status.PUBLISHED):
            story.status = story.Status.DRAFT
            story.save()
            self.log_change(request, story, "Unpublished.")
            changed += 1
        self.message_user(request, f"{changed} unpublished.", messages.SUCCESS)


class EditorsOnlyMixin:
    """Admin for something only publishers touch (corrections to stories): reporters may look
    but not add, change or delete."""

    publish_model = None

    def _may_publish(self, request):
        return can_publish(request.user, self.publish_model)

    def has_add_permission(self, request, *args):
        return self._may_publish(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_publish(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_publish(request) and super().has_delete_permission(request, obj)
