"""Filters of the people list (the URL contract is in design.md); the shared machinery is in
newsroom/filters.py."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from cases.models import SentencePart
from newsroom.filters import (
    COUNTRY_CODES,
    RECOGNISED_CHOICES,
    UNKNOWN_COUNTRY,
    UNKNOWN_ORGANIZATION,
    UNKNOWN_RECOGNISED,
    UNKNOWN_SENTENCE,
    CodeListFilter,
    FacetedFilterSet,
    FreeTextFilter,
    ListFilterForm,
    count_by,
    count_each,
    country_name,
    country_options,
    organization_label,
    organization_name,
    organization_options,
    public_organization_choices,
)
from people.models import Organization, Person
from people.names import search_terms

# In prison now: certainly, or possibly (a release window that straddles today, or one that
# cannot be worked out): cases/release.py.
STATUS_CHOICES = [
    ("imprisoned", "In prison now"),
    ("maybe_imprisoned", gettext_lazy("May be in prison now")),
]


class PersonFilter(FacetedFilterSet):
    organization = django_filters.ModelMultipleChoiceFilter(
        label="Organization",
        queryset=Organization.objects.public(),
        to_field_name="slug",
        method="filter_organization",
        error_messages={"invalid_choice": UNKNOWN_ORGANIZATION},
    )
    sentence = django_filters.MultipleChoiceFilter(
        label="Sentence",
        choices=SentencePart.Kind.choices,
        method="filter_sentence",
        error_messages={"invalid_choice": UNKNOWN_SENTENCE},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "The statuses to filter by are “imprisoned” and “maybe_imprisoned”."
            )
        },
    )
    recognised = django_filters.ChoiceFilter(
        label=gettext_lazy("Recognition"),
        choices=RECOGNISED_CHOICES,
        method="filter_recognised",
        empty_label=None,
        error_messages={"invalid_choice": UNKNOWN_RECOGNISED},
    )
    country = CodeListFilter(
        label="Country",
        valid_values=COUNTRY_CODES,
        label_of=country_name,
        method="filter_country",
        error_messages={"invalid_choice": UNKNOWN_COUNTRY},
    )
    q = FreeTextFilter(
        label="Name",
        method="filter_name",
        help_text="Any spelling, Latin or Cyrillic. People whose name is not public are not found.",
    )

    value_labels = {"organization": organization_label}
    short_value_labels = {"organization": organization_name}

    class Meta:
        model = Person
        fields = []
        form = ListFilterForm

    def filter_organization(self, queryset, name, organizations):
        return queryset.members_of_any(organizations)

    def filter_sentence(self, queryset, name, kinds):
        return queryset.sentenced_to(kinds)

    def filter_status(self, queryset, name, status):
        if status == "maybe_imprisoned":
            return queryset.maybe_imprisoned()
        return queryset.imprisoned()

    def filter_recognised(self, queryset, name, value):
        return queryset.recognised()

    def filter_country(self, queryset, name, codes):
        return queryset.filter(country__in=[code.upper() for code in codes])

    def filter_name(self, queryset, name, text):
        terms = search_terms(text)
        if not terms:
            return queryset.none()
        return queryset.filter(
            pk__in=self.text_matches(text, lambda people: people.searchable().matching(terms))
        )

    def facets(self):
        base = self.queryset.prefetch_related(None)
        organizations = public_organization_choices()
        counts_by_id = self.filtered_without(base, "organization").count_per_organization()
        organization_counts = {
            organization.slug: counts_by_id.get(organization.pk, 0)
            for organization in organizations
        }
        sentence_counts = self.filtered_without(base, "sentence").count_per_sentence_kind()
        status_counts = count_each(
            self.filtered_without(base, "status"),
            {
                "imprisoned": Q(pk__in=Person.objects.imprisoned()),
                "maybe_imprisoned": Q(pk__in=Person.objects.maybe_imprisoned()),
            },
        )
        recognised_counts = count_each(
            self.filtered_without(base, "recognised"),
            {"1": Q(pk__in=Person.objects.recognised())},
        )
        country_counts = count_by(self.filtered_without(base, "country"), "country")
        return {
            "organization": organization_options(self, organizations, organization_counts),
            "sentence": self.options("sentence", SentencePart.Kind.choices, sentence_counts),
            "status": self.options("status", STATUS_CHOICES, status_counts),
            "recognised": self.options("recognised", RECOGNISED_CHOICES, recognised_counts),
            "country": country_options(self, country_counts),
        }
