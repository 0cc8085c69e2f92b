"""Building a list's filter form costs no copy of the long lists of valid values.

Django deep-copies every form field's choices each time a form is built. As choices, the 9,000
four-digit years and 250 countries of the case filters made about half the time of a filtered
case list; they are kept in sets shared by every form instead (newsroom/filters.py
CodeListField), and the readers' options come from the facets, as before."""

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.http import QueryDict

from cases.filters import CaseFilter
from newsroom.filters import CodeListFilter
from people.filters import PersonFilter
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filterset_class", [CaseFilter, PersonFilter])
def test_no_filter_carries_a_long_list_of_choices(filterset_class):
    """Each filter's choices are deep-copied with every filter set and form built; long lists
    of valid values are CodeListFilters (shared sets) instead."""
    long_lists = {
        name: len(filter_.extra["choices"])
        for name, filter_ in filterset_class.base_filters.items()
        if len(filter_.extra.get("choices", ())) >= 50
    }

    assert long_lists == {}
    form = filterset_class(QueryDict("country=kz&country=by")).form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == ["kz", "by"]


@pytest.mark.parametrize("filterset_class", [CaseFilter, PersonFilter])
def test_a_filter_set_shares_the_sets_of_valid_values_with_its_class(filterset_class):
    """A FilterSet deep-copies its filters when built: the sets are shared, not copied."""
    filterset = filterset_class(QueryDict("country=kz"))
    for name, filter_ in filterset.filters.items():
        if isinstance(filter_, CodeListFilter):
            original = filterset_class.base_filters[name]
            assert filter_ is not original
            assert filter_.extra["valid_values"] is original.extra["valid_values"]
    assert filterset.form.is_valid(), filterset.form.errors
    assert filterset.form.cleaned_data["country"] == ["kz"]


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ({"country": "kz"}, "Country: Kazakhstan"),
        ({"country": "by"}, "Country: Belarus"),
        ({"year": "2023"}, "Year of the verdict: 2023"),
    ],
)
def test_active_country_and_year_filters_read_as_before(client, query, label):
    response = client.get("/cases/", query)

    assert response.status_code == 200
    assert label in [active.label for active in response.context["active_filters"]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"country": "xx"}, "Enter a country as a two-letter ISO code in lower case"),
        ({"country": "KZ"}, "Enter a country as a two-letter ISO code in lower case"),
        ({"year": "23"}, "Enter a year of four digits"),
        ({"year": "0999"}, "Enter a year of four digits"),
    ],
)
def test_a_value_outside_the_set_is_a_form_error(client, query, message):
    response = client.get("/cases/", query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["result_count"] == 0


@pytest.mark.parametrize("filterset_class", [CaseFilter, PersonFilter])
def test_an_unset_choice_of_records_is_known_empty_without_building_its_query(
    filterset_class, monkeypatch
):
    """A choice of organizations (or charges) left unset is cleaned to queryset.none(): the
    filter set sees it is not applied without compiling that query (as long to build as a real
    one), and a choice made is read once, when the form checks it."""
    OrganizationFactory(name="Koshe party", slug="koshe-party")
    compiled = []
    as_sql = SQLCompiler.as_sql

    def recording_as_sql(compiler, *args, **kwargs):
        compiled.append(compiler.query.model._meta.label)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", recording_as_sql)
    unset = filterset_class(QueryDict("country=kz"))
    assert unset.applied_filters() == ("country",)
    assert "people.Organization" not in compiled

    chosen = filterset_class(QueryDict("organization=koshe-party&country=kz"))
    assert chosen.applied_filters() == ("organization", "country")
    assert compiled.count("people.Organization") == 1  # the form's check of the slug
