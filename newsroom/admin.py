from django.contrib import admin
from django.utils.translation import gettext_lazy

from cases.models import Case

# Registers the Users admin that managing editors use (replacing Django's UserAdmin).
from newsroom import accounts_admin  # noqa: F401
from newsroom.admin_tools import DiskFullFormErrorMixin, InlineBase
from newsroom.history import HistoryAdmin
from newsroom.models import Article, Correction, Page, Source
from newsroom.workflow import (
    EditorsOnlyMixin,
    PublishActionsMixin,
    ShownPubliclyMixin,
    StoryWorkflowMixin,
)
from people.models import Organization, Person


class ScheduledFilter(admin.SimpleListFilter):
    """Stories an editor scheduled, not public yet (linked from the admin home page)."""

    title = gettext_lazy("schedule")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("scheduled", gettext_lazy("Scheduled, not public yet"))]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.filter(pk__in=Article.objects.scheduled().values("pk"))
        return queryset


class CorrectionInline(EditorsOnlyMixin, admin.StackedInline):
    publish_model = Article
    model = Correction
    extra = 0


# The rows linking a story to people, organizations and cases belong to Django's auto-created
# through models, which have no class of ours to give a __str__: they printed as
# "Person_stories object (15)" above each linked row of the story form (and in the admin log).
# Each is labelled by the record it links the story to.
STORY_LINK_TARGETS = {
    Person.stories.through: "person",
    Organization.stories.through: "organization",
    Case.stories.through: "case",
}


def story_link_label(link):
    return str(getattr(link, STORY_LINK_TARGETS[type(link)]))


for story_link in STORY_LINK_TARGETS:
    story_link.__str__ = story_link_label


class StoryPersonInline(InlineBase):
    model = Person.stories.through
    autocomplete_fields = ["person"]
    verbose_name = gettext_lazy("person in this story")
    verbose_name_plural = gettext_lazy("people in this story")


class StoryOrganizationInline(InlineBase):
    model = Organization.stories.through
    autocomplete_fields = ["organization"]
    verbose_name = gettext_lazy("organization in this story")
    verbose_name_plural = gettext_lazy("organizations in this story")


class StoryCaseInline(InlineBase):
    model = Case.stories.through
    autocomplete_fields = ["case"]
    verbose_name = gettext_lazy("case in this story")
    verbose_name_plural = gettext_lazy("cases in this story")


@admin.register(Article)
class ArticleAdmin(DiskFullFormErrorMixin, StoryWorkflowMixin, HistoryAdmin):
    list_display = ["headline", "status", "publish_at", "byline", "updated_at"]
    list_filter = ["status", ScheduledFilter]
    # The history forms, with the story's status and publish time above the buttons.
    change_form_template = "admin/newsroom/article/change_form.html"
    revision_form_template = "admin/newsroom/article/revision_form.html"
    recover_form_template = "admin/newsroom/article/recover_form.html"
    search_fields = ["headline", "standfirst", "byline", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "publish_at"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [StoryPersonInline, StoryOrganizationInline, StoryCaseInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "dateline", "byline", "body"]}),
        (
            gettext_lazy("Lead image"),
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        # The status and publish time go with the buttons (StoryWorkflowMixin.story_form_fields).
        (gettext_lazy("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Source)
class SourceAdmin(ShownPubliclyMixin, HistoryAdmin):
    # Cited on published case pages: once shown, only those who publish cases change it.
    publish_model = Case
    list_display = ["title", "publisher", "published_on", "url"]
    search_fields = ["title", "publisher", "url"]
    autocomplete_fields = ["article"]


@admin.register(Correction)
class CorrectionAdmin(EditorsOnlyMixin, HistoryAdmin):
    publish_model = Article
    list_display = ["article", "published_at"]
    list_select_related = ["article"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]


@admin.register(Page)
class PageAdmin(PublishActionsMixin, HistoryAdmin):
    """The site's own pages (/about/): reporters draft, editors publish and correct."""

    publish_field = "is_published"
    list_display = ["title", "slug", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "is_published"]}),
        (gettext_lazy("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
