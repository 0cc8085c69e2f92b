"""The facet counts of /cases/ and /people/ cost a fixed number of queries and are never stale
(issue 9, item 1; newsroom/filters.py FacetedFilterSet.count_facets).

- A short list of results is found once, by id, for the page, its count and the facets over the
  same rows; a long one stays a subquery. Both give the same results, order and counts.
- The number of queries does not grow with the records, filtered or not.
- With the page cache on, the counts over the whole public list are kept under its content
  version: a repeated request does not count them again, and the first request after a publish,
  an unpublish or a withheld name counts afresh. A facet over filtered rows is never kept.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import newsroom.filters
from cases.models import Case, SentencePart
from people.models import Person
from tests.admin_forms import post_change
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
)

CASES_URL = reverse("cases:list")
PEOPLE_URL = reverse("people:list")


def facet_counts(response, name):
    return {option.value: option.count for option in response.context["facets"][name]}


def all_facets(response):
    return {name: facet_counts(response, name) for name in response.context["facets"]}


def listed(response):
    return [row.pk for row in response.context["object_list"]]


def make_cases(count, organization, charge):
    """Cases about the organization, each with a defendant member of it sentenced to prison
    for 5 years under the charge, verdicts in 2020, half of them in Belarus."""
    for number in range(count):
        case = CaseFactory(
            title=f"Trial of the bloggers {number}",
            verdict_date="2020-03",
            status=Case.Status.SENTENCED,
            country="BY" if number % 2 else "KZ",
        )
        case.organizations.add(organization)
        person = PersonFactory(name=f"Blogger Number{number}", country="KZ")
        MembershipFactory(person=person, organization=organization)
        defendant = DefendantFactory(case=case, person=person)
        DefendantChargeFactory(defendant=defendant, charge=charge)
        SentencePartFactory(
            defendant=defendant,
            kind=SentencePart.Kind.PRISON,
            term_min_months=60,
            term_max_months=60,
        )


@pytest.fixture
def records(db):
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    charge = ChargeFactory(description="Extremism", article="405")
    make_cases(5, organization, charge)
    # Records readers may not see: an unpublished case and a person who is not public.
    hidden_case = CaseFactory(title="Unpublished trial", is_published=False, verdict_date="2020")
    hidden_case.organizations.add(organization)
    hidden_person = PersonFactory(name="Hidden Person", is_public=False)
    MembershipFactory(person=hidden_person, organization=organization)
    DefendantFactory(case=CaseFactory(title="Trial of a hidden person"), person=hidden_person)
    return organization, charge


def filtered_urls(organization, charge):
    return [
        (CASES_URL, {}),
        (CASES_URL, {"organization": organization.slug, "sentence": "prison"}),
        (CASES_URL, {"min_years": "4", "max_years": "6", "year": "2020"}),
        (CASES_URL, {"charge": charge.slug, "country": "by"}),
        (CASES_URL, {"status": "sentenced", "q": "bloggers"}),
        (CASES_URL, {"q": "nothing-matches-this"}),
        # Several filters that each keep few rows (found by id, then intersected).
        (CASES_URL, {"organization": organization.slug, "charge": charge.slug, "year": "2020"}),
        (CASES_URL, {"organization": organization.slug, "q": "bloggers", "min_years": "4"}),
        # Filters that keep nothing (FacetedFilterSet.keeps_no_row).
        (CASES_URL, {"year": "2019", "sentence": "prison"}),
        (PEOPLE_URL, {"status": "imprisoned"}),
        (PEOPLE_URL, {}),
        (PEOPLE_URL, {"organization": organization.slug}),
        (PEOPLE_URL, {"sentence": "prison", "country": "kz"}),
        (PEOPLE_URL, {"status": "maybe_imprisoned"}),
        (PEOPLE_URL, {"q": "Number3"}),
        (PEOPLE_URL, {"organization": organization.slug, "q": "Number3"}),
    ]


@pytest.mark.django_db
def test_results_counts_and_order_are_the_same_by_id_or_by_subquery(client, records, monkeypatch):
    """The rows found once by id (few) and the filters applied in every query (many) give the
    same page, the same result count and the same facet counts."""
    organization, charge = records
    for url, query in filtered_urls(organization, charge):
        answers = []
        for limit in (10_000, 0):
            monkeypatch.setattr(newsroom.filters, "MATERIALISED_ROWS", limit)
            response = client.get(url, query)
            assert response.status_code == 200, (url, query)
            answers.append(
                (response.context["result_count"], listed(response), all_facets(response))
            )
        assert answers[0] == answers[1], (url, query)


@pytest.mark.django_db
def test_the_shared_rows_give_the_counts_readers_expect(client, records):
    organization, charge = records
    response = client.get(CASES_URL, {"organization": organization.slug, "sentence": "prison"})
    assert response.status_code == 200
    assert response.context["result_count"] == 5
    # The facets over the same rows, and those of the two active filters over the others.
    assert facet_counts(response, "status")["sentenced"] == 5
    assert facet_counts(response, "country") == {"by": 2, "kz": 3}
    assert facet_counts(response, "year") == {"2020": 5}
    assert facet_counts(response, "charge") == {charge.slug: 5}
    assert facet_counts(response, "organization") == {organization.slug: 5}
    assert facet_counts(response, "sentence")["prison"] == 5
    # The unpublished case and the hidden person count nowhere.
    people = client.get(PEOPLE_URL, {"organization": organization.slug})
    assert people.status_code == 200
    assert people.context["result_count"] == 5
    assert facet_counts(people, "organization") == {organization.slug: 5}
    assert "Hidden Person" not in people.text
    assert "Unpublished trial" not in response.text


@pytest.mark.django_db
def test_several_filters_keep_the_rows_that_every_one_of_them_keeps(client, records):
    """Each filter's rows are found once and intersected: the results are the rows every
    filter keeps, and each active filter's facet counts the rows the others keep."""
    organization, charge = records
    other = OrganizationFactory(name="Other party", slug="other-party")
    other_case = CaseFactory(title="Trial of another party", verdict_date="2020-05", country="BY")
    other_case.organizations.add(other)
    DefendantChargeFactory(defendant=DefendantFactory(case=other_case), charge=charge)
    query = {"organization": organization.slug, "charge": charge.slug, "year": "2020"}
    response = client.get(CASES_URL, {**query, "country": "by"})
    assert response.status_code == 200
    assert response.context["result_count"] == 2
    assert len(listed(response)) == 2
    assert facet_counts(response, "organization") == {organization.slug: 2, other.slug: 1}
    assert facet_counts(response, "charge") == {charge.slug: 2}
    assert facet_counts(response, "year") == {"2020": 2}
    assert facet_counts(response, "country") == {"by": 2, "kz": 3}
    assert "Trial of another party" not in response.text
    assert "Trial of the bloggers 1" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, counted_facet",
    [
        ({"year": "2019", "sentence": "prison"}, "year"),
        ({"q": "bloggers 2", "organization": "other-party"}, "organization"),
    ],
    ids=["a filter keeps nothing", "two filters keep nothing in common"],
)
def test_filters_that_keep_nothing_count_only_the_facets_that_find_rows(
    client, records, monkeypatch, query, counted_facet
):
    """A reader who narrows the list to nothing gets an empty list and zero counts, built
    without a query. The one facet counted is that of an active filter whose rows, those the
    other filters keep, are not known to be none: how many changing that filter would find."""
    other_case = CaseFactory(title="Trial of another party", verdict_date="2021")
    other_case.organizations.add(OrganizationFactory(name="Other party", slug="other-party"))
    counted_over = []
    facet_rows = newsroom.filters.FacetedFilterSet.facet_rows

    def recording_facet_rows(filterset, *excluded):
        counted_over.append(excluded)
        return facet_rows(filterset, *excluded)

    monkeypatch.setattr(newsroom.filters.FacetedFilterSet, "facet_rows", recording_facet_rows)
    response = client.get(CASES_URL, query)
    assert response.status_code == 200
    assert response.context["result_count"] == 0
    assert listed(response) == []
    assert not any(facet_counts(response, "status").values())
    assert not any(facet_counts(response, "sentence").values())
    # Over the rows the other filter keeps: prison sentences (five), "bloggers 2" (one).
    expected = {
        "year": {"2020": 5, "2019": 0},
        "organization": {"koshe-party": 1, "other-party": 0},
    }[counted_facet]
    assert facet_counts(response, counted_facet) == expected
    assert counted_over == [(counted_facet,)]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [10_000, 0], ids=["by-id", "by-subquery"])
