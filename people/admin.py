from django.contrib import admin
from django.db.models import Count

from newsroom.admin_tools import InlineBase, PreloadedAutocompleteMixin
from newsroom.history import HistoryAdmin
from newsroom.workflow import PublicViaParentMixin, PublishActionsMixin
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
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


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    fields = ["name", "script", "language"]


class PersonMembershipInline(InlineBase):
    model = Membership
    fk_name = "person"
    fields = ["organization", "role", "start_date", "end_date", "has_ended", "source"]
    autocomplete_fields = ["organization", "source"]


@admin.register(Person)
class PersonAdmin(
    PublishActionsMixin, NormalisedSearchMixin, PreloadedAutocompleteMixin, HistoryAdmin
):
    publish_field = "is_public"
    list_display = ["__str__", "native_name", "name_status", "country", "is_public", "updated_at"]
    list_filter = ["is_public", "name_status", "country"]
    search_fields = ["name", "native_name", "alternate_names__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PersonNameInline, PersonMembershipInline]
    fieldsets = [
        (None, {"fields": ["name_status", "name", "native_name", "slug", "is_public"]}),
        ("About", {"fields": ["summary", "country", "birth_date"]}),
        ("Photo", {"fields": ["photo", "photo_credit"], "classes": ["collapse"]}),
        ("Stories", {"fields": ["stories"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


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


class DesignationInline(InlineBase):
    model = Designation
    fields = ["label", "authority", "country", "designated_on", "revoked_on", "source"]
    autocomplete_fields = ["source"]


class OrganizationMembershipInline(InlineBase):
    model = Membership
    fk_name = "organization"
    fields = ["person", "role", "start_date", "end_date", "has_ended", "source"]
    autocomplete_fields = ["person", "source"]


@admin.register(Organization)
class OrganizationAdmin(
    PublishActionsMixin, NormalisedSearchMixin, PreloadedAutocompleteMixin, HistoryAdmin
):
    publish_field = "is_public"
    list_display = ["name", "short_name", "kind", "country", "member_count", "is_public"]
    list_filter = ["is_public", "kind", "country"]
    search_fields = ["name", "short_name", "native_name", "alternate_names__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OrganizationNameInline, DesignationInline, OrganizationMembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "native_name", "slug", "kind", "is_public"]}),
        ("About", {"fields": ["summary", "country", "website"]}),
        ("Stories", {"fields": ["stories"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
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
