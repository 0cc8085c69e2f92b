from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy
from reversion.models import Version

from newsroom.admin_tools import (
    DiskFullFormErrorMixin,
    PreloadedAutocompleteMixin,
    StackedInlineBase,
)
from newsroom.history import HistoryAdmin
from newsroom.workflow import (
    NotPublicFromPopupMixin,
    PublicViaParentMixin,
    PublishActionsMixin,
    PublishLinkedRecordsMixin,
    can_publish,
)
from people.merging import MergeRefused, merge_people, merge_refusal
from people.models import (
    Designation,
    Membership,
    MergedPerson,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    PersonRedirect,
    Recognition,
)
from people.names import search_terms


class NormalisedSearchMixin:
    """Admin search that also finds any spelling of a name ("Kairat" finds "Қайрат")."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        terms = search_terms(search_term)
        if terms:
            matching = self.model.objects.matching(terms).values("pk")
            results = results | queryset.filter(pk__in=matching)
        return results, may_have_duplicates


# The fixed words of the label of a person whose name was not reported (PersonAdmin.admin_label),
# which admin search matches too.
NOT_REPORTED_LABEL = gettext_lazy("name not reported")
NOT_LINKED_LABEL = gettext_lazy("not linked yet")


class LinkedFromFilter(admin.SimpleListFilter):
    """The list filter "Linked from: nothing": people or organizations that no case, defendant,
    membership, story or designation links to (`unlinked()`), such as those added in a pop-up of
    a form that was never saved."""

    title = gettext_lazy("linked from")
    parameter_name = "linked_from"

    def lookups(self, request, model_admin):
        return [("nothing", gettext_lazy("nothing"))]

    def queryset(self, request, queryset):
        if self.value() == "nothing":
            return queryset.unlinked()
        return queryset


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    fields = ["name", "script", "language"]


class PersonRedirectInline(admin.TabularInline):
    """The addresses of people merged into this one (people/merging.py), which lead here."""

    model = PersonRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["old_slug", "created_at"]
    verbose_name_plural = gettext_lazy("addresses of people merged into this one")

    def has_add_permission(self, request, obj=None):
        return False


class MergedPersonInline(admin.TabularInline):
    """The records merged into this person (people/merging.py), each with links to its own
    past versions: the merged record is gone, its history is not."""

    model = MergedPerson
    fk_name = "survivor"
    extra = 0
    fields = ["merged_id", "merged_at", "earlier_versions"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("records merged into this person, and their history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("versions before the merge"))
    def earlier_versions(self, merged):
        versions = (
            Version.objects.get_for_model(Person)
            .filter(object_id=str(merged.merged_id))
            .select_related("revision")
        )
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> {}',
            (
                (
                    reverse("admin:people_person_recover", args=[version.pk]),
                    date_format(localtime(version.revision.date_created), "DATETIME_FORMAT"),
                    version.revision.get_comment(),
                )
                for version in versions.order_by("-revision__date_created")
            ),
        ) or gettext("none recorded")


class PersonMembershipInline(StackedInlineBase):
    model = Membership
    fk_name = "person"
    fields = [("organization", "role"), ("start_date", "end_date", "has_ended"), "source"]
    autocomplete_fields = ["organization", "source"]


class RecognitionInline(StackedInlineBase):
    """Who recognises the person as a political prisoner (or persecuted for their views), when,
    and where they said so: what public pages and the "recognised" filter rely on."""

    model = Recognition
    fields = [("organization", "kind", "recognised_on"), "source_url", "statement"]
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(
    DiskFullFormErrorMixin,
    NotPublicFromPopupMixin,
    PublishLinkedRecordsMixin,
    PublishActionsMixin,
    NormalisedSearchMixin,
    PreloadedAutocompleteMixin,
    HistoryAdmin,
):
    publish_field = "is_public"
    # A public person's memberships: organizations added in a pop-up become public with them.
    publish_linked = {"people.Organization": ["memberships__person"]}
    list_display = [
        "admin_label",
        "native_name",
        "name_status",
        "country",
        "is_public",
        "updated_at",
    ]
    list_filter = ["is_public", "name_status", LinkedFromFilter, "country"]
    search_fields = ["name", "native_name", "alternate_names__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [
        PersonNameInline,
        PersonMembershipInline,
        RecognitionInline,
        PersonRedirectInline,
        MergedPersonInline,
    ]
    fieldsets = [
        (
            None,
            {"fields": ["name_status", "name", "native_name", "sort_name", "slug", "is_public"]},
        ),
        (gettext_lazy("About"), {"fields": ["summary", "country", "birth_date"]}),
        (gettext_lazy("Photo"), {"fields": ["photo", "photo_credit"], "classes": ["collapse"]}),
        (gettext_lazy("Stories"), {"fields": ["stories"]}),
        (gettext_lazy("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    actions = ["publish_selected", "unpublish_selected", "merge_two_people"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_link_labels()

    def has_merge_permission(self, request):
        """Editors only: a merge deletes a record and may make what was hidden public."""
        return can_publish(request.user, Person) and request.user.has_perm("people.delete_person")

    @admin.action(description=gettext_lazy("Merge the two selected people"), permissions=["merge"])
    def merge_two_people(self, request, queryset):
        """A page to choose which record survives; posted back, the merge (people/merging.py)."""
        people = list(queryset.order_by("pk")[:3])
        if len(people) != 2:
            self.message_user(
                request, gettext("Select exactly two people to merge."), messages.ERROR
            )
            return None
        if request.POST.get("survivor"):
            survivor = next((p for p in people if str(p.pk) == request.POST["survivor"]), None)
            if survivor is None:
                self.message_user(request, gettext("Choose which record to keep."), messages.ERROR)
                return None
            loser = people[1] if survivor is people[0] else people[0]
            try:
                comment = merge_people(survivor, loser, user=request.user)
            except MergeRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return None
            self.log_change(request, survivor, comment)
            self.message_user(request, comment, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:people_person_change", args=[survivor.pk]))
        counts = {
            person.pk: {
                "defendants": person.defendants.count(),
                "memberships": person.memberships.count(),
                "recognitions": person.recognitions.count(),
                "alternate_names": person.alternate_names.count(),
                "stories": person.stories.count(),
            }
            for person in people
        }
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge two people"),
            "opts": self.model._meta,
            "people": [(person, counts[person.pk]) for person in people],
            "refusal": merge_refusal(people[0], people[1]),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/people/person/merge.html", context)

    @admin.display(description=gettext_lazy("person"), ordering="name")
    def admin_label(self, person):
        """The editors' label. For a person whose name was not reported, what links to them: a
        neutral address alone tells twelve such people apart but says nothing about them."""
        if person.name_status != Person.NameStatus.NOT_REPORTED or not hasattr(
            person, "first_case_title"
        ):
            return str(person)
        values = {
            "label": capfirst(NOT_REPORTED_LABEL),
            "slug": person.slug,
            "case": person.first_case_title,
            "organization": person.first_organization_name,
            "story": person.first_story_headline,
        }
        if values["case"]:
            return gettext("%(label)s — defendant in %(case)s (%(slug)s)") % values
        if values["organization"]:
            return gettext("%(label)s — member of %(organization)s (%(slug)s)") % values
        if values["story"]:
            return gettext("%(label)s — in the story “%(story)s” (%(slug)s)") % values
        return f"{values['label']} ({NOT_LINKED_LABEL}, {person.slug})"

    # The label in autocomplete results (newsroom.admin_site.LabelledAutocompleteJsonView).
    autocomplete_label = admin_label

    def get_search_results(self, request, queryset, search_term):
        # People whose name was not reported are found by what their label says.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.lower().split()
        if words:
            unnamed = Person.objects.unnamed_matching(
                words,
                # The label's words in English and in the editor's language.
                label_words=["name not reported", str(NOT_REPORTED_LABEL).lower()],
                unlinked_words=["not linked yet", str(NOT_LINKED_LABEL).lower()],
            )
            results = results | queryset.filter(pk__in=unnamed.values("pk"))
        return results, may_have_duplicates


@admin.register(PersonName)
class PersonNameAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Person
    parent_public_flags = ["person.is_public"]
    list_display = ["name", "person", "script", "language"]
    list_filter = ["script"]
    list_select_related = ["person"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        for term in search_terms(search_term):
            results = results | queryset.filter(search_name__contains=term)
        return results, may_have_duplicates


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1
    fields = ["name", "script", "language"]


class DesignationInline(StackedInlineBase):
    model = Designation
    fields = [("label", "authority", "country"), ("designated_on", "revoked_on"), "source"]
    autocomplete_fields = ["source"]


class OrganizationMembershipInline(StackedInlineBase):
    model = Membership
    fk_name = "organization"
    fields = [("person", "role"), ("start_date", "end_date", "has_ended"), "source"]
    autocomplete_fields = ["person", "source"]


@admin.register(Organization)
class OrganizationAdmin(
    NotPublicFromPopupMixin,
    PublishLinkedRecordsMixin,
    PublishActionsMixin,
    NormalisedSearchMixin,
    PreloadedAutocompleteMixin,
    HistoryAdmin,
):
    publish_field = "is_public"
    # A public organization's members: people added in a pop-up become public with it.
    publish_linked = {"people.Person": ["memberships__organization"]}
    list_display = ["name", "short_name", "kind", "country", "member_count", "is_public"]
    list_filter = ["is_public", "kind", LinkedFromFilter, "country"]
    search_fields = ["name", "short_name", "native_name", "alternate_names__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OrganizationNameInline, DesignationInline, OrganizationMembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "native_name", "slug", "kind", "is_public"]}),
        (gettext_lazy("About"), {"fields": ["summary", "country", "website"]}),
        (gettext_lazy("Stories"), {"fields": ["stories"]}),
        (gettext_lazy("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def member_count(self, organization):
        return organization.member_count


@admin.register(OrganizationName)
class OrganizationNameAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Organization
    parent_public_flags = ["organization.is_public"]
    list_display = ["name", "organization", "script", "language"]
    list_filter = ["script"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(Membership)
class MembershipAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Person
    parent_public_flags = ["person.is_public", "organization.is_public"]
    list_display = ["person", "organization", "role", "start_date", "end_date", "has_ended"]
    list_filter = ["has_ended", "organization__kind"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name", "organization__name", "organization__short_name", "role"]
    autocomplete_fields = ["person", "organization", "source"]


@admin.register(Designation)
class DesignationAdmin(PublicViaParentMixin, PreloadedAutocompleteMixin, HistoryAdmin):
    publish_model = Organization
    parent_public_flags = ["organization.is_public"]
    list_display = ["organization", "label", "authority", "designated_on", "revoked_on"]
    list_filter = ["label", "country"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__short_name", "authority"]
    autocomplete_fields = ["organization", "source"]
