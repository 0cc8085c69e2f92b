"""The faceted-filter machinery shared by the case list and the people list.

Every filter calls a QuerySet method (or names its field and lookup), so the rules for what a
parameter means live on the models, next to the public() rules they build on. Repeated values
of one parameter are ORed, different parameters are ANDed (design.md). Each option shows how
many results it would give with the other active filters: one aggregate query per facet.
"""

import copy
from dataclasses import dataclass
from typing import NamedTuple

import django_filters
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import FilterMethod

from newsroom.text_queries import FreeTextField
from people.models import Organization

# ISO 3166-1 alpha-2 codes as the URLs carry them: lower case (django-countries stores upper).
COUNTRY_CODES = frozenset(code.lower() for code, name in countries)
# Free-text matches up to this many are listed by id in the facet queries (text_matches()).
MATERIALISED_TEXT_MATCHES = 500
UNKNOWN_ORGANIZATION = "No organization on this site has the address “%(value)s”."
UNKNOWN_SENTENCE = "“%(value)s” is not a kind of sentence: choose one from the list."
UNKNOWN_COUNTRY = "Enter a country as a two-letter ISO code in lower case, e.g. kz."
# People a named organization recognises (people.models.Recognition): the one value of
# `recognised` on the people and case lists.
RECOGNISED_CHOICES = [
    ("1", gettext_lazy("Recognised as a political prisoner or persecuted for their views"))
]
UNKNOWN_RECOGNISED = gettext_lazy(
    "To list only people recognised by a named organization, use recognised=1."
)


@dataclass
class Option:
    """One checkbox of a facet: its value in the URL, its label, and its result count."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class ActiveFilter:
    """One active filter value, with the query string of the same page without it; short_label
    is the value alone ("Koshe party"), for the closed filter disclosure's summary."""

    label: str
    remove_query: str
    invalid: bool = False
    short_label: str = ""


def split_options(options):
    """(options shown at once, options folded under "more"): an option that would give no
    result is folded unless the reader selected it; folded options stay selectable."""
    shown = [option for option in options if option.count or option.selected]
    folded = [option for option in options if not (option.count or option.selected)]
    return shown, folded


def country_name(code):
    return countries.name(code.upper()) or code


class CodeListField(forms.MultipleChoiceField):
    """A repeatable parameter whose valid values are a long fixed set: every country code, every
    four-digit year. As choices, Django would deep-copy the whole list each time a form is built
    (about half the time of a filtered case list); here the set is shared by every form, and
    `label_of(value)` names a value. The options readers see come from the facets."""

    def __init__(self, *, valid_values, label_of=str, **kwargs):
        super().__init__(choices=(), **kwargs)
        self.valid_values = valid_values
        self.label_of = label_of

    def valid_value(self, value):
        return str(value) in self.valid_values


class CodeListFilter(django_filters.MultipleChoiceFilter):
    field_class = CodeListField


def is_empty(value):
    """An unset filter: None, "", or an empty list or queryset (0 is a value)."""
    return value in EMPTY_VALUES or (hasattr(value, "__len__") and len(value) == 0)


def count_each(queryset, conditions):
    """{key: how many rows of queryset match conditions[key]}, in one aggregate query."""
    if not conditions:
        return {}
    aliases = {f"option_{index}": condition for index, condition in enumerate(conditions.values())}
    totals = queryset.order_by().aggregate(
        **{alias: Count("pk", filter=condition) for alias, condition in aliases.items()}
    )
    return {key: totals[alias] for key, alias in zip(conditions, aliases, strict=True)}


def count_by(queryset, expression):
    """{value: how many rows of queryset have it}, in one GROUP BY query."""
    rows = queryset.order_by().values_list(expression).annotate(total=Count("pk"))
    return dict(rows)


def takes_several_values(field):
    """A form field (or field class) whose parameter may be repeated (`?sentence=a&sentence=b`);
    note that ModelMultipleChoiceField is not a MultipleChoiceField, hence the widget test."""
    return getattr(field.widget, "allow_multiple_selected", False)


class FreeTextFilter(django_filters.CharFilter):
    """A free-text parameter (`q`): cleaned and capped by newsroom.text_queries.bound_text(),
    like the site search, so that no query can cost more than MAX_WORDS words."""

    field_class = FreeTextField


class ListFilterForm(forms.Form):
    """A filter form that refuses a repeated one-value parameter (`?q=a&q=b`) rather than
    silently keeping the last value and showing results for something the reader did not ask."""

    def clean(self):
        cleaned_data = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return cleaned_data
        for name, field in self.fields.items():
            if not takes_several_values(field) and len(getlist(name)) > 1:
                self.add_error(name, f"Give “{field.label}” only once.")
        return cleaned_data


