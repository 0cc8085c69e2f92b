import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Article
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PersonNameFactory,
)

pytestmark = pytest.mark.django_db


def search(client, query):
    response = client.get(reverse("newsroom:search"), {"q": query})
    assert response.status_code == 200
    return response


def found(response, group_key):
    """The results of one group of a search response."""
    groups = {group["key"]: group for group in response.context["groups"]}
    return groups[group_key]["results"]


def found_slugs(response, group_key):
    return {result.slug for result in found(response, group_key)}


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        # Spellings from seed-facts.md, Latin and Cyrillic.
        ("Qairat Qylyshev", "qairat-qylyshev"),
        ("Kairat Kylyshev", "qairat-qylyshev"),
        ("Қайрат Қылышев", "qairat-qylyshev"),
        ("qairat", "qairat-qylyshev"),
        ("Abai Begimbetov", "abai-begimbetov"),
        ("Abay Begimbetov", "abai-begimbetov"),
        ("Абай Бегимбетов", "abai-begimbetov"),
        ("Askhat Zheksebaev", "askhat-zheksebaev"),
        ("Askhat Zheksebayev", "askhat-zheksebaev"),
        ("Asqat Jeksebaev", "askhat-zheksebaev"),
        ("Асхат Жексебаев", "askhat-zheksebaev"),
        ("Noyan Rakhymzhanov", "noyan-rakhymzhanov"),
        ("Noyan Rakhimzhanov", "noyan-rakhymzhanov"),
        ("Ноян Рахымжанов", "noyan-rakhymzhanov"),
        ("Mukhtar Ablyazov", "mukhtar-ablyazov"),
        ("Mukhtar Abliazov", "mukhtar-ablyazov"),
        ("Мухтар Аблязов", "mukhtar-ablyazov"),
        ("Мұхтар Әблязов", "mukhtar-ablyazov"),
        # Spellings no editor entered.
        ("Qairat Kylyshev", "qairat-qylyshev"),
        ("Kairat Qylyshev", "qairat-qylyshev"),
        ("Рахымжанов", "noyan-rakhymzhanov"),
        ("Рахимжанов", "noyan-rakhymzhanov"),
        ("Rahimjanov", "noyan-rakhymzhanov"),
        ("Жексебаев", "askhat-zheksebaev"),
        ("Zheksebayev", "askhat-zheksebaev"),
        ("Begimbetov", "abai-begimbetov"),
        ("ABLIAZOV", "mukhtar-ablyazov"),
        ("Ablyazov Mukhtar", "mukhtar-ablyazov"),
    ],
)
def test_demo_people_are_found_from_every_spelling(client, demo, query, slug):
    assert slug in found_slugs(search(client, query), "people")


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("ДВК", "democratic-choice-of-kazakhstan"),
        ("DVK", "democratic-choice-of-kazakhstan"),
        ("Demokraticheskiy Vybor", "democratic-choice-of-kazakhstan"),
        ("Демократический выбор Казахстана", "democratic-choice-of-kazakhstan"),
        ("Köşe", "koshe-party"),
        ("Көше партиясы", "koshe-party"),
        ("Street Party", "koshe-party"),
        ("koshe", "koshe-party"),
        ("BTA", "bta-bank"),
    ],
)
def test_demo_organizations_are_found_from_every_spelling(client, demo, query, slug):
    assert slug in found_slugs(search(client, query), "organizations")


def test_a_person_result_shows_the_public_name_and_organization(client, demo):
    response = search(client, "Kairat Kylyshev")
    assert found(response, "people")[0].public_name == "Qairat Qylyshev"
    assert "Qairat Qylyshev" in response.text
    assert "Democratic Choice of Kazakhstan" in response.text


def test_a_name_in_another_spelling_finds_the_stories_and_cases_about_the_person(client, demo):
    response = search(client, "Қайрат Қылышев")
    assert "almaty-court-sentences-thirteen-opposition-activists" in found_slugs(
        response, "stories"
    )
    assert "almaty-trial-of-thirteen-opposition-activists" in found_slugs(response, "cases")


def test_story_text_is_found(client, demo):
    response = search(client, "We are not extremists")
    assert found_slugs(response, "stories") == {
        "almaty-court-sentences-thirteen-opposition-activists"
    }


def test_case_title_and_city_are_found(client, demo):
    assert "almaty-trial-of-thirteen-opposition-activists" in found_slugs(
        search(client, "almaty trial"), "cases"
    )


def test_results_are_grouped_with_counts(client, demo):
    response = search(client, "Almaty")
    assert [group["key"] for group in response.context["groups"]] == [
        "stories",
        "people",
        "organizations",
        "cases",
    ]
    for group in response.context["groups"]:
        assert group["count"] == len(group["results"])
    assert 'Stories <span class="count">(1)</span>' in response.text


def test_a_withheld_persons_real_name_finds_nothing(client):
    person = PersonFactory(name="Yerlan Secretov", name_status=Person.NameStatus.WITHHELD)
    PersonNameFactory(person=person, name="Ерлан Секретов")
    for query in ["Yerlan Secretov", "Ерлан Секретов", "secretov"]:
        response = search(client, query)
        assert f"0 results for “{query}”." in response.text
        assert "No people found." in response.text
        assert found(response, "people") == []
        assert person.get_absolute_url() not in response.text


