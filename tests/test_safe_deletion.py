"""Deleting a record that stories or cases refer to names them first, or is refused."""

import pytest
from django.contrib.admin import helpers

from cases.models import Case
from newsroom.models import Article
from people.models import Organization, Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
)
from tests.history_forms import admin_url

pytestmark = pytest.mark.django_db


def bulk_delete(client, model, objs, confirm=False):
    data = {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objs]}
    if confirm:
        data["post"] = "yes"
    return client.post(admin_url(model, "changelist"), data)


def test_the_delete_page_of_a_person_in_a_story_names_the_story(editor_client):
    person = PersonFactory()
    person.stories.add(ArticleFactory(headline="Court jails activist"))
    response = editor_client.get(admin_url(Person, "delete", person.pk))
    assert response.status_code == 200
    assert "the story “Court jails activist”" in response.text


def test_opening_the_delete_page_deletes_nothing(editor_client):
    person = PersonFactory()
    person.stories.add(ArticleFactory())
    editor_client.get(admin_url(Person, "delete", person.pk))
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_bulk_delete_confirmation_names_the_stories_of_each_person(editor_client):
    linked, unlinked = PersonFactory(name="Linked Person"), PersonFactory()
    linked.stories.add(ArticleFactory(headline="Court jails activist"))
    response = bulk_delete(editor_client, Person, [linked, unlinked])
    assert response.status_code == 200
    assert "the story “Court jails activist”" in response.text
    assert Person.objects.count() == 2


def test_a_bulk_delete_deletes_only_after_the_editor_confirms(editor_client):
    person, kept = PersonFactory(), PersonFactory(name="Kept Person")
    person.stories.add(ArticleFactory())
    asked = bulk_delete(editor_client, Person, [person])
    assert asked.status_code == 200
    assert "Are you sure" in asked.text
    assert Person.objects.filter(pk=person.pk).exists()
    assert bulk_delete(editor_client, Person, [person], confirm=True).status_code == 302
    assert list(Person.objects.all()) == [kept]


def test_the_delete_page_of_an_organization_names_its_cases_and_stories(editor_client):
    organization = OrganizationFactory()
    CaseFactory(title="Trial of the five").organizations.add(organization)
    organization.stories.add(ArticleFactory(headline="Movement banned"))
    response = editor_client.get(admin_url(Organization, "delete", organization.pk))
    assert "the case “Trial of the five”" in response.text
    assert "the story “Movement banned”" in response.text


def test_the_delete_page_of_a_story_names_the_cases_linking_it(editor_client):
    story = ArticleFactory()
    CaseFactory(title="Trial of the five").stories.add(story)
    response = editor_client.get(admin_url(Article, "delete", story.pk))
    assert "the case “Trial of the five”" in response.text


def test_a_record_nothing_refers_to_gets_no_warning(editor_client):
    person = PersonFactory(name="Unlinked Person")
    response = editor_client.get(admin_url(Person, "delete", person.pk))
    assert response.status_code == 200
    assert "Are you sure you want to delete" in response.text
    assert "Unlinked Person" in response.text
    assert "Still referred to by stories or cases" not in response.text


def test_a_person_who_is_a_defendant_cannot_be_deleted(editor_client):
    defendant = DefendantFactory()
    person = defendant.person
    response = editor_client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})
    assert "cannot be deleted" in response.text
    assert str(defendant) in response.text
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_defendant_cannot_be_deleted_through_the_bulk_action_either(editor_client):
    person = DefendantFactory().person
    response = bulk_delete(editor_client, Person, [person], confirm=True)
    assert "cannot be deleted" in response.text
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_story_cited_as_a_source_cannot_be_deleted(editor_client):
    story = ArticleFactory()
    SourceFactory(article=story, title="Our earlier report")
    response = editor_client.post(admin_url(Article, "delete", story.pk), {"post": "yes"})
    assert "cannot be deleted" in response.text
    assert "Our earlier report" in response.text
    assert Article.objects.filter(pk=story.pk).exists()


def test_deleting_a_case_does_not_touch_its_stories(editor_client):
    story = ArticleFactory()
    case = CaseFactory()
    case.stories.add(story)
    response = editor_client.get(admin_url(Case, "delete", case.pk))
    assert response.status_code == 200
    assert "the story" in response.text
    deleted = editor_client.post(admin_url(Case, "delete", case.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Case.objects.exists()
    assert Article.objects.filter(pk=story.pk).exists()