class FiltersCopiedShallowly(dict):
    """A FilterSet's declared filters, of which each FilterSet gets its own copy. django-filters
    deep-copies them, with their querysets, choices and messages, for each request (5 ms of a
    case list); a shallow copy of each filter is enough: what a request sets on a filter (its
    parent, model and form field) is set on the copy, and nothing changes what they share."""

    def __deepcopy__(self, memo):
        return {name: self.copy_filter(filter_) for name, filter_ in self.items()}

    @staticmethod
    def copy_filter(filter_):
        copied = copy.copy(filter_)
        if isinstance(filter_.filter, FilterMethod):
            # The proxy to the FilterSet's method must find the copy's parent.
            copied.filter = FilterMethod(copied)
        return copied


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that can filter by all but some of its filters (for facet counts), lists
    its active filters with links that remove each one, and describes its checkbox groups."""

    # Filters applied together by one method, in a filter_queryset() pass: name -> group name.
    grouped_filters = {}

    @classmethod
    def get_filters(cls):
        return FiltersCopiedShallowly(super().get_filters())

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if self.is_bound and hasattr(self.data, "getlist"):
            # An empty value of a repeatable parameter (`?sentence=`) selects nothing. Done
            # before the form is built, so the form, the facets and the active filters agree.
            self.data = self.data.copy()
            for name, filter_ in self.filters.items():
                if takes_several_values(filter_.field_class) and name in self.data:
                    self.data.setlist(name, [v for v in self.data.getlist(name) if v != ""])

    def filter_queryset(self, queryset):
        return self.filtered_without(queryset)

    def text_matches(self, text, search):
        """The ids of the rows of this list that `search(queryset)` keeps for a free-text
        filter, found once per request however many facets are counted: a list of ids when
        there are at most MATERIALISED_TEXT_MATCHES, so each facet filters by the list instead
        of matching the text again, else the search as a subquery."""
        found = getattr(self, "_text_matches", None)
        if found is None:
            found = self._text_matches = {}
        if text not in found:
            matches = search(self.queryset.prefetch_related(None).order_by()).values("pk")
            ids = [row["pk"] for row in matches[: MATERIALISED_TEXT_MATCHES + 1]]
            found[text] = ids if len(ids) <= MATERIALISED_TEXT_MATCHES else matches
        return found[text]

    def filtered_without(self, queryset, *excluded):
        """The queryset filtered by every valid active filter except the excluded ones."""
        if not self.is_bound:
            return queryset
        self.form.is_valid()  # cleans the form once; cleaned_data holds the valid filters
        applied_groups = set()
        for name, value in self.form.cleaned_data.items():
            if name in excluded or is_empty(value):
                continue
            group = self.grouped_filters.get(name)
            if group:
                if group in applied_groups:
                    continue
                applied_groups.add(group)
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def cleaned(self, name, default=None):
        """A filter's valid value, or the default when it is empty or not valid."""
        if not self.is_bound:
            return default
        self.form.is_valid()  # cleans the form once, so that cleaned_data exists
        value = self.form.cleaned_data.get(name)
        return default if is_empty(value) else value

    def selected_values(self, name):
        if not self.is_bound:
            return []
        return [value for value in self.data.getlist(name) if value]

    def options(self, name, labels, counts, *, keep_empty=True):
        """Checkbox options for a facet: each label with its count; options with no results
        are left out unless keep_empty (short fixed lists) or the reader selected them."""
        selected = set(self.selected_values(name))
        result = []
        for value, label in labels:
            count = counts.get(value, 0)
            if count or keep_empty or value in selected:
                result.append(Option(str(value), label, count, str(value) in selected))
        return result

    def text_notices(self):
        """What the reader is told about free text that was cut to the bound (too many words
        or characters), for each free-text parameter that is otherwise valid."""
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return []
        notices = []
        for name, field in self.form.fields.items():
            values = self.data.getlist(name)
            if isinstance(field, FreeTextField) and len(values) == 1:
                notices.extend(field.notices(values[0]))
        return notices

    # Active filters

    def value_label(self, name, value):
        """How an active filter value reads in the list of active filters."""
        field = self.form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if name in getattr(self, "value_labels", {}):
            return self.value_labels[name](self, name, value)
        if isinstance(field, FreeTextField):  # the text as searched, not as typed
            return f"{field.label}: {shorten(field.to_python(value))}"
        if isinstance(field, CodeListField):
            return f"{field.label}: {field.label_of(value)}"
        return f"{field.label}: {choices.get(value, value)}"

    def short_value_label(self, name, value):
        """An active filter value alone ("Koshe party", "Prison"), as the summary of the closed
        filter disclosure lists it; custom ones in short_value_labels, like value_labels."""
        if name in getattr(self, "short_value_labels", {}):
            return self.short_value_labels[name](self, name, value)
        field = self.form.fields[name]
        if isinstance(field, FreeTextField):
            return f"“{shorten(field.to_python(value))}”"
        if isinstance(field, CodeListField):
            return field.label_of(value)
        choices = dict(getattr(field, "choices", ()) or ())
        return str(choices.get(value, value))

    def active_filters(self):
        """Every value of every filter in the URL, valid or not, each with a link removing it."""
        if not self.is_bound:
            return []
        invalid = set(self.form.errors) if self.form.errors else set()
        active = []
        for name in self.filters:
            for value in self.data.getlist(name):
                if value == "":
                    continue
                remaining = self.data.copy()
                remaining.setlist(name, [v for v in self.data.getlist(name) if v != value])
                remaining.pop("page", None)
                if name in invalid:
                    label = f"{self.form.fields[name].label}: {shorten(value)} (not valid)"
                    short_label = label
                else:
                    label = self.value_label(name, value)
                    short_label = self.short_value_label(name, value)
                query = remaining.urlencode()
                active.append(
                    ActiveFilter(label, f"?{query}" if query else "", name in invalid, short_label)
                )
        return active