def test_a_not_public_person_or_organization_is_not_found(client):
    PersonFactory(name="Hidden Personov", is_public=False)
    OrganizationFactory(name="Hidden Movement", is_public=False)
    shown_person = PersonFactory(name="Shown Personov")
    shown_organization = OrganizationFactory(name="Shown Movement")
    assert found(search(client, "Personov"), "people") == [shown_person]
    assert found(search(client, "Movement"), "organizations") == [shown_organization]
    assert found(search(client, "Hidden Personov"), "people") == []
    assert found(search(client, "Hidden Movement"), "organizations") == []


def test_unpublished_story_text_finds_nothing(client):
    ArticleFactory(body="A draft about zanzibarite.", status=Article.Status.DRAFT)
    ArticleFactory(body="In review: zanzibarite.", status=Article.Status.REVIEW)
    ArticleFactory(
        body="Scheduled: zanzibarite.", publish_at=timezone.now() + timezone.timedelta(days=1)
    )
    published = ArticleFactory(headline="Published zanzibarite report", body="Out now.")
    response = search(client, "zanzibarite")
    assert found(response, "stories") == [published]
    assert "Published zanzibarite report" in response.text
    assert "zanzibarite." not in response.text


def test_an_unpublished_story_about_a_found_person_is_not_listed(client):
    person = PersonFactory(name="Talgat Storied")
    person.stories.add(ArticleFactory(status=Article.Status.DRAFT))
    response = search(client, "Talgat Storied")
    assert found_slugs(response, "people") == {person.slug}
    assert "No stories found." in response.text
    assert found(response, "stories") == []


def test_an_unpublished_case_finds_nothing(client):
    CaseFactory(title="Secret trial of Zhanaozen", is_published=False)
    published = CaseFactory(title="Open trial in Zhanaozen")
    response = search(client, "Zhanaozen")
    assert found(response, "cases") == [published]
    assert "Secret trial" not in response.text


def test_an_empty_query_shows_the_form_and_no_results(client, demo):
    response = search(client, "")
    assert response.context["groups"] == []
    assert 'name="q"' in response.text
    assert "result" not in response.text.split('name="q"')[1].split("</form>")[1]


def test_a_query_of_only_punctuation_finds_nothing_rather_than_everything(client, demo):
    response = search(client, "!!! ... ---")
    assert "0 results for “!!! ... ---”." in response.text
    assert found(response, "people") == []
    assert found(response, "organizations") == []


def test_a_very_long_query_is_shortened_with_a_message(client, demo):
    response = search(client, "Begimbetov " + "x" * 500)
    assert len(response.context["query"]) == 200
    assert "only its first 200 characters" in response.text


def test_a_query_of_many_words_uses_the_first_words_with_a_message(client, demo):
    response = search(client, "Abai Begimbetov " + "a " * 100)
    assert "abai-begimbetov" in found_slugs(response, "people")
    assert "Only the first 8 words" in response.text


def test_a_word_that_normalises_to_many_terms_is_capped_too(client, demo):
    response = search(client, "-".join("abcdefghijklmnopqrstuvwxyz" * 3))
    assert "Only the first 8 words" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "a\x00b",
        "'; DROP TABLE people_person; --",
        "<script>alert(1)</script>",
        "%",
        "_",
        "\\",
        "🙂",
        "\u202e",
        "ß" * 300,
    ],
)
def test_odd_queries_answer_200(client, demo, query):
    response = search(client, query)
    assert "<h1>Search</h1>" in response.text
    assert 'name="q"' in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_a_repeated_q_parameter_answers_200(client, demo):
    response = client.get(reverse("newsroom:search") + "?q=Abai&q=Qairat")
    assert response.status_code == 200


def test_results_per_group_are_capped_with_the_total_shown(client):
    PersonFactory.create_batch(25, name=factory_name("Capped"))
    response = search(client, "capped")
    group = response.context["groups"][1]
    assert group["count"] == 25
    assert len(group["results"]) == 20
    assert "Showing the first 20 of 25" in response.text


def factory_name(surname):
    return factory.Sequence(lambda n: f"{surname} Number{n}")


def make_matching_people(count):
    organization = OrganizationFactory()
    for person in PersonFactory.create_batch(count, name=factory_name("Countable")):
        MembershipFactory(person=person, organization=organization)
        PersonNameFactory(person=person)
    ArticleFactory.create_batch(count, headline=factory_name("Countable story"))
    CaseFactory.create_batch(count, title=factory_name("Countable trial"))


def test_search_runs_the_same_number_of_queries_for_3_and_30_matches(client):
    make_matching_people(3)
    with CaptureQueriesContext(connection) as few:
        response = search(client, "countable")
    assert len(found(response, "people")) == 3
    make_matching_people(27)
    with CaptureQueriesContext(connection) as many:
        response = search(client, "countable")
    assert len(found(response, "people")) == 20
    assert len(many) == len(few)
