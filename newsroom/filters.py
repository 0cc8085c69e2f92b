"""The faceted-filter machinery shared by the case list and the people list.

Every filter calls a QuerySet method (or names its field and lookup), so the rules for what a
parameter means live on the models, next to the public() rules they build on. Repeated values
of one parameter are ORed, different parameters are ANDed (design.md). Each option shows how
many results it would give with the other active filters (FacetedFilterSet.count_facets):

- facets whose own filter is not active count the same rows, the list's results: a short list
  of results is found once, as ids (MATERIALISED_ROWS), and facets counted by a value of the
  rows themselves (status, year, country) share one grouped query;
- the rows of each active filter are found once too, as ids when they are few (unit_ids): the
  results and the rows of a facet whose own filter is active are then the intersection of
  those of the other filters, so that no query applies a filter again (building the
  conditions of filters is most of the Python time of a filtered list);
- a facet that counts the whole public list (no other filter active) gives the same figures to
  every reader until something changes: with the page cache on, they are kept in the cache under
  its content version (newsroom/page_cache.py), which every committed change replaces.
"""

import contextlib
import copy
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import FilterMethod

from newsroom.key_lists import InKeys
from newsroom.text_queries import FreeTextField
from people.models import Organization

# ISO 3166-1 alpha-2 codes as the URLs carry them: lower case (django-countries stores upper).
COUNTRY_CODES = frozenset(code.lower() for code, name in countries)
# Free-text matches up to this many are listed by id in the facet queries (text_matches()),
# one parameter however many (newsroom/key_lists.py), rather than each facet matching the text
# again: a name 15,000 people share took 1.3 s on /cases/ at 100,000 people, matched in each.
MATERIALISED_TEXT_MATCHES = 20000
# A filtered list of at most this many rows is found once per request and listed by id in the
# page's count, its rows and the facet queries (FacetedFilterSet.facet_rows()), rather than each
# of them applying every filter again.
MATERIALISED_ROWS = 10000
FACET_COUNTS_CACHE_SECONDS = 600
UNKNOWN_ORGANIZATION = gettext_lazy("No organization on this site has the address “%(value)s”.")
UNKNOWN_SENTENCE = gettext_lazy("“%(value)s” is not a kind of sentence: choose one from the list.")
UNKNOWN_COUNTRY = gettext_lazy("Enter a country as a two-letter ISO code in lower case, e.g. kz.")
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


