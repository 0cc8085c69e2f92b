"""People sorted by surname, and a search that finds places and abbreviations in any script.

Each person has a sort name (surname first), filled from the name when left empty and editable in
the admin; the people list, organization members and a story's people follow it. The public
search finds a case by its city in any script ("Алматы") and an organization by its short name
in any script ("HRW", "ДВК").
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from people.models import Organization, Person
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, PersonFactory
from tests.history_forms import admin_url, form_data
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:list")
DEMO_NAMED_BY_SURNAME = [
    "Mukhtar Ablyazov",
    "Abai Begimbetov",
    "Qairat Qylyshev",
    "Noyan Rakhymzhanov",
    "Askhat Zheksebaev",
]


def named_in_order(people):
    return [person.name for person in people if person.is_named]


# Sort names.


@pytest.mark.parametrize(
    ("name", "sort_name"),
    [
        ("Abai Begimbetov", "Begimbetov Abai"),
        ("Qairat Qylyshev", "Qylyshev Qairat"),
        ("Madonna", "Madonna"),
        ("Anna Maria  de Souza", "Souza Anna Maria de"),
    ],
)
def test_a_new_person_gets_a_sort_name_with_the_last_word_first(name, sort_name):
    assert PersonFactory(name=name).sort_name == sort_name


def test_a_sort_name_an_editor_typed_is_kept():
    person = PersonFactory(name="Anna Maria de Souza", sort_name="de Souza Anna Maria")
    person.save()
    assert person.sort_name == "de Souza Anna Maria"


def test_a_person_whose_name_was_not_reported_has_no_sort_name():
    person = PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
    assert person.sort_name == ""


def test_the_migration_fills_the_sort_name_of_existing_people():
    person = PersonFactory(name="Askhat Zheksebaev")
    unnamed = PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
    Person.objects.update(sort_name="")
    migration = importlib.import_module("people.migrations.0004_person_sort_name_and_recognition")

    migration.fill_sort_names(apps, None)

    assert Person.objects.get(pk=person.pk).sort_name == "Zheksebaev Askhat"
    assert Person.objects.get(pk=unnamed.pk).sort_name == ""


def test_the_people_list_is_in_surname_order(client, demo):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert named_in_order(response.context["object_list"]) == DEMO_NAMED_BY_SURNAME
    text = page_text(response)
    positions = [text.index(name) for name in DEMO_NAMED_BY_SURNAME]
    assert positions == sorted(positions)


def test_organization_members_are_in_surname_order(client, demo):
    koshe = Organization.objects.get(slug="koshe-party")
    response = client.get(koshe.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    members = DEMO_NAMED_BY_SURNAME[1:]  # Ablyazov leads DVK, not Koshe.
    positions = [text.index(name) for name in members]
    assert positions == sorted(positions)


def test_the_storys_people_are_in_surname_order(client, demo):
    story_url = reverse(
        "newsroom:article_detail",
        kwargs={"slug": "almaty-court-sentences-thirteen-opposition-activists"},
    )
    response = client.get(story_url)
    assert response.status_code == 200
    assert named_in_order(response.context["article"].public_people) == DEMO_NAMED_BY_SURNAME


def test_an_editor_corrects_the_sort_name_in_the_admin_and_the_list_follows(editor_client):
    client = Client()  # a reader, not signed in
    first = PersonFactory(name="Aida Bekova")
    second = PersonFactory(name="Zhanna Akhmetova")
    assert named_in_order(client.get(LIST_URL).context["object_list"]) == [
        "Zhanna Akhmetova",
        "Aida Bekova",
    ]
    url = admin_url(Person, "change", second.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    data = form_data(response, "person_form")
    assert data["sort_name"] == "Akhmetova Zhanna"
    data["sort_name"] = "Zhanna Akhmetova"  # say her family name comes first

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert named_in_order(client.get(LIST_URL).context["object_list"]) == [
        "Aida Bekova",
        "Zhanna Akhmetova",
    ]
    assert first.sort_name == "Bekova Aida"


def test_a_withheld_name_does_not_decide_the_order(client):
    """Withheld people come after named ones whatever their (unpublished) name."""
    PersonFactory(name="Aaron Aaronson", name_status=Person.NameStatus.WITHHELD)
    PersonFactory(name="Zoe Zander")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    statuses = [person.name_status for person in response.context["object_list"]]
    assert statuses == [Person.NameStatus.NAMED, Person.NameStatus.WITHHELD]


# Search: places and abbreviations in any script.


def search(client, query):
    response = client.get(reverse("newsroom:search"), {"q": query})
    assert response.status_code == 200
    return {group["key"]: group for group in response.context["groups"]}, page_text(response)


@pytest.mark.parametrize("query", ["Алматы", "АЛМАТЫ", "Almaty", "almaty"])
def test_a_city_in_any_script_finds_the_almaty_case(client, demo, query):
    groups, text = search(client, query)
    slugs = [case.slug for case in groups["cases"]["results"]]
    assert "almaty-trial-of-thirteen-opposition-activists" in slugs
    assert "Almaty trial of 13 opposition activists" in text


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("HRW", "human-rights-watch"),
        ("hrw", "human-rights-watch"),
        ("ДВК", "democratic-choice-of-kazakhstan"),
        ("DVK", "democratic-choice-of-kazakhstan"),
        ("Human Rights Watch", "human-rights-watch"),
    ],
)
def test_an_organization_is_found_by_name_or_abbreviation_in_any_script(client, demo, query, slug):
    groups, text = search(client, query)
    assert slug in [organization.slug for organization in groups["organizations"]["results"]]
    assert Organization.objects.get(slug=slug).name in text


def test_a_city_search_finds_only_published_cases_in_that_city(client):
    CaseFactory(title="A trial", city="Almaty", is_published=True, slug="a-trial")
    CaseFactory(title="A hidden trial", city="Almaty", is_published=False, slug="hidden")
    CaseFactory(title="Another trial", city="Astana", is_published=True, slug="astana")

    groups, text = search(client, "Алматы")

    assert [case.slug for case in groups["cases"]["results"]] == ["a-trial"]
    assert "A hidden trial" not in text and "Another trial" not in text


def test_a_city_search_finds_the_cases_of_each_spelling_among_many_cities(client):
    for city in ["Aktau", "Almaty", "Astana", "Shymkent", "Алматы", "Астана"]:
        CaseFactory(title=f"The {city} trial", city=city, is_published=True)

    groups, text = search(client, "Astana")

    assert sorted(case.city for case in groups["cases"]["results"]) == ["Astana", "Астана"]
    assert "The Астана trial" in text and "The Almaty trial" not in text


def test_a_hidden_organizations_short_name_finds_nothing(client):
    OrganizationFactory(name="Hidden Watch", short_name="HDW", is_public=False)
    MembershipFactory()  # something public on the site
    groups, text = search(client, "HDW")
    assert groups["organizations"]["count"] == 0
    assert "Hidden Watch" not in text