def test_the_results_found_by_id_are_not_counted_again(client, records, monkeypatch, limit):
    """The page's result count is the number of ids found (paginated as before): only results
    left as a subquery (too many to list) are counted in a query of their own."""
    organization, charge = records
    make_cases(20, organization, charge)
    monkeypatch.setattr(newsroom.filters, "MATERIALISED_ROWS", limit)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CASES_URL, {"organization": organization.slug, "page": "2"})
    assert response.status_code == 200
    assert response.context["result_count"] == 25
    assert response.context["page_obj"].paginator.num_pages == 2
    assert len(listed(response)) == 5
    cases_counted = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "cases_case"')
    ]
    # The "recognised" facet's count, and the results' own when they are a subquery.
    assert len(cases_counted) == (1 if limit else 2)


@pytest.mark.django_db
def test_a_person_in_two_selected_organizations_is_listed_and_counted_once(client, records):
    organization, _ = records
    other = OrganizationFactory(name="Other party", slug="other-party")
    MembershipFactory(person=Person.objects.get(name="Blogger Number1"), organization=other)
    response = client.get(PEOPLE_URL, {"organization": [organization.slug, other.slug]})
    assert response.status_code == 200
    assert response.context["result_count"] == 5
    assert len(listed(response)) == 5
    assert response.text.count("Blogger Number1<") == 1


