"""Who may make things public: the editorial roles, enforced in the admin on the server.

Reporters write and edit drafts of stories and records and submit stories for review. Only users
with a model's publish permission (editors) publish, schedule, unpublish and correct. Hiding a
field is not enough, since a form can be tampered with, so the rules hold in three places:
the form (the publication fields are read-only and "Published" is not a choice), the change
permission (what readers can see already is read-only for reporters), and save_model (a save
that would leave the object public is refused).
"""

import json
import logging
import smtplib
from functools import partial

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.forms import HiddenInput
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy, ngettext
from reversion.models import Version

from newsroom.models import REVIEW_SUBMISSION_LOG

logger = logging.getLogger(__name__)

# How the admin log records a person or organization added in a "+" pop-up (see
# NotPublicFromPopupMixin): such a record becomes public with the first public record linking it.
POPUP_ADDITION_LOG = "Added in a pop-up: not public until a public record links to it."


def can_publish(user, model):
    """Whether the user holds the model's publish permission (`publish_<model name>`)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def editors_to_notify(model, exclude=None):
    """Active users with an email address who hold the model's publish permission through a
    group (Editor, Managing editor) or their own, but not `exclude` (who made the change)."""
    opts = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"publish_{opts.model_name}"
    )
    editors = (
        get_user_model()
        ._default_manager.filter(
            Q(groups__permissions__in=permission) | Q(user_permissions__in=permission),
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return editors.exclude(pk=exclude.pk) if exclude is not None else editors


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

    def has_restore_permission(self, request, obj):
        """Whether the user may bring `obj` back to an older version, on top of the change
        and publish rules (newsroom.history.restore.check_restore_permission applies both)."""
        return True

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
        if public:
            text = ngettext("%(count)d published.", "%(count)d published.", changed)
        else:
            text = ngettext("%(count)d unpublished.", "%(count)d unpublished.", changed)
        self.message_user(request, text % {"count": changed}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Publish selected %(verbose_name_plural)s"),
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        self.set_public(request, queryset, True)

    @admin.action(
        description=gettext_lazy("Unpublish selected %(verbose_name_plural)s"),
        permissions=["publish"],
    )
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


class ShownPubliclyMixin(PublishPermissionMixin):
    """For records with no public flag of their own that public pages show through others (a
    source cited on a published case, a charge held by a public defendant).

    The model's QuerySet method `shown_publicly()` says which rows readers can see; once a row
    is among them, only the publishers of `publish_model` may change or delete it.
    """

    def is_public(self, obj):
        if obj.pk is None:
            return False
        return self.model._default_manager.shown_publicly().filter(pk=obj.pk).exists()


def is_popup(request):
    """Whether the admin form is a "+" (or pencil) pop-up opened from another record's form."""
    return IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET


class NotPublicFromPopupMixin:
    """People and organizations created in a "+" pop-up start not public; the pop-up does not
    offer the public flag.

    A pop-up saves at once, whatever becomes of the form that opened it: when a case form then
    failed, the people made public in its pop-ups stayed public, nameless and linked to nothing.
    Now the admin log records the addition as made in a pop-up (POPUP_ADDITION_LOG), and such a
    record becomes public when an editor saves a public record that links to it
    (PublishLinkedRecordsMixin), or when an editor publishes it.
    """

    publish_field = None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_popup(request):
            return fieldsets

        def without_flag(fields):
            return [
                without_flag(f) if isinstance(f, list | tuple) else f
                for f in fields
                if f != self.publish_field
            ]

        return [
            (name, {**options, "fields": without_flag(options["fields"])})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if not change and is_popup(request):
            setattr(obj, self.publish_field, False)
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        if is_popup(request):
            message = POPUP_ADDITION_LOG
        return super().log_addition(request, obj, message)


def added_in_popup_never_public(queryset):
    """The records of `queryset` added in a pop-up (their admin log says so) that were never
    public: none of the versions in their history has the public flag on. One that an editor
    published and then took back down stays down."""
    opts = queryset.model._meta
    record = Cast(OuterRef("pk"), CharField())
    of_model = {"content_type__app_label": opts.app_label, "content_type__model": opts.model_name}
    popup_additions = LogEntry.objects.filter(
        **of_model, object_id=record, action_flag=ADDITION, change_message=POPUP_ADDITION_LOG
    )
    # Versions hold the record as Django's JSON serializer writes it.
    public_versions = Version.objects.filter(
        **of_model, object_id=record, serialized_data__contains='"is_public": true'
    )
    return queryset.filter(Exists(popup_additions), ~Exists(public_versions))


class PublishLinkedRecordsMixin:
    """An editor's save of a public record makes public the people and organizations it links to
    (a published case's defendants and court, a public organization's members, a published
    story's people...) that were added in a "+" pop-up and never public, in the same save.
    A record someone added in its own form, or took down, stays as its editors left it.

    Explicitly in the admin's save path (after the inline rows are saved), not in a signal: only
    a save by someone who holds the linked model's publish permission publishes anyone.
    `publish_linked` maps a model label to lookups from that model to the record saved, e.g.
    `{"people.Person": ["defendants__case"]}`; the linked models have an `is_public` flag.
    Only the flag changes: a withheld name stays withheld (public pages say "name withheld").
    """

    publish_linked = {}

    def linked_records_to_publish(self, request, obj):
        for label, lookups in self.publish_linked.items():
            model = apps.get_model(label)
            if not can_publish(request.user, model):
                continue
            links = Q()
            for lookup in lookups:
                links |= Q(**{lookup: obj})
            linked = model._default_manager.filter(links, is_public=False).distinct()
            yield from added_in_popup_never_public(linked)

    def publish_linked_records(self, request, obj):
        if not self.is_public(obj):
            return []
        published = list(self.linked_records_to_publish(request, obj))
        for record in published:
            record.is_public = True
            record.save()  # One save per record, so update times and history are kept.
            # ModelAdmin's log_change, not reversion's: the revision keeps the record's comment.
            admin.ModelAdmin.log_change(
                self, request, record, f"Published: linked from {obj._meta.verbose_name} {obj}."
            )
        if published:
            self.message_user(
                request,
                gettext("Also made public, because “%(record)s” links to them: %(names)s.")
                % {
                    "record": obj,
                    "names": get_text_list([str(record) for record in published], gettext("and")),
                },
                messages.INFO,
            )
        return published

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.publish_linked_records(request, form.instance)

    def set_public(self, request, queryset, public):
        # The "Publish selected" action of PublishActionsMixin.
        super().set_public(request, queryset, public)
        if public:
            for obj in queryset:
                self.publish_linked_records(request, obj)


class StoryWorkflowMixin(PublishLinkedRecordsMixin, PublishPermissionMixin):
    """Stories: reporters save drafts and submit them for review; editors save, publish now,
    schedule and unpublish.

    Each step is a named submit button of the story form (plain buttons, so it all works without
    JavaScript), not a status list: the status is a hidden field that keeps the story's status on
    a plain save, and the button posted sets it. The roles hold on the server whatever is posted:
    an editor's button from anyone else is refused (403), "Published" is not a valid status for
    them, and save_model refuses a save that would leave the story public. Submitting a story for
    review emails the editors once the save is committed.
    """

    publication_fields = ["publish_at"]
    actions = ["publish_selected", "unpublish_selected"]
    publish_linked = {"people.Person": ["stories"], "people.Organization": ["stories"]}
    # Rendered by the buttons' row (templates/admin/newsroom/article/submit_line.html).
    story_form_fields = ["status", "publish_at"]

    # The buttons' names, as the browser posts them.
    SAVE = "_save"
    SAVE_DRAFT = "_save_draft"
    SUBMIT_FOR_REVIEW = "_submit_for_review"
    PUBLISH_NOW = "_publish"
    SCHEDULE = "_schedule"
    UNPUBLISH = "_unpublish"
    STORY_ACTIONS = [SAVE_DRAFT, SUBMIT_FOR_REVIEW, PUBLISH_NOW, SCHEDULE, UNPUBLISH]
    EDITOR_ACTIONS = [PUBLISH_NOW, SCHEDULE, UNPUBLISH]

    def is_public(self, obj):
        # Published or scheduled: either way, readers will see it without anyone's action.
        return obj.status == obj.Status.PUBLISHED

    def has_restore_permission(self, request, obj):
        # Reporters restore only their own drafts (the publish rules keep them to drafts).
        return self.has_publish_permission(request) or (
            obj.created_by_id is not None and obj.created_by_id == request.user.pk
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["widget"] = HiddenInput
            if not self.has_publish_permission(request):
                published = self.model.Status.PUBLISHED
                kwargs["choices"] = [c for c in db_field.choices if c[0] != published]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # The buttons ---------------------------------------------------------------------------

    def story_action(self, request):
        """The story button posted (one of STORY_ACTIONS), or None for a plain save."""
        posted = [name for name in self.STORY_ACTIONS if name in request.POST]
        if len(posted) > 1:
            raise BadRequest("More than one button was posted.")
        return posted[0] if posted else None

    def story_buttons(self, request, obj):
        """[(name, label)] of the buttons the user gets on the story's form, safest first (the
        one Enter presses)."""
        if not self.has_publish_permission(request):
            return [
                (self.SAVE_DRAFT, gettext("Save draft")),
                (self.SUBMIT_FOR_REVIEW, gettext("Submit for review")),
            ]
        buttons = [(self.SAVE, gettext("Save"))]
        public = obj is not None and obj.pk is not None and self.is_public(obj)
        scheduled = public and obj.publish_at is not None and obj.publish_at > timezone.now()
        if not public or scheduled:
            buttons += [
                (self.PUBLISH_NOW, gettext("Publish now")),
                (self.SCHEDULE, gettext("Schedule")),
            ]
        if public:
            buttons.append((self.UNPUBLISH, gettext("Unpublish")))
        return buttons

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and self.story_action(request) in self.EDITOR_ACTIONS
            and not self.has_publish_permission(request)
        ):
            raise PermissionDenied("Only editors may publish, schedule or unpublish.")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        # The status and publish time are shown with the buttons, not in a fieldset.
        return [
            (name, {**options, "fields": fields})
            for name, options in super().get_fieldsets(request, obj)
            if (fields := [f for f in options["fields"] if f not in self.story_form_fields])
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.get("fields")
        if fields is not None:
            missing = [name for name in self.story_form_fields if name not in fields]
            kwargs["fields"] = [*fields, *missing]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        action = self.story_action(request) if request.method == "POST" else None
        if action is None:
            return form_class
        model_admin = self

        class StoryActionForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                model_admin.apply_story_action(action, self, cleaned_data)
                return cleaned_data

        StoryActionForm.__name__ = form_class.__name__
        return StoryActionForm

    def apply_story_action(self, action, form, cleaned_data):
        """Set the status (and publish time) the button asks for, or add a form error."""
        Status = self.model.Status
        now = timezone.now()
        if action in (self.SAVE_DRAFT, self.UNPUBLISH):
            cleaned_data["status"] = Status.DRAFT
        elif action == self.SUBMIT_FOR_REVIEW:
            cleaned_data["status"] = Status.REVIEW
        elif action == self.PUBLISH_NOW:
            cleaned_data["status"] = Status.PUBLISHED
            publish_at = cleaned_data.get("publish_at")
            if publish_at is None or publish_at > now:
                cleaned_data["publish_at"] = now
        elif action == self.SCHEDULE:
            publish_at = cleaned_data.get("publish_at")
            if publish_at is None or publish_at <= now:
                if "publish_at" not in form.errors:
                    form.add_error(
                        "publish_at",
                        gettext("To schedule the story, enter a publish time in the future."),
                    )
            else:
                cleaned_data["status"] = Status.PUBLISHED

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        may_save = self.has_change_permission(request, obj) if change else True
        # Restoring a version (reversion's revert and recover forms) saves it as it was: the
        # version's status, with the plain Save button.
        restoring = bool(context.get("revert") or context.get("recover"))
        context["story_workflow"] = {
            "status": self.status_line(obj),
            "may_save": may_save and not restoring,
            "restoring": restoring,
            "buttons": [] if restoring else self.story_buttons(request, obj),
            "status_field": form["status"] if "status" in form.fields else None,
            "publish_at": form["publish_at"] if "publish_at" in form.fields else None,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def status_line(self, obj):
        """Where the story stands, in words: "In review, submitted by ana on 3 May 2025"."""
        Status = self.model.Status
        if obj is None or obj.pk is None:
            return gettext("New story, not saved yet")
        if obj.status == Status.REVIEW:
            story = self.model._default_manager.in_review().filter(pk=obj.pk).first()
            if story is not None and story.submitted_by:
                return gettext("In review, submitted by %(who)s on %(when)s") % {
                    "who": story.submitted_by,
                    "when": date_format(localtime(story.submitted_at), "DATETIME_FORMAT"),
                }
        if obj.status == Status.PUBLISHED and obj.publish_at is not None:
            when = date_format(localtime(obj.publish_at), "DATETIME_FORMAT")
            if obj.publish_at > timezone.now():
                return gettext("Scheduled for %(when)s") % {"when": when}
            return gettext("Published on %(when)s") % {"when": when}
        return obj.get_status_display()

    # Saving --------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = (
                self.model._default_manager.filter(pk=obj.pk)
                .values_list("status", "publish_at")
                .first()
            )
        if obj.status == obj.Status.PUBLISHED and obj.publish_at is None:
            obj.publish_at = timezone.now()
        super().save_model(request, obj, form, change)
        transition = self.story_transition(before, obj)
        request._story_transition = transition
        if transition and transition[0] == REVIEW_SUBMISSION_LOG:
            editors = list(editors_to_notify(self.model, exclude=request.user))
            request._story_editors_notified = len(editors)
            if editors:
                transaction.on_commit(partial(self.notify_editors, request, obj, editors))

    def story_transition(self, before, story):
        """(what the admin log records, what the user is told) of the step this save took, or
        None when the status stayed as it was."""
        Status = self.model.Status
        was_status, was_publish_at = before or (None, None)
        now = timezone.now()
        if story.status == Status.REVIEW and was_status != Status.REVIEW:
            return REVIEW_SUBMISSION_LOG, gettext("Submitted for review.")
        if story.status == Status.PUBLISHED:
            moved = was_status != Status.PUBLISHED or was_publish_at != story.publish_at
            if story.publish_at > now and moved:
                when = date_format(localtime(story.publish_at), "DATETIME_FORMAT")
                return (
                    f"Scheduled for {story.publish_at.isoformat()}.",
                    gettext("Scheduled: it goes public on %(when)s") % {"when": when},
                )
            if story.publish_at <= now and (
                was_status != Status.PUBLISHED or (was_publish_at and was_publish_at > now)
            ):
                return "Published.", gettext("Published.")
            return None
        if was_status == Status.PUBLISHED:
            return "Unpublished.", gettext("Unpublished: readers no longer see it.")
        if was_status == Status.REVIEW and story.status == Status.DRAFT:
            return "Back to draft.", gettext("Back to draft: it is no longer in review.")
        return None

    def with_story_transition(self, request, message):
        """The admin log message, led by the step the save took ("Submitted for review.")."""
        transition = getattr(request, "_story_transition", None)
        if not transition:
            return message
        if isinstance(message, list):
            message = LogEntry(change_message=json.dumps(message)).get_change_message()
        return f"{transition[0]} {message or ''}".strip()

    def log_addition(self, request, obj, message):
        return super().log_addition(request, obj, self.with_story_transition(request, message))

    def log_change(self, request, obj, message):
        return super().log_change(request, obj, self.with_story_transition(request, message))

    def story_messages(self, request):
        transition = getattr(request, "_story_transition", None)
        if not transition:
            return
        self.message_user(request, transition[1], messages.SUCCESS)
        notified = getattr(request, "_story_editors_notified", None)
        if notified == 0:
            self.message_user(
                request,
                gettext("No editor has an email address to notify: tell them yourself."),
                messages.WARNING,
            )
        elif notified:
            self.message_user(
                request,
                ngettext(
                    "%(count)d editor is notified by email.",
                    "%(count)d editors are notified by email.",
                    notified,
                )
                % {"count": notified},
                messages.INFO,
            )

    def continue_after_draft(self, request):
        # "Save draft" keeps the writer on the story, as "Save and continue editing" does.
        if self.story_action(request) == self.SAVE_DRAFT and not is_popup(request):
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"

    def response_add(self, request, obj, post_url_continue=None):
        self.continue_after_draft(request)
        response = super().response_add(request, obj, post_url_continue)
        self.story_messages(request)  # After Django's "was added successfully".
        return response

    def response_change(self, request, obj):
        self.continue_after_draft(request)
        response = super().response_change(request, obj)
        self.story_messages(request)
        return response

    def notify_editors(self, request, story, editors):
        """Email the editors that the story waits for their review (run once it is saved)."""
        opts = self.model._meta
        change_url = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
        url = request.build_absolute_uri(reverse(change_url, args=[story.pk]))
        # A header may not contain a line break, whatever was posted as a headline.
        headline = " ".join(story.headline.split())
        submitter = request.user.get_full_name() or request.user.get_username()
        subject = gettext("For review: %(headline)s") % {"headline": headline}
        body = gettext(
            "%(submitter)s submitted a story for review:\n\n“%(headline)s”\n\n"
            "Read it, then publish, schedule or return it, here:\n%(url)s\n"
        ) % {"submitter": submitter, "headline": headline, "url": url}
        emails = [EmailMessage(subject, body, to=[editor.email]) for editor in editors]
        try:
            get_connection().send_messages(emails)
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not email the editors about story %s", story.pk)
            self.message_user(
                request,
                gettext("The editors could not be notified by email: tell them yourself."),
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Publish selected stories now"), permissions=["publish"])
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
            self.publish_linked_records(request, story)
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d published.", "%(count)d published.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Unpublish selected stories (back to draft)"),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        changed = 0
        for story in queryset.filter(status=self.model.Status.PUBLISHED):
            story.status = story.Status.DRAFT
            story.save()
            self.log_change(request, story, "Unpublished.")
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d unpublished.", "%(count)d unpublished.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


class EditorsOnlyMixin:
    """Admin for something only publishers touch (corrections to stories): reporters may look
    but not add, change or delete."""

    publish_model = None

    def _may_publish(self, request):
        return can_publish(request.user, self.publish_model)

    def get_publish_model(self):
        return self.publish_model

    def is_public(self, obj):
        # Treated as public whatever the state of the record it belongs to: only publishers
        # touch these, so the answer changes nothing for anyone else.
        return True

    def has_add_permission(self, request, *args):
        return self._may_publish(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_publish(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_publish(request) and super().has_delete_permission(request, obj)