def split_options_of(options):
    """split_options(), or (None, []) for a field without options (text, number)."""
    return (None, []) if options is None else split_options(options)


def shorten(text, length=40):
    return text if len(text) <= length else text[: length - 1] + "…"


def filter_query_string(request):
    """ "?organization=x&sentence=prison": the filters of the request without the page number
    (for the feed of the same filters, which is not paginated), or "" when there is none."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else ""


class FilteredListMixin:
    """For a FilterView: facets, active filters and the result count in the context; a repeated
    page number is a bad address (404), as an invalid one is. With `feed_url_name`, the address
    of the Atom feed of the same filters (`feed_url`), when they are valid."""

    feed_url_name = None

    def paginate_queryset(self, queryset, page_size):
        if len(self.request.GET.getlist(self.page_kwarg)) > 1:
            raise Http404("Give the page number only once.")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        valid = not filterset.is_bound or filterset.is_valid()
        paginator = context.get("paginator")
        facets = filterset.facets()
        active_filters = filterset.active_filters()
        context.update(
            filters_valid=valid,
            facets=facets,
            # (bound field, options shown, options folded under "more"); no options for a
            # text or number field.
            filter_fields=[
                (filterset.form[name], *split_options_of(facets.get(name)))
                for name in filterset.form.fields
            ],
            active_filters=active_filters,
            active_filters_text=", ".join(active.short_label for active in active_filters),
            text_notices=filterset.text_notices(),
            result_count=paginator.count if paginator else len(context["object_list"]),
        )
        if self.feed_url_name and valid:
            context["feed_url"] = reverse(self.feed_url_name) + filter_query_string(self.request)
        return context


class OrganizationChoice(NamedTuple):
    pk: int
    slug: str
    name: str


PUBLIC_ORGANIZATIONS_CACHE_KEY = "filters:public-organizations"
# Cleared on every save or delete of an organization (in this process, or everywhere with a
# shared Redis cache); the lifetime bounds how stale another process's memory cache can be.
PUBLIC_ORGANIZATIONS_CACHE_SECONDS = 60


def public_organization_choices():
    """Every public organization (pk, slug, name), for the organization facets of the case and
    people lists: from the cache, or one query (and then cached). Counts are never cached."""
    return cache.get_or_set(
        PUBLIC_ORGANIZATIONS_CACHE_KEY,
        lambda: [
            OrganizationChoice(*row)
            for row in Organization.objects.public().values_list("pk", "slug", "name")
        ],
        PUBLIC_ORGANIZATIONS_CACHE_SECONDS,
    )


@receiver([post_save, post_delete], sender=Organization)
def forget_public_organizations(**kwargs):
    cache.delete(PUBLIC_ORGANIZATIONS_CACHE_KEY)
    # And again once committed: a request in between could have cached the old list again.
    transaction.on_commit(lambda: cache.delete(PUBLIC_ORGANIZATIONS_CACHE_KEY))


def organization_name(filterset, name, slug):
    organization = next((o for o in filterset.cleaned("organization", []) if o.slug == slug), None)
    return organization.name if organization else slug


def organization_label(filterset, name, slug):
    return f"Organization: {organization_name(filterset, name, slug)}"


def organization_options(filterset, organizations, counts):
    """Public organizations as options (only those with results, or selected), by name."""
    labels = [(organization.slug, organization.name) for organization in organizations]
    return filterset.options("organization", labels, counts, keep_empty=False)


def country_options(filterset, counts):
    """Countries found in the results (or selected), by name; counts keyed by upper-case code."""
    counts = {code.lower(): total for code, total in counts.items() if code}
    labels = sorted(((code, country_name(code)) for code in counts), key=lambda item: item[1])
    labels += [
        (code, country_name(code))
        for code in filterset.selected_values("country")
        if code not in counts and code in COUNTRY_CODES
    ]
    return filterset.options("country", labels, counts, keep_empty=False)