@pytest.mark.django_db
def test_a_selected_charge_without_results_is_still_offered(client, records):
    """The charge facet lists the charges with results and the selected ones, even when a
    selected one gives none with the other filters."""
    organization, charge = records
    other_charge = ChargeFactory(description="Insulting the president", article="373")
    DefendantChargeFactory(
        defendant=DefendantFactory(case=CaseFactory(title="Trial of a poet")), charge=other_charge
    )
    response = client.get(
        CASES_URL, {"organization": organization.slug, "charge": other_charge.slug}
    )
    assert response.status_code == 200
    assert response.context["result_count"] == 0
    assert "No cases match these filters" in response.text
    assert facet_counts(response, "charge") == {charge.slug: 5, other_charge.slug: 0}
    selected = [option for option in response.context["facets"]["charge"] if option.selected]
    assert [option.value for option in selected] == [other_charge.slug]


def refresh_statistics():
    """On PostgreSQL, plans follow the statistics that autovacuum keeps up to date on a live
    database; in a test, tables grown from 5 to 50 cases at once still read as nearly empty, and
    the planner nests loops over the real rows (old and new query shapes alike, seconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def count_queries(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [10_000, 0], ids=["by-id", "by-subquery"])
def test_the_queries_do_not_grow_from_5_to_50_cases(client, monkeypatch, limit):
    monkeypatch.setattr(newsroom.filters, "MATERIALISED_ROWS", limit)
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    charge = ChargeFactory(description="Extremism", article="405")
    make_cases(5, organization, charge)
    before = {}
    for url, query in filtered_urls(organization, charge):
        response, before[url, str(query)] = count_queries(client, url, query)
    make_cases(45, organization, charge)
    refresh_statistics()
    for url, query in filtered_urls(organization, charge):
        response, queries = count_queries(client, url, query)
        assert queries <= before[url, str(query)], (url, query)
    # And the figures grew with the records.
    response = client.get(CASES_URL, {"organization": organization.slug, "sentence": "prison"})
    assert response.context["result_count"] == 50
    assert facet_counts(response, "organization") == {organization.slug: 50}


# The counts over the whole list, kept under the page cache's content version (real commits).


def facet_queries(client, url, query=None):
    """The response, and how many of its queries counted organizations (a facet query)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200
    organization_facets = (
        'SELECT "people_membership"."organization_id"',
        "SELECT pairs.organization_id",
    )
    counted = [q for q in queries.captured_queries if q["sql"].startswith(organization_facets)]
    return response, len(counted)


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


