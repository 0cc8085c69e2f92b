"""Free text on public pages costs a bounded amount of SQL (issue 8, item 2).

Every free-text parameter (`q` of /search/, /cases/ and /people/) goes through one function,
newsroom.text_queries.bound_text: control characters out, at most MAX_QUERY_LENGTH characters
and MAX_WORDS words (counting the words a name splits into), and the reader is told what was
used. Behind the cap, the query shape itself does not grow in joins with the words: each word
is one more subquery, not one more join.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from newsroom.management.commands.load_demo import ALMATY_CASE_SLUG
from newsroom.text_queries import MAX_QUERY_LENGTH, MAX_WORDS, bound_text, distinct_words
from people.models import Organization, Person
from people.names import search_terms
from tests.factories import CaseFactory, DefendantFactory, PersonFactory, PersonNameFactory
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

PAGES = {
    "people": reverse("people:list"),
    "cases": reverse("cases:list"),
    "search": reverse("newsroom:search"),
}
# The most joins one SQL statement of these pages may have, whatever the query: the pages'
# own joins (facets, prefetches), none of them per word.
MAX_JOINS_PER_STATEMENT = 3


def joins_per_statement(queries):
    return [query["sql"].count(" JOIN ") for query in queries]


def get_with_sql(client, url, query):
    cache.clear()  # the same statements each time, cached lists included
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": query})
    assert response.status_code == 200
    return response, queries.captured_queries


@pytest.mark.parametrize("page", PAGES)
def test_16_64_and_200_words_answer_with_the_same_bounded_joins(client, demo, page):
    joins = {}
    for count in (16, 64, 200):
        response, queries = get_with_sql(client, PAGES[page], " ".join(["a"] * count))
        assert f"Only the first {MAX_WORDS} words" in page_text(response)
        joins[count] = joins_per_statement(queries)
        assert max(joins[count]) <= MAX_JOINS_PER_STATEMENT, queries
    assert joins[16] == joins[64] == joins[200]


@pytest.mark.parametrize("page", PAGES)
def test_a_word_that_splits_into_many_name_parts_is_capped_too(client, demo, page):
    # 27 characters that took 23 s on /cases/ before: one word, 14 parts of a name.
    response, queries = get_with_sql(client, PAGES[page], "-".join(["a"] * 14))
    assert f"Only the first {MAX_WORDS} words" in page_text(response)
    assert max(joins_per_statement(queries)) <= MAX_JOINS_PER_STATEMENT


@pytest.mark.parametrize("page", PAGES)
def test_the_joins_do_not_grow_from_one_word_to_the_cap(client, demo, page):
    _, one = get_with_sql(client, PAGES[page], "abai")
    _, eight = get_with_sql(client, PAGES[page], " ".join(["abai"] * MAX_WORDS))
    assert joins_per_statement(one) == joins_per_statement(eight)


@pytest.mark.parametrize("page", PAGES)
def test_a_word_typed_again_adds_no_condition(client, demo, page):
    """A word repeated, in the same or other capitals, is matched once: the same statements
    as the word typed once, the same results."""
    once, once_sql = get_with_sql(client, PAGES[page], "Begimbetov")
    again, again_sql = get_with_sql(client, PAGES[page], "Begimbetov begimbetov BEGIMBETOV")
    assert len(again_sql) == len(once_sql)
    for once_query, again_query in zip(once_sql, again_sql, strict=True):
        assert again_query["sql"].lower().count("begimbetov") == once_query["sql"].lower().count(
            "begimbetov"
        )
    if page == "search":
        found = [[row.pk for row in group["results"]] for group in once.context["groups"]]
        assert found == [[row.pk for row in group["results"]] for group in again.context["groups"]]
        assert any(found)
    else:
        assert list(again.context["object_list"]) == list(once.context["object_list"])
        assert once.context["object_list"]
    assert "Begimbetov" in page_text(again)


def test_words_and_name_parts_are_each_matched_once():
    assert distinct_words("Verdict verdict VERDICT in court in") == ["Verdict", "in", "court"]
    assert search_terms("Begimbetov Бегимбетов begimbetov Abai") == ["begimbetov", "abai"]
    # The bound still counts what was typed.
    assert bound_text(" ".join(["a"] * 20)).text == " ".join(["a"] * MAX_WORDS)
    assert bound_text(" ".join(["a"] * 20)).words == ["a"]


def test_every_name_query_shape_has_the_same_joins_for_1_and_50_words():
    """The query shape, without the cap: 50 words make no more joins than one."""
    shapes = {
        "person": lambda terms: Person.objects.searchable().matching(terms),
        "organization": lambda terms: Organization.objects.public().matching(terms),
        "case": lambda terms: Case.objects.published().search(" ".join(terms)),
    }
    for name, shape in shapes.items():
        one = str(shape(["abai"]).query).count(" JOIN ")
        fifty = str(shape([f"word{number}" for number in range(50)]).query).count(" JOIN ")
        assert one == fifty, name
        selects = [
            len(re.findall(r"\bSELECT\b", str(shape(terms).query)))
            for terms in (["a", "b"], ["a", "b", "c"])
        ]
        if name == "person":
            # Each word is a condition on the person's row: the alternate names that contain
            # it are read beforehand (PersonQuerySet.name_conditions), not in a subquery.
            assert selects == [1, 1], name
        else:
            # Each word is one subquery (over the alternate names, or the defendants).
            assert selects[0] < selects[1], name


def test_capped_lists_still_find_by_the_words_kept(client, demo):
    noise = " ".join(["zzz"] * 30)
    people = client.get(PAGES["people"], {"q": f"Abai Begimbetov {noise}"})
    assert people.status_code == 200
    # "zzz" (kept as the 3rd to 8th words) matches nobody: the kept words still all apply.
    assert list(people.context["object_list"]) == []
    assert "Only the first 8 words of your search were used" in page_text(people)
    found = client.get(PAGES["people"], {"q": "Abai Begimbetov"})
    assert [person.slug for person in found.context["object_list"]] == ["abai-begimbetov"]
    cases = client.get(PAGES["cases"], {"q": "Almaty " + "a " * 40})
    assert ALMATY_CASE_SLUG in [case.slug for case in cases.context["object_list"]]
    assert "Only the first 8 words of your search were used" in page_text(cases)


def test_the_active_filter_shows_the_text_as_searched(client, demo):
    response = client.get(PAGES["cases"], {"q": "Almaty " + "a\x00 " * 40})
    assert response.status_code == 200
    assert [active.label for active in response.context["active_filters"]] == [
        "Search: Almaty a a a a a a a"
    ]
    assert "Search: Almaty a a a a a a a" in page_text(response)


def test_a_person_is_found_by_an_alternate_name_word_by_word(client):
    person = PersonFactory(name="Nurlan Example")
    PersonNameFactory(person=person, name="Нурлан Примеров")
    PersonNameFactory(person=person, name="Nurlan Primerov")
    # One word in the name, one in an alternate name: both must match, each anywhere.
    response = client.get(PAGES["people"], {"q": "Example Primerov"})
    assert response.status_code == 200
    assert [found.slug for found in response.context["object_list"]] == [person.slug]
    # Listed once however many alternate names match.
    response = client.get(PAGES["people"], {"q": "Nurlan"})
    assert [found.slug for found in response.context["object_list"]] == [person.slug]
    case = CaseFactory(title="Trial in Aktau")
    DefendantFactory(case=case, person=person)
    response = client.get(PAGES["cases"], {"q": "Aktau Primerov"})
    assert [found.slug for found in response.context["object_list"]] == [case.slug]


@pytest.mark.parametrize("page", PAGES)
def test_a_too_long_query_is_shortened_and_the_page_says_so(client, demo, page):
    response = client.get(PAGES[page], {"q": "Begimbetov " + "x" * 5000})
    assert response.status_code == 200
    text = page_text(response)
    assert f"only its first {MAX_QUERY_LENGTH} characters were used" in text
    assert "Some filters are not valid" not in text


@pytest.mark.parametrize("page", ["people", "cases"])
def test_control_characters_are_removed_from_list_queries(client, demo, page):
    response = client.get(PAGES[page], {"q": "Abai\x00 Begim\x07betov"})
    assert response.status_code == 200
    assert "Some filters are not valid" not in page_text(response)
    if page == "people":
        assert [p.slug for p in response.context["object_list"]] == ["abai-begimbetov"]


def test_bound_text_keeps_short_queries_as_typed():
    bounded = bound_text("  Abai   Begimbetov ")
    assert bounded.text == "Abai Begimbetov"
    assert bounded.notices == ()


def test_bound_text_caps_words_and_name_parts_and_says_what_was_used():
    bounded = bound_text(" ".join(f"w{number}" for number in range(20)))
    assert bounded.text.split() == [f"w{number}" for number in range(MAX_WORDS)]
    assert bounded.notices == (
        f"Only the first {MAX_WORDS} words of your search were used: “{bounded.text}”.",
    )
    hyphenated = bound_text("-".join("abcdefghijklmnopqrstuvwxyz"))
    assert search_terms(hyphenated.text) == list("abcdefgh")
    assert hyphenated.text == "a-b-c-d-e-f-g-h"


def test_bound_text_shortens_to_the_character_limit_and_removes_control_characters():
    bounded = bound_text("a\x00b\tc\u200bd " + "x" * 300)
    # A tab is a space; other control characters go.
    assert bounded.text.startswith("ab c\u200bd ")
    assert len(bounded.text) <= MAX_QUERY_LENGTH
    assert len(bounded.notices) == 1
