"""Filters of the case list (the URL contract is in design.md, "Case list filters")."""

import math

import django_filters
from django import forms
from django.db.models import F, IntegerField
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_lazy, ngettext

from cases.models import Case, Charge, SentencePart
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
from people.models import Organization

# Any four-digit year is a valid filter value; only years with verdicts are shown as options.
YEARS = frozenset(str(year) for year in range(1000, 10000))


def years_to_months(years, rounding):
    """A term in years (a Decimal, 1.5) as whole months, rounded towards the inside of the
    range: terms are stored in whole months, so "from 1.05 years" means from 13 months."""
    return rounding(years * 12)


UNKNOWN_CHARGE = gettext_lazy(
    "No charge on this site has the key “%(value)s”: choose one from the list."
)


def charge_name(filterset, name, slug):
    charge = next((c for c in filterset.cleaned("charge", []) if c.slug == slug), None)
    return str(charge) if charge else slug


def charge_label(filterset, name, slug):
    return gettext("Charge: %(charge)s") % {"charge": charge_name(filterset, name, slug)}


def term_label(filterset, name, value):
    if value.isdecimal() and value == str(int(value)):  # whole years, as "2"
        count = int(value)
        if name == "min_years":
            text = ngettext("Term from %(count)d year", "Term from %(count)d years", count)
        else:
            text = ngettext("Term up to %(count)d year", "Term up to %(count)d years", count)
        return text % {"count": count}
    if name == "min_years":
        # Translators: a number of years that is not whole, as the reader typed it: "1.5".
        text = gettext("Term from %(years)s years")
    else:
        # Translators: a number of years that is not whole, as the reader typed it: "1.5".
        text = gettext("Term up to %(years)s years")
    return text % {"years": value}