@pytest.fixture
def reader_with_a_cookie():
    """A reader the page cache does not answer (a cookie of the site's): every page is
    rendered, so what is measured is the facet counts' own cache."""
    reader = Client()
    reader.cookies["csrftoken"] = "x" * 32
    return reader


@pytest.mark.django_db(transaction=True)
def test_whole_list_counts_are_kept_until_a_person_is_published_or_unpublished(
    page_cache_on, reader_with_a_cookie, editor_client
):
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    MembershipFactory(person=PersonFactory(name="First Member"), organization=organization)
    newcomer = PersonFactory(name="Second Member", is_public=False)
    MembershipFactory(person=newcomer, organization=organization)

    first, counted_first = facet_queries(reader_with_a_cookie, PEOPLE_URL)
    again, counted_again = facet_queries(reader_with_a_cookie, PEOPLE_URL)
    assert (
        facet_counts(first, "organization")
        == facet_counts(again, "organization")
        == {"koshe-party": 1}
    )
    assert (counted_first, counted_again) == (1, 0)  # the repeated request counts nothing
    assert again.content == first.content

    post_change(editor_client, newcomer, is_public="on")
    published, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL)
    assert facet_counts(published, "organization") == {"koshe-party": 2}
    assert counted == 1
    assert "Second Member" in published.text

    post_change(editor_client, newcomer, is_public=None)
    unpublished, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL)
    assert facet_counts(unpublished, "organization") == {"koshe-party": 1}
    assert counted == 1
    assert "Second Member" not in unpublished.text


@pytest.mark.django_db(transaction=True)
def test_whole_list_counts_are_kept_until_a_case_is_published_or_unpublished(
    page_cache_on, reader_with_a_cookie, editor_client
):
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    CaseFactory(title="First trial", status=Case.Status.TRIAL).organizations.add(organization)
    newcomer = CaseFactory(title="Second trial", status=Case.Status.TRIAL, is_published=False)
    newcomer.organizations.add(organization)

    first, counted_first = facet_queries(reader_with_a_cookie, CASES_URL)
    again, counted_again = facet_queries(reader_with_a_cookie, CASES_URL)
    assert (counted_first, counted_again) == (1, 0)
    assert facet_counts(again, "status")["trial"] == 1
    assert facet_counts(again, "organization") == {"koshe-party": 1}

    post_change(editor_client, newcomer, is_published="on")
    published, counted = facet_queries(reader_with_a_cookie, CASES_URL)
    assert counted == 1
    assert facet_counts(published, "status")["trial"] == 2
    assert facet_counts(published, "organization") == {"koshe-party": 2}

    post_change(editor_client, newcomer, is_published=None)
    unpublished, counted = facet_queries(reader_with_a_cookie, CASES_URL)
    assert facet_counts(unpublished, "status")["trial"] == 1
    assert facet_counts(unpublished, "organization") == {"koshe-party": 1}
    assert "Second trial" not in unpublished.text


