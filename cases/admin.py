from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.forms import (
    CaseForm,
    DefendantRowForm,
    DefendantRowFormSet,
    EditRights,
    SentencePartForm,
)
from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.admin_tools import InlineBase, PreloadedAutocompleteMixin, StackedInlineBase
from newsroom.history import HistoryAdmin, row_key, serialize_rows
from newsroom.workflow import (
    PublicViaParentMixin,
    PublishActionsMixin,
    PublishLinkedRecordsMixin,
    ShownPubliclyMixin,
)
from people.models import Person
from people.names import search_terms


@admin.register(Charge)
class ChargeAdmin(ShownPubliclyMixin, HistoryAdmin):
    # Listed on published case and person pages: once shown, only case publishers change it.
    publish_model = Case
    list_display = ["description", "article", "legal_code", "country"]
    list_filter = ["country"]
    search_fields = ["description", "article", "legal_code"]


class DefendantInline(StackedInlineBase):
    """Defendants with their verdict, sentence and charges, typed on the case page (see
    cases/forms.py); a sentence the text cannot hold is edited on the defendant's page."""

    model = Defendant
    form = DefendantRowForm
    formset = DefendantRowFormSet
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("person", "new_person_name"),
                    ("verdict", "in_absentia", "plea"),
                    "sentence",
                    "charges_text",
                ]
            },
        ),
        (
            _("Arrest, term, release and place in the list"),
            # One field a line: a collapsed fieldset opens when one of them has an error.
            {
                "fields": [
                    "arrest_date",
                    "term_counted_from",
                    "term_start_date",
                    "release_date",
                    "release_reason",
                    "position",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    autocomplete_fields = ["person"]
    show_change_link = True
    extra = 1
    verbose_name_plural = _("defendants")

    def get_queryset(self, request):
        # Each row's label names its case; its sentence and charges are shown as text.
        return (
            super()
            .get_queryset(request)
            .select_related("case")
            .prefetch_related(
                "sentence_parts",
                Prefetch(
                    "defendantcharge_set",
                    queryset=DefendantCharge.objects.select_related("charge").order_by("pk"),
                ),
            )
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.rights = EditRights.of(request.user)
        return formset

    # What the page shows in place of the text fields when it is read-only (a reporter on a
    # published case): the form's fields of the same names are used otherwise.
    @admin.display(description=_("Sentence"))
    def sentence(self, defendant):
        return defendant.sentence_summary() or "—"

    @admin.display(description=_("Charges"))
    def charges_text(self, defendant):
        links = defendant.defendantcharge_set.all()
        return "; ".join(str(link.charge) for link in links) or "—"

    @admin.display(description=_("Or a new person's name"))
    def new_person_name(self, defendant):
        return "—"


class CaseEventInline(StackedInlineBase):
    model = CaseEvent
    fields = [("kind", "date"), "description", ("defendant", "organization", "source")]
    autocomplete_fields = ["defendant", "organization", "source"]


@admin.register(Case)
class CaseAdmin(
    PublishLinkedRecordsMixin, PublishActionsMixin, PreloadedAutocompleteMixin, HistoryAdmin
):
    publish_field = "is_published"
    # People and organizations added in a pop-up become public with the published case.
    publish_linked = {
        "people.Person": ["defendants__case"],
        "people.Organization": ["cases", "court_cases", "case_events__case"],
    }
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
    form = CaseForm
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "is_published"]}),
        (
            _("Trial"),
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
        (
            _("Several defendants at once"),
            {
                "fields": [
                    "charges_for_all",
                    "sentence_for_all",
                    "unnamed_count",
                    "unnamed_sentence",
                    "unnamed_charges",
                ],
                "description": _(
                    "Applied once, when you save; the defendants below then show the result."
                ),
            },
        ),
        (_("About"), {"fields": ["summary", "organizations", "sources", "stories"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(defendant_count=Count("defendants"))

    @admin.display(description=_("defendants"), ordering="defendant_count")
    def defendant_count(self, case):
        return case.defendant_count

    def get_search_results(self, request, queryset, search_term):
        """Also cases with a defendant of that name in any spelling ("Beliatsky" finds
        Bialiatski), through the shared name normalisation (people.names)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        terms = search_terms(search_term)
        if terms:
            people = Person.objects.matching(terms).values("pk")
            defendants = Defendant.objects.filter(person__in=people).values("case")
            results = results | queryset.filter(pk__in=defendants)
        return results, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.rights = EditRights.of(request.user)
        return form_class

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = form.apply_to_defendants()
        if added:
            self.message_user(
                request,
                ngettext(
                    "%(count)d defendant whose name was not reported was added.",
                    "%(count)d defendants whose names were not reported were added.",
                    added,
                )
                % {"count": added},
            )

    def edit_snapshot(self, request, obj):
        # The case form also edits each defendant's sentence parts and charges (as text), so
        # a change to them since the form was opened is a conflict too.
        snapshot = super().edit_snapshot(request, obj)
        rows = serialize_rows(SentencePart.objects.filter(defendant__case=obj.pk).order_by("pk"))
        rows += serialize_rows(
            DefendantCharge.objects.filter(defendant__case=obj.pk).order_by("pk")
        )
        snapshot.update({row_key(row): row for row in rows})
        return snapshot


class SentencePartInline(StackedInlineBase):
    model = SentencePart
    form = SentencePartForm
    extra = 1
    fields = [
        ("kind", "term", "regime"),
        ("hours_per_year", "fine_amount", "fine_unit", "fine_currency"),
        "conditions",
    ]


class DefendantChargeInline(InlineBase):
    model = DefendantCharge
    fields = ["charge", "outcome"]
    autocomplete_fields = ["charge"]
    extra = 1


@admin.register(Defendant)
class DefendantAdmin(
    PublishLinkedRecordsMixin, PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin
):
    publish_model = Case
    parent_public_flags = ["case.is_published"]
    publish_linked = {"people.Person": ["defendants"]}
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
        "arrest_date",
        "term_counted_from",
        "term_start_date",
        "release_date",
        "release_reason",
        "notes",
        "source",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sentence_parts")

    @admin.display(description=_("sentence"))
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
    form = SentencePartForm
    fields = [
        "defendant",
        ("kind", "term", "regime"),
        ("hours_per_year", "fine_amount", "fine_unit", "fine_currency"),
        "conditions",
    ]


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
class CaseEventAdmin(
    PublishLinkedRecordsMixin, PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin
):
    publish_model = Case
    parent_public_flags = ["case.is_published"]
    publish_linked = {"people.Organization": ["case_events"]}
    list_display = ["case", "kind", "date", "organization"]
    list_filter = ["kind"]
    list_select_related = ["case", "organization"]
    search_fields = ["case__title", "description"]
    autocomplete_fields = ["case", "defendant", "organization", "source"]