class DecimalCommaField(forms.DecimalField):
    """A number of years typed with a decimal point or a decimal comma ("1.5" or "1,5", as
    Russian and Kazakh readers write it), in a text box: a browser's number box drops the
    comma ("1,5" became 15). Anything else that is not a plain number ("1,5,5", "1_5", "1,000.5")
    is a form error, never a different number."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"  # a phone's keyboard with digits and a separator
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if "_" in value:  # Decimal() would read "1_5" as 15
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class DecimalCommaFilter(django_filters.NumberFilter):
    field_class = DecimalCommaField


class CaseFilterForm(ListFilterForm):
    def clean(self):
        cleaned_data = super().clean()
        shortest, longest = cleaned_data.get("min_years"), cleaned_data.get("max_years")
        if shortest is not None and longest is not None and shortest > longest:
            self.add_error(
                "max_years", gettext("The longest term cannot be shorter than the shortest.")
            )
        return cleaned_data


class CaseFilter(FacetedFilterSet):
    organization = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.public(),
        to_field_name="slug",
        method="filter_organization",
        error_messages={"invalid_choice": UNKNOWN_ORGANIZATION},
    )
    # Only charges that a public defendant holds: the others are not shown anywhere.
    charge = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("Charge"),
        queryset=Charge.objects.shown_publicly(),
        to_field_name="slug",
        method="filter_charge",
        error_messages={"invalid_choice": UNKNOWN_CHARGE},
    )
    sentence = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Sentence"),
        choices=SentencePart.Kind.choices,
        method="filter_sentence",
        error_messages={"invalid_choice": UNKNOWN_SENTENCE},
    )
    min_years = DecimalCommaFilter(
        label=gettext_lazy("Term from (years)"),
        method="filter_sentence",
        min_value=0,
        max_value=99,
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy(
            "Cases where a defendant's term overlaps the range, e.g. 4 or 1.5. A term of "
            "1 to 2 years is found from 1.5; terms that were not reported are not."
        ),
    )
    max_years = DecimalCommaFilter(
        label=gettext_lazy("Term up to (years)"),
        method="filter_sentence",
        min_value=0,
        max_value=99,
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy("E.g. 0.5 for six months."),
    )
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        field_name="status",
        lookup_expr="exact",
        choices=Case.Status.choices,
        distinct=False,
        error_messages={
            "invalid_choice": gettext_lazy("“%(value)s” is not a case status: choose one.")
        },
    )
    year = CodeListFilter(
        label=gettext_lazy("Year of the verdict"),
        valid_values=YEARS,
        method="filter_year",
        error_messages={
            "invalid_choice": gettext_lazy("Enter a year of four digits, such as 2024.")
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
        label=gettext_lazy("Search"),
        method="filter_search",
        help_text=gettext_lazy("Words in the title, city or summary, or a defendant's name."),
    )

    # The kind and the term describe one sentence part together ("prison, 4 years or more"),
    # so the three parameters are applied at once, by filter_sentence.
    grouped_filters = {"sentence": "sentence", "min_years": "sentence", "max_years": "sentence"}
    # Filters that may keep most cases (FacetedFilterSet.broad_filters).
    broad_filters = ("sentence", "status", "recognised", "country")
    value_labels = {
        "organization": organization_label,
        "charge": charge_label,
        "min_years": term_label,
        "max_years": term_label,
    }
    short_value_labels = {
        "organization": organization_name,
        "charge": charge_name,
        "min_years": term_label,
        "max_years": term_label,
    }

    class Meta:
        model = Case
        fields = []
        form = CaseFilterForm

    def term_months(self):
        """The term range of the filters in whole months: (min, max), each None if not set."""
        shortest, longest = self.cleaned("min_years"), self.cleaned("max_years")
        return (
            None if shortest is None else years_to_months(shortest, math.ceil),
            None if longest is None else years_to_months(longest, math.floor),
        )

    def filter_organization(self, queryset, name, organizations):
        return queryset.concerning_any(organizations)

    def filter_charge(self, queryset, name, charges):
        return queryset.charged_under(charges)

    def filter_sentence(self, queryset, name, value):
        return queryset.with_sentence(self.cleaned("sentence", []), *self.term_months())

    def filter_year(self, queryset, name, years):
        return queryset.with_verdict_in_years(int(year) for year in years)

    def filter_recognised(self, queryset, name, value):
        return queryset.with_recognised_defendant()

    def filter_country(self, queryset, name, codes):
        return queryset.filter(country__in=[code.upper() for code in codes])

    def filter_search(self, queryset, name, text):
        return queryset.filter(self.among_text_matches(text, lambda cases: cases.search(text)))

    def charges_to_list(self, charge_counts):
        """The charges the charge facet may show: those with results and those selected. Both
        are shown publicly (a result is a public defendant's charge; a selected one was
        cleaned against Charge.objects.shown_publicly()), so they are fetched by id, a query
        far cheaper to build than shown_publicly() itself, and none when there are none."""
        ids = {*charge_counts, *(charge.pk for charge in self.cleaned("charge", []))}
        return list(Charge.objects.filter(pk__in=ids)) if ids else []

    def facets(self):
        organizations = public_organization_choices()
        term = self.term_months()
        counts = self.count_facets(
            {
                "organization": Facet(
                    ("organization",), count=lambda cases: cases.count_per_organization()
                ),
                "charge": Facet(("charge",), count=lambda cases: cases.count_per_charge()),
                "sentence": Facet(
                    ("sentence", "min_years", "max_years"),
                    count=lambda cases: cases.count_per_sentence_kind(*term),
                    depends_on=repr(term),
                ),
                "status": Facet(("status",), value=F("status")),
                "year": Facet(("year",), value=Cast("verdict_date", IntegerField()) / 10000),
                "recognised": Facet(
                    ("recognised",),
                    count=lambda cases: {"1": cases.with_recognised_defendant().count()},
                ),
                "country": Facet(("country",), value=F("country")),
            }
        )
        organization_counts = {
            organization.slug: counts["organization"].get(organization.pk, 0)
            for organization in organizations
        }
        charges = self.charges_to_list(counts["charge"])
        charge_counts = {charge.slug: counts["charge"].get(charge.pk, 0) for charge in charges}
        year_counts = counts["year"]
        years = [(str(year), str(year)) for year in sorted(year_counts, reverse=True)]
        years += [
            (year, year)
            for year in self.selected_values("year")
            if len(year) == 4 and year.isdigit() and int(year) not in year_counts
        ]
        return {
            "organization": organization_options(self, organizations, organization_counts),
            "charge": self.options(
                "charge",
                [(charge.slug, str(charge)) for charge in charges],
                charge_counts,
                keep_empty=False,
            ),
            "sentence": self.options("sentence", SentencePart.Kind.choices, counts["sentence"]),
            "status": self.options("status", Case.Status.choices, counts["status"]),
            "year": self.options(
                "year", years, {str(year): total for year, total in year_counts.items()}
            ),
            "recognised": self.options("recognised", RECOGNISED_CHOICES, counts["recognised"]),
            "country": country_options(self, counts["country"]),
        }