@pytest.mark.django_db(transaction=True)
def test_a_withheld_name_is_counted_afresh_and_never_found(
    page_cache_on, reader_with_a_cookie, editor_client
):
    """A person whose name is withheld still counts in the figures, but their name finds
    nothing: the facets over a name search are counted with the search, never kept."""
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    person = PersonFactory(name="Aigerim Zhaksylykova")
    MembershipFactory(person=person, organization=organization)
    found, _ = facet_queries(reader_with_a_cookie, PEOPLE_URL, {"q": "Zhaksylykova"})
    assert facet_counts(found, "organization") == {"koshe-party": 1}
    facet_queries(reader_with_a_cookie, PEOPLE_URL)  # the whole list's counts, now kept

    post_change(editor_client, person, name_status=Person.NameStatus.WITHHELD)
    withheld, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL)
    assert counted == 1  # counted afresh after the change
    assert facet_counts(withheld, "organization") == {"koshe-party": 1}
    assert "Aigerim Zhaksylykova" not in withheld.text
    searched, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL, {"q": "Zhaksylykova"})
    assert searched.context["result_count"] == 0
    assert facet_counts(searched, "organization") == {}
    assert "Aigerim Zhaksylykova" not in searched.text.replace("“Zhaksylykova”", "")


@pytest.mark.django_db(transaction=True)
def test_counts_over_filtered_rows_are_never_kept(page_cache_on, reader_with_a_cookie):
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    MembershipFactory(
        person=PersonFactory(name="First Member", country="KZ"), organization=organization
    )
    for _ in range(2):
        response, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL, {"country": "kz"})
        assert counted == 1
        assert facet_counts(response, "organization") == {"koshe-party": 1}


@pytest.mark.django_db(transaction=True)
def test_the_sentence_counts_of_a_term_are_not_those_of_no_term(
    page_cache_on, reader_with_a_cookie
):
    """The sentence facet counts over the whole list whatever the term, but its counts depend
    on the term: each term is kept apart."""
    defendant = DefendantFactory(case=CaseFactory(title="Trial"))
    SentencePartFactory(
        defendant=defendant, kind=SentencePart.Kind.PRISON, term_min_months=24, term_max_months=24
    )
    any_term = reader_with_a_cookie.get(CASES_URL)
    long_term = reader_with_a_cookie.get(CASES_URL, {"min_years": "10"})
    short_term = reader_with_a_cookie.get(CASES_URL, {"max_years": "3"})
    assert facet_counts(any_term, "sentence")["prison"] == 1
    assert facet_counts(long_term, "sentence")["prison"] == 0
    assert facet_counts(short_term, "sentence")["prison"] == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_page_cache_off_nothing_is_kept(settings, reader_with_a_cookie):
    """Without the page cache nothing replaces its version on a change: every request counts."""
    settings.NEWSROOM_PAGE_CACHE = False
    organization = OrganizationFactory(name="Koshe party", slug="koshe-party")
    MembershipFactory(person=PersonFactory(name="First Member"), organization=organization)
    for _ in range(2):
        response, counted = facet_queries(reader_with_a_cookie, PEOPLE_URL)
        assert counted == 1
        assert facet_counts(response, "organization") == {"koshe-party": 1}


@pytest.mark.django_db
def test_a_page_of_the_whole_people_list_is_read_in_order_off_its_index(client):
    """On PostgreSQL, the order of the people list (PersonQuerySet.in_public_order) is the
    expression the index person_public_order_idx holds, so a page is read off the index instead
    of sorting every public person. (Not on SQLite: migration 0009 says why.)"""
    for name in ["Zhanna Abenova", "Aidos Sadykov", "Bolat Akhmetov"]:
        PersonFactory(name=name)
    PersonFactory(name="Hidden Name", name_status=Person.NameStatus.WITHHELD)
    if connection.vendor == "postgresql":
        page = Person.objects.public().in_public_order()[:50]
        sql, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            # A few rows: PostgreSQL would rather scan and sort them than read the index.
            for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"]:
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "person_public_order_idx" in plan
        assert "Sort" not in plan

    response = client.get(PEOPLE_URL)
    assert response.status_code == 200
    names = [person.public_name for person in response.context["object_list"]]
    # By surname, the withheld name last and never shown.
    assert names[:3] == ["Zhanna Abenova", "Bolat Akhmetov", "Aidos Sadykov"]
    assert len(names) == 4 and "Hidden Name" not in response.text