def digest(text):
    """A short digest of text, for a cache key (any text, of any length)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_empty(value):
    """An unset filter: None, "", or an empty list or queryset (0 is a value). A choice of
    records left unset is its field's queryset.none(): known empty without building its query
    (the records chosen were read when the form checked them)."""
    if isinstance(value, QuerySet) and value.query.is_empty():
        return True
    return value in EMPTY_VALUES or (hasattr(value, "__len__") and len(value) == 0)


@dataclass(frozen=True)
class Facet:
    """How one facet of a list is counted, over the list filtered by every active filter but
    `excluded` (its own): by `value`, an expression of each row ("status", a year), counted in
    one grouped query with the other such facets over the same rows (count_together), or by
    `count`, a function of the rows giving {option: count}, for counts that need joins or
    conditions of their own (per organization; "recognised"). Rows whose value is null count
    for no option."""

    excluded: tuple = ()
    value: Any = None
    count: Callable | None = None
    # What else the counts depend on besides the rows (e.g. the term of the sentence facet),
    # as text: part of the key under which counts over the whole list are cached.
    depends_on: str = ""


def count_together(queryset, facets):
    """{facet name: {value: count}} for facets counted by value over the rows of queryset, in
    one query grouped by every value at once. (A condition with a subquery is counted apart:
    inside an aggregate, PostgreSQL may run the subquery once per row.)"""
    values = {f"value_{index}": facet.value for index, facet in enumerate(facets.values())}
    rows = queryset.order_by().values(**values).annotate(total=Count("pk"))
    counts = {name: defaultdict(int) for name in facets}
    for row in rows:
        for index, name in enumerate(facets):
            if row[f"value_{index}"] is not None:
                counts[name][row[f"value_{index}"]] += row["total"]
    return {name: dict(totals) for name, totals in counts.items()}


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
                self.add_error(
                    name, gettext("Give “%(filter)s” only once.") % {"filter": field.label}
                )
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
    # Filters (or groups) that may keep most of the list (e.g. every prison sentence): among
    # other filters, their rows are not listed by id (unit_ids) but filtered in SQL, since
    # finding that there are too many to list runs their subquery for nothing (20 ms at full
    # size on SQLite).
    broad_filters = ()

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

    def applied_filters(self, excluded=()):
        """The names of the valid active filters, but the excluded ones, in a fixed order."""
        if not self.is_bound:
            return ()
        if "_active_filters" not in self.__dict__:  # asked a few dozen times per page
            self.form.is_valid()  # cleans the form once; cleaned_data holds the valid filters
            self._active_filters = tuple(
                name for name, value in self.form.cleaned_data.items() if not is_empty(value)
            )
        return tuple(name for name in self._active_filters if name not in excluded)

    def applied_units(self, excluded=()):
        """{unit: (filter name, value)} for the valid active filters but the excluded ones: a
        unit is a filter, or a group of filters applied together by one of them (as in
        filtered_without(), whose first active filter of a group applies it)."""
        units = {}
        for name in self.applied_filters(excluded):
            units.setdefault(self.grouped_filters.get(name, name), name)
        return {unit: (name, self.form.cleaned_data[name]) for unit, name in units.items()}

    def unit_ids(self, unit):
        """The ids of the rows of this list that one unit of filters keeps (applied_units),
        found once per request: a list when there are at most MATERIALISED_ROWS, else None
        (and None, without a query, for a broad filter among others: see broad_filters).
        The rows of several filters are the intersection of theirs (the filters are ANDed
        conditions on each row), so that no query applies a filter again, nor builds the
        conditions of several filters together, the costliest queries to compile."""
        found = self.__dict__.setdefault("_unit_ids", {})
        if unit not in found:
            units = self.applied_units()
            name, value = units[unit]
            if unit in self.broad_filters and len(units) > 1:
                found[unit] = None
            else:
                rows = self.filters[name].filter(self.queryset.prefetch_related(None), value)
                ids = self.known_text_matches(name, value)
                if ids is None:
                    ids = rows.order_by().values_list("pk", flat=True)[: MATERIALISED_ROWS + 1]
                    ids = list(ids)
                found[unit] = ids if len(ids) <= MATERIALISED_ROWS else None
        return found[unit]

    def filtered_by_units(self, queryset, excluded=()):
        """queryset filtered by every valid active filter except the excluded ones: among the
        ids that every filter with few rows keeps (unit_ids), and by the others in SQL."""
        id_lists = []
        for unit, (name, value) in self.applied_units(excluded).items():
            ids = self.unit_ids(unit)
            if ids is None:
                queryset = self.filters[name].filter(queryset, value)
            else:
                id_lists.append(ids)
        if id_lists:
            common = set(id_lists[0]).intersection(*id_lists[1:])
            queryset = queryset.filter(InKeys("pk", common))
        return queryset

    def matching_ids(self):
        """The ids of the list's results (every valid active filter), found once per request: a
        list when there are at most MATERIALISED_ROWS, else None."""
        if "_matching_ids" not in self.__dict__:
            id_lists = [self.unit_ids(unit) for unit in self.applied_units()]
            if len(id_lists) == 1:  # the one filter's rows, already found (or too many)
                ids = id_lists[0] if id_lists[0] is None else sorted(id_lists[0])
            elif None not in id_lists:
                ids = sorted(set(id_lists[0]).intersection(*id_lists[1:]))
            else:
                rows = self.filtered_by_units(self.queryset.prefetch_related(None))
                ids = list(rows.order_by().values_list("pk", flat=True)[: MATERIALISED_ROWS + 1])
            self._matching_ids = ids if ids is not None and len(ids) <= MATERIALISED_ROWS else None
        return self._matching_ids

    def keeps_no_row(self, excluded=()):
        """Whether the valid active filters but the excluded ones are known to keep no row
        without another query: the ids that one of them keeps (unit_ids) are none, or those
        listed have none in common. A facet then counts nothing, and the list is empty, with no
        query built for either: a reader narrowing a list to nothing costs little."""
        known = self.__dict__.setdefault("_keeps_no_row", {})
        if excluded not in known:
            id_lists = [self.unit_ids(unit) for unit in self.applied_units(excluded)]
            listed = sorted((ids for ids in id_lists if ids is not None), key=len)
            known[excluded] = bool(listed) and (
                not listed[0] or not set(listed[0]).intersection(*listed[1:])
            )
        return known[excluded]

    def facet_rows(self, *excluded):
        """The rows a facet counts: the list filtered by every valid active filter except the
        excluded ones. When that is every active filter (the facet's own is not active), they
        are the list's results, which the page and the other such facets count too: listed
        by id when they are few (matching_ids), so that no query applies the filters again.
        Otherwise, the rows of the other filters (filtered_by_units)."""
        base = self.queryset.prefetch_related(None)
        applied = self.applied_filters(excluded)
        if not applied:
            return base
        ids = self.matching_ids() if applied == self.applied_filters() else None
        if ids is None:
            return self.filtered_by_units(base, excluded)
        return base.filter(InKeys("pk", ids))

    def results(self):
        """The list's results, as the page shows and counts them: the same rows as qs, by id
        when they are few (see facet_rows)."""
        if not self.applied_filters():
            return self.qs
        if self.keeps_no_row():
            return self.queryset.none()
        ids = self.matching_ids()
        if ids is None:
            return self.filtered_by_units(self.queryset.all())
        return self.queryset.filter(InKeys("pk", ids))

    def known_result_count(self):
        """How many results() gives when that is known without counting them in a query: the
        ids found (matching_ids), or none (keeps_no_row). None otherwise."""
        if not self.applied_filters():
            return None
        if self.keeps_no_row():
            return 0
        ids = self.matching_ids()
        # As results() keeps them: each row once, however many times a filter's join found it.
        return None if ids is None else len(set(ids))

    def count_facets(self, facets):
        """{facet name: {option: count}} for facets, {name: Facet}: facets over the same rows
        share them (facet_rows) and their grouped query (count_together); the counts over the
        whole list may come from the cache (whole_list_cache_keys)."""
        self.facet_definitions = facets
        whole_list = [
            name for name, facet in facets.items() if not self.applied_filters(facet.excluded)
        ]
        counts = self.cached_whole_list_counts(whole_list)
        together = defaultdict(dict)
        for name, facet in facets.items():
            if name in counts:
                continue
            if self.keeps_no_row(facet.excluded):
                counts[name] = {}
            elif facet.count is not None:
                counts[name] = facet.count(self.facet_rows(*facet.excluded))
            else:
                together[self.applied_filters(facet.excluded)][name] = facet
        for facets_over_the_same_rows in together.values():
            excluded = next(iter(facets_over_the_same_rows.values())).excluded
            counts.update(count_together(self.facet_rows(*excluded), facets_over_the_same_rows))
        self.cache_whole_list_counts({name: counts[name] for name in whole_list if name in counts})
        return counts

    # The counts over the whole list, kept under the page cache's content version

    def whole_list_cache_keys(self, names):
        """{cache key: facet name}, or {} when no key can be trusted: the page cache is off
        (nothing then replaces its content version on a change) or cannot keep a version. A
        key holds the version, the list's own query (should a view list other rows) and what
        else the facet's counts depend on."""
        from newsroom.page_cache import content_version, page_cache_enabled

        if not names or not page_cache_enabled():
            return {}
        if "_whole_list_key_prefix" not in self.__dict__:
            self._whole_list_key_prefix = None
            version = content_version()
            with contextlib.suppress(EmptyResultSet):  # a list known to be empty: no key
                query = str(self.queryset.prefetch_related(None).order_by().query)
                if version is not None:
                    self._whole_list_key_prefix = f"filters:facets:{version}:{digest(query)}"
        if self._whole_list_key_prefix is None:
            return {}
        prefix = self._whole_list_key_prefix
        depends_on = {name: self.facet_definitions[name].depends_on for name in names}
        return {f"{prefix}:{name}:{digest(depends_on[name])}": name for name in names}

    def cached_whole_list_counts(self, names):
        keys = self.whole_list_cache_keys(names)
        return {keys[key]: counts for key, counts in cache.get_many(list(keys)).items()}

    def cache_whole_list_counts(self, counts):
        keys = self.whole_list_cache_keys(list(counts))
        if keys:
            cache.set_many(
                {key: counts[name] for key, name in keys.items()}, FACET_COUNTS_CACHE_SECONDS
            )

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

    def known_text_matches(self, name, text):
        """The ids that a free-text filter, once applied, is known to keep without a query:
        its text_matches() when they are a list (the filter keeps the rows among them), else
        None."""
        if not isinstance(self.form.fields[name], FreeTextField):
            return None
        matches = self.__dict__.get("_text_matches", {}).get(text)
        return matches if isinstance(matches, list) else None

    def among_text_matches(self, text, search):
        """The condition that a row is one of text_matches(): among the ids, or in the
        subquery."""
        matches = self.text_matches(text, search)
        return InKeys("pk", matches) if isinstance(matches, list) else Q(pk__in=matches)

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
        if name in getattr(self, "value_labels", {}):
            return self.value_labels[name](self, name, value)
        field = self.form.fields[name]
        # Translators: an active filter, "Country: Kazakhstan".
        label = gettext("%(filter)s: %(value)s")
        if isinstance(field, FreeTextField):  # the text as searched, not as typed
            return label % {"filter": field.label, "value": shorten(field.to_python(value))}
        if isinstance(field, CodeListField):
            return label % {"filter": field.label, "value": field.label_of(value)}
        # Read only here: the choices of a model field are a query (the custom labels above
        # name organizations and charges from the cleaned values instead).
        choices = dict(getattr(field, "choices", ()) or ())
        return label % {"filter": field.label, "value": choices.get(value, value)}

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
                    label = gettext("%(filter)s: %(value)s (not valid)") % {
                        "filter": self.form.fields[name].label,
                        "value": shorten(value),
                    }
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

    def get(self, request, *args, **kwargs):
        """FilterView.get(), but the results are filterset.results(): FilterView builds
        filterset.qs, every filter applied again, for rows the page then finds by id."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.known_result_count = None
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.results()
            self.known_result_count = self.filterset.known_result_count()
        else:
            self.object_list = self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.known_result_count is not None:
            # Paginator.count is a cached property: the count known, no COUNT query.
            paginator.__dict__["count"] = self.known_result_count
        return paginator

    def paginate_queryset(self, queryset, page_size):
        if len(self.request.GET.getlist(self.page_kwarg)) > 1:
            raise Http404(gettext("Give the page number only once."))
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        valid = not filterset.is_bound or filterset.is_valid()
        context = super().get_context_data(**kwargs)
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
    return gettext("Organization: %(organization)s") % {
        "organization": organization_name(filterset, name, slug)
    }


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
