from django.contrib import admin

from cases.models import Case
from newsroom.admin_tools import InlineBase
from newsroom.history import HistoryAdmin
from newsroom.models import Article, Correction, Source
from newsroom.workflow import EditorsOnlyMixin, StoryWorkflowMixin
from people.models import Organization, Person


class CorrectionInline(EditorsOnlyMixin, admin.StackedInline):
    publish_model = Article
    model = Correction
    extra = 0


class StoryPersonInline(InlineBase):
    model = Person.stories.through
    autocomplete_fields = ["person"]
    verbose_name = "person in this story"
    verbose_name_plural = "people in this story"


class StoryOrganizationInline(InlineBase):
    model = Organization.stories.through
    autocomplete_fields = ["organization"]
    verbose_name = "organization in this story"
    verbose_name_plural = "organizations in this story"


class StoryCaseInline(InlineBase):
    model = Case.stories.through
    autocomplete_fields = ["case"]
    verbose_name = "case in this story"
    verbose_name_plural = "cases in this story"


@admin.register(Article)
class ArticleAdmin(StoryWorkflowMixin, HistoryAdmin):
    list_display = ["headline", "status", "publish_at", "byline", "updated_at"]
    list_filter = ["status"]
    search_fields = ["headline", "standfirst", "byline", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "publish_at"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [StoryPersonInline, StoryOrganizationInline, StoryCaseInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "dateline", "byline", "body"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        ("Publication", {"fields": ["status", "publish_at"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
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
