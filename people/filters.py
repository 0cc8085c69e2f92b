"""Filters of the people list (the URL contract is in design.md); the shared machinery is in
newsroom/filters.py."""

import django_filters
from django.db.models import F
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
    Facet,
    FacetedFilterSet,
    FreeTextFilter,
    ListFilterForm,
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
    ("imprisoned", gettext_lazy("In prison now")),
    ("maybe_imprisoned", gettext_lazy("May be in prison now")),
]


class PersonFilter(FacetedFilterSet):
    organization = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.public(),
        to_field_name="slug",
        method="filter_organization",
        error_messages={"invalid_choice": UNKNOWN_ORGANIZATION},
    )
    sentence = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Sentence"),
        choices=SentencePart.Kind.choices,
        method="filter_sentence",
        error_messages={"invalid_choice": UNKNOWN_SENTENCE},
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
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
        label=gettext_lazy("Country"),
        valid_values=COUNTRY_CODES,
        label_of=country_name,
        method="filter_country",
        error_messages={"invalid_choice": UNKNOWN_COUNTRY},
    )
    q = FreeTextFilter(
        label=gettext_lazy("Name"),
        method="filter_name",
        help_text=gettext_lazy(
            "Any spelling, Latin or Cyrillic. People whose name is not public are not found."
        ),
    )

    # Filters that may keep most people (FacetedFilterSet.broad_filters).
    broad_filters = ("sentence", "status", "recognised", "country")
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
            self.among_text_matches(text, lambda people: people.searchable().matching(terms))
        )

    def facets(self):
        organizations = public_organization_choices()
        counts = self.count_facets(
            {
                "organization": Facet(
                    ("organization",), count=lambda people: people.count_per_organization()
                ),
                "sentence": Facet(
                    ("sentence",), count=lambda people: people.count_per_sentence_kind()
                ),
                "status": Facet(("status",), count=lambda people: people.count_per_prison_status()),
                "recognised": Facet(
                    ("recognised",), count=lambda people: {"1": people.recognised().count()}
                ),
                "country": Facet(("country",), value=F("country")),
            }
        )
        organization_counts = {
            organization.slug: counts["organization"].get(organization.pk, 0)
            for organization in organizations
        }
        return {
            "organization": organization_options(self, organizations, organization_counts),
            "sentence": self.options("sentence", SentencePart.Kind.choices, counts["sentence"]),
            "status": self.options("status", STATUS_CHOICES, counts["status"]),
            "recognised": self.options("recognised", RECOGNISED_CHOICES, counts["recognised"]),
            "country": country_options(self, counts["country"]),
        }
