from django.contrib import admin
from django.db.models import Count

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.admin_tools import InlineBase, PreloadedAutocompleteMixin
from newsroom.history import HistoryAdmin
from newsroom.workflow import PublicViaParentMixin, PublishActionsMixin


@admin.register(Charge)
class ChargeAdmin(HistoryAdmin):
    list_display = ["description", "article", "legal_code", "country"]
    list_filter = ["country"]
    search_fields = ["description", "article", "legal_code"]


class DefendantInline(InlineBase):
    model = Defendant
    fields = ["position", "person", "verdict", "in_absentia", "plea", "release_date"]
    autocomplete_fields = ["person"]
    show_change_link = True
    verbose_name_plural = "defendants (open one to edit its sentence and charges)"

    def get_queryset(self, request):
        # Each row's label names its case.
        return super().get_queryset(request).select_related("case")


class CaseEventInline(InlineBase):
    model = CaseEvent
    fields = ["kind", "date", "description", "defendant", "organization", "source"]
    autocomplete_fields = ["defendant", "organization", "source"]


@admin.register(Case)
class CaseAdmin(PublishActionsMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_field = "is_published"
    list_display = [
        "title",
        "status",
        "country",
        "city",
        "verdict_date",
        "defendant_count",
        "is_published",
    ]
    list_filter = ["is_published", "status", "hearing_format", "country"]
    search_fields = ["title", "city", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["court", "organizations", "sources", "stories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DefendantInline, CaseEventInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "is_published"]}),
        (
            "Trial",
            {
                "fields": [
                    "court",
                    "city",
                    "country",
                    "hearing_format",
                    "verdict_date",
                    "reported_defendant_count",
                ]
            },
        ),
        ("About", {"fields": ["summary", "organizations", "sources", "stories"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(defendant_count=Count("defendants"))

    @admin.display(description="defendants", ordering="defendant_count")
    def defendant_count(self, case):
        return case.defendant_count


class SentencePartInline(admin.TabularInline):
    model = SentencePart
    extra = 1
    fields = [
        "kind",
        "term_min_months",
        "term_max_months",
        "hours_per_year",
        "fine_amount",
        "fine_currency",
        "conditions",
    ]


class DefendantChargeInline(InlineBase):
    model = DefendantCharge
    fields = ["charge", "outcome"]
    autocomplete_fields = ["charge"]
    extra = 1


@admin.register(Defendant)
class DefendantAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Case
    parent_public_flags = ["case.is_published"]
    list_display = ["person", "case", "verdict", "in_absentia", "sentence"]
    list_filter = ["verdict", "in_absentia", "sentence_parts__kind"]
    search_fields = ["person__name", "person__alternate_names__name", "case__title"]
    autocomplete_fields = ["case", "person", "source"]
    inlines = [SentencePartInline, DefendantChargeInline]
    fields = [
        "case",
        "person",
        "position",
        "verdict",
        "in_absentia",
        "plea",
        "release_date",
        "notes",
        "source",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sentence_parts")

    @admin.display(description="sentence")
    def sentence(self, defendant):
        return defendant.sentence_summary() or "—"


@admin.register(SentencePart)
class SentencePartAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Case
    parent_public_flags = ["defendant.case.is_published"]
    list_display = ["defendant", "kind", "term_min_months", "term_max_months", "hours_per_year"]
    list_filter = ["kind"]
    list_select_related = ["defendant__person", "defendant__case"]
    search_fields = ["defendant__person__name", "defendant__case__title", "conditions"]
    autocomplete_fields = ["defendant"]


@admin.register(DefendantCharge)
class DefendantChargeAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Case
    parent_public_flags = ["defendant.case.is_published"]
    list_display = ["defendant", "charge", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["defendant__person", "defendant__case", "charge"]
    search_fields = ["defendant__person__name", "charge__description", "charge__article"]
    autocomplete_fields = ["defendant", "charge"]


@admin.register(CaseEvent)
class CaseEventAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Case
    parent_public_flags = ["case.is_published"]
    list_display = ["case", "kind", "date", "organization"]
    list_filter = ["kind"]
    list_select_related = ["case", "organization"]
    search_fields = ["case__title", "description"]
    autocomplete_fields = ["case", "defendant", "organization", "source"]
