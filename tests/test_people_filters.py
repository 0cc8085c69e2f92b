"""The people list's filters (issue 3): who is in prison now, organizations, sentences, names."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Defendant, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PersonNameFactory,
    SentencePartFactory,
)
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:list")
DEMO_PRISONERS = ["abai-begimbetov", "askhat-zheksebaev", "noyan-rakhymzhanov", "qairat-qylyshev"]


def listed_slugs(response):
    return [person.slug for person in response.context["object_list"]]


def facet_counts(response, name):
    return {option.value: option.count for option in response.context["facets"][name]}


# A verdict a year ago: five years from it, the prisoner is certainly in prison now.
RECENT_VERDICT = PartialDate(timezone.localdate().year - 1, 1, 15)


def prisoner(name="Jailed Person", **defendant_fields):
    defendant_fields.setdefault("case", CaseFactory(verdict_date=RECENT_VERDICT))
    defendant = DefendantFactory(person=PersonFactory(name=name), **defendant_fields)
    SentencePartFactory(defendant=defendant, kind=SentencePart.Kind.PRISON)
    return defendant.person


# In prison now.


def test_the_four_named_demo_prisoners_may_be_in_prison(client, demo):
    """Their verdict date was not reported: the release window cannot be worked out, so they
    may be in prison now, not certainly (issue 11)."""
    certain = client.get(LIST_URL, {"status": "imprisoned"})
    assert certain.status_code == 200
    assert listed_slugs(certain) == []
    response = client.get(LIST_URL, {"status": "maybe_imprisoned"})
    assert response.status_code == 200
    assert sorted(listed_slugs(response)) == DEMO_PRISONERS
    text = page_text(response)
    assert "Name not reported" not in text
    assert "Mukhtar Ablyazov" not in text
    assert "4 people" in text


def test_imprisoned_count_is_shown_next_to_the_option(client, demo):
    text = page_text(client.get(LIST_URL))
    assert "In prison now (0)" in text
    assert "May be in prison now (4)" in text


def assert_imprisoned_lists_only(client, serving, left_out):
    """The "in prison now" list shows the serving prisoner and not the one left out."""
    response = client.get(LIST_URL, {"status": "imprisoned"})
    assert response.status_code == 200
    assert listed_slugs(response) == [serving.slug]
    assert serving.name in page_text(response)
    assert left_out.name not in page_text(response)
    assert list(Person.objects.imprisoned()) == [serving]


def test_imprisoned_leaves_out_the_released(client):
    released = prisoner("Released Prisoner", release_date=PartialDate(2025, 1))
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=released)


def test_imprisoned_leaves_out_those_tried_in_absentia(client):
    in_absentia = prisoner("Absent Prisoner", in_absentia=True)
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=in_absentia)


def test_imprisoned_leaves_out_those_not_convicted(client):
    awaiting = prisoner("Awaiting Verdict", verdict=Defendant.Verdict.PENDING)
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=awaiting)


def test_imprisoned_leaves_out_prisoners_of_unpublished_cases(client):
    unpublished = prisoner(
        "Unpublished Prisoner", case=CaseFactory(is_published=False, verdict_date=RECENT_VERDICT)
    )
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=unpublished)


def test_imprisoned_leaves_out_private_people(client):
    private = prisoner("Private Prisoner")
    Person.objects.filter(pk=private.pk).update(is_public=False)
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=private)


def test_imprisoned_leaves_out_other_penalties(client):
    defendant = DefendantFactory(person=PersonFactory(name="Restricted Freedom"))
    SentencePartFactory(defendant=defendant, kind=SentencePart.Kind.RESTRICTED_FREEDOM)
    assert_imprisoned_lists_only(client, prisoner("Serving Prisoner"), left_out=defendant.person)


# The unfiltered list and names.


def test_unnamed_people_are_listed_as_one_group_without_a_name(client, demo):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 14
    text = page_text(response)
    assert text.count("9 people whose names were not reported") == 1
    assert "Abai Begimbetov" in text


def test_a_withheld_person_is_listed_but_never_found_by_name(client):
    person = PersonFactory(name="Secretname Hidden", name_status=Person.NameStatus.WITHHELD)
    PersonNameFactory(person=person, name="Secretalias")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Name withheld" in text
    assert "Secretname" not in text
    for word in ("Secretname", "Secretalias"):
        searched = client.get(LIST_URL, {"q": word})
        assert searched.status_code == 200
        assert "No people match these filters." in page_text(searched)
        assert listed_slugs(searched) == []


def test_name_search_finds_any_spelling_of_a_named_person(client, demo):
    for spelling in ["Kairat Kylyshev", "Қайрат Қылышев", "qairat"]:
        assert listed_slugs(client.get(LIST_URL, {"q": spelling})) == ["qairat-qylyshev"]


def test_row_shows_organizations_case_and_sentence(client, demo):
    text = page_text(client.get(LIST_URL, {"q": "Begimbetov"}))
    assert "Democratic Choice of Kazakhstan, Koshe party" in text
    assert "Almaty trial of 13 opposition activists: 5 years in prison" in text


# Organization, sentence and country, with counts.


@pytest.fixture
def members():
    party = OrganizationFactory(name="Open Party", slug="open-party")
    bureau = OrganizationFactory(name="Rights Bureau", slug="rights-bureau")
    jailed = prisoner("Jailed Member")
    MembershipFactory(person=jailed, organization=party)
    fined = DefendantFactory(person=PersonFactory(name="Fined Member", country="RU"))
    SentencePartFactory(defendant=fined, kind=SentencePart.Kind.FINE)
    MembershipFactory(person=fined.person, organization=party)
    MembershipFactory(person=fined.person, organization=bureau)
    PersonFactory(name="Not Prosecuted")
    return {"party": party, "bureau": bureau, "jailed": jailed, "fined": fined.person}


def test_organization_and_sentence_counts(client, members):
    response = client.get(LIST_URL)
    assert facet_counts(response, "organization") == {"open-party": 2, "rights-bureau": 1}
    counts = facet_counts(response, "sentence")
    assert (counts["prison"], counts["fine"], counts["probation"]) == (1, 1, 0)
    assert facet_counts(response, "country") == {"kz": 2, "ru": 1}


def test_counts_apply_the_other_filters(client, members):
    response = client.get(LIST_URL, {"sentence": "fine"})
    assert facet_counts(response, "organization") == {"open-party": 1, "rights-bureau": 1}
    assert facet_counts(response, "status") == {"imprisoned": 0, "maybe_imprisoned": 0}


def test_repeated_values_are_ored_and_parameters_anded(client, members):
    both = client.get(LIST_URL + "?sentence=prison&sentence=fine")
    assert sorted(listed_slugs(both)) == sorted([members["jailed"].slug, members["fined"].slug])
    bureau_prison = client.get(LIST_URL, {"organization": "rights-bureau", "sentence": "prison"})
    assert bureau_prison.status_code == 200
    assert "No people match these filters." in page_text(bureau_prison)
    assert listed_slugs(bureau_prison) == []
    assert listed_slugs(client.get(LIST_URL, {"country": "ru"})) == [members["fined"].slug]


def test_repeated_organizations_are_ored(client, members):
    bureau = OrganizationFactory(slug="bureau-two")
    other = PersonFactory(name="Other Member")
    MembershipFactory(person=other, organization=bureau)
    response = client.get(LIST_URL + "?organization=rights-bureau&organization=bureau-two")
    assert sorted(listed_slugs(response)) == sorted([members["fined"].slug, other.slug])


def test_a_private_person_is_never_listed_nor_counted(client, members):
    hidden = prisoner("Hidden Prisoner")
    MembershipFactory(person=hidden, organization=members["party"])
    Person.objects.filter(pk=hidden.pk).update(is_public=False)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert members["jailed"].slug in listed_slugs(response)
    assert hidden.slug not in listed_slugs(response)
    assert facet_counts(response, "organization")["open-party"] == 2
    assert facet_counts(response, "status") == {"imprisoned": 1, "maybe_imprisoned": 0}
    searched = client.get(LIST_URL, {"q": "Hidden"})
    assert searched.status_code == 200
    assert "No people match these filters." in page_text(searched)
    assert "Hidden Prisoner" not in page_text(searched)


def test_a_private_organization_is_neither_an_option_nor_shown(client, members):
    secret = OrganizationFactory(name="Secret Cell", slug="secret-cell", is_public=False)
    MembershipFactory(person=members["jailed"], organization=secret)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert facet_counts(response, "organization") == {"open-party": 2, "rights-bureau": 1}
    assert "Open Party" in page_text(response)
    assert "secret-cell" not in facet_counts(response, "organization")
    assert "Secret Cell" not in page_text(response)


# Bad input.

INVALID_PARAMETERS = [
    ("status=x", "status"),
    ("status=imprisoned&status=imprisoned", "status"),
    ("sentence=nonsense", "sentence"),
    ("organization=no-such-slug", "organization"),
    ("country=zz1", "country"),
    ("q=a&q=b", "q"),
]


@pytest.mark.parametrize(("query", "field"), INVALID_PARAMETERS)
def test_invalid_value_shows_the_field_message_and_no_results(client, demo, query, field):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert list(response.context["object_list"]) == []
    assert "Some filters are not valid, so no results are shown" in page_text(response)


@pytest.mark.parametrize("page", ["999999", "-1", "abc"])
def test_a_page_that_does_not_exist_is_not_found(client, demo, page):
    assert client.get(LIST_URL, {"page": page}).status_code == 404


# Bounded queries.


def make_people(count):
    organization = OrganizationFactory()
    for number in range(count):
        person = prisoner(f"Person {number:02d}")
        MembershipFactory(person=person, organization=organization)


def count_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"status": "imprisoned", "sentence": "prison"}])
def test_the_number_of_queries_does_not_grow_with_the_results(client, query):
    make_people(3)
    few = count_queries(client, query)
    make_people(27)
    assert count_queries(client, query) == few
