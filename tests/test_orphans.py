"""No orphans: people and organizations added in a "+" pop-up are not public until a public
record links to them (or an editor publishes them), and the admin finds the records nothing
links to, unnamed people included.

Every form is read from the rendered page and posted back whole, as a browser sends it.
"""

import html
import json
import re

import pytest
from django.test import Client

from cases.models import Case
from newsroom.models import Article
from people.models import Organization, Person
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.history_forms import add_inline_row, admin_url, form_data, open_change_form

pytestmark = pytest.mark.django_db

POPUP = "?_to_field=id&_popup=1"
# The prefix of the story form's "people in this story" inline.
STORY_PEOPLE = "Person_stories"


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter)
    return client


def popup_response_value(response):
    """The pk the pop-up hands back to the form that opened it."""
    assert response.status_code == 200
    match = re.search(r'data-popup-response="([^"]+)"', response.text)
    assert match, "not the pop-up's closing page (a form error?)"
    return int(json.loads(html.unescape(match.group(1)))["value"])


def add_in_popup(client, model, **fields):
    """Open the model's "+" pop-up as the case or story form does, fill it in, save it."""
    url = admin_url(model, "add") + POPUP
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, f"{model._meta.model_name}_form")
    data.update(fields)
    return model.objects.get(pk=popup_response_value(client.post(url, data)))


def add_unnamed_person_in_popup(client, **fields):
    return add_in_popup(client, Person, name_status=Person.NameStatus.NOT_REPORTED, **fields)


def save_case_with_defendant(client, case, person, **changes):
    """The case's change form, saved with a new defendant row for `person`."""
    url = admin_url(Case, "change", case.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, "case_form")
    add_inline_row(page, data, "case_form", "defendants", person=str(person.pk))
    data.update(changes)
    return client.post(url, data)


# The pop-up ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Person, Organization], ids=["person", "organization"])
def test_the_popup_does_not_offer_the_public_flag(editor_client, model):
    page = editor_client.get(admin_url(model, "add") + POPUP)
    assert page.status_code == 200
    assert 'name="name"' in page.text
    assert 'name="is_public"' not in page.text
    # The regular add form still offers it to editors.
    assert 'name="is_public"' in editor_client.get(admin_url(model, "add")).text


def test_a_person_added_in_an_editors_popup_is_not_public(editor_client):
    person = add_unnamed_person_in_popup(editor_client)
    assert person.is_public is False
    assert not Person.objects.public().exists()


def test_a_popup_post_with_the_public_flag_ticked_still_adds_a_not_public_person(editor_client):
    person = add_in_popup(editor_client, Person, name="Aigul Example", is_public="on")
    assert person.is_public is False


def test_an_organization_added_in_an_editors_popup_is_not_public(editor_client):
    court = add_in_popup(
        editor_client,
        Organization,
        name="Leninski District Court",
        slug="leninski-district-court",
        kind="court",
        is_public="on",
    )
    assert court.is_public is False


def test_the_popup_still_edits_a_public_person_without_unpublishing_them(editor_client):
    person = PersonFactory(name="Known Person", is_public=True)
    url = admin_url(Person, "change", person.pk) + POPUP
    page = editor_client.get(url)
    data = form_data(page, "person_form")
    data["summary"] = "Edited in the pencil pop-up."
    assert editor_client.post(url, data).status_code == 200
    person.refresh_from_db()
    assert (person.summary, person.is_public) == ("Edited in the pencil pop-up.", True)


# A failed case form -------------------------------------------------------------------------


def test_a_failed_case_save_leaves_the_popup_people_not_public(editor_client):
    people = [add_unnamed_person_in_popup(editor_client) for _ in range(3)]
    url = admin_url(Case, "add")
    page = editor_client.get(url)
    data = form_data(page, "case_form")
    for person in people:
        add_inline_row(page, data, "case_form", "defendants", person=str(person.pk))
    data.update(title="", slug="", is_published="on", country="BY", status="sentenced")
    response = editor_client.post(url, data)
    assert response.status_code == 200  # the form error: no title
    assert "This field is required" in response.text
    assert not Case.objects.exists()
    assert not Person.objects.public().exists()
    assert set(Person.objects.unlinked()) == set(people)


# Linking from a public record ------------------------------------------------------------


def test_saving_a_published_case_that_links_a_popup_person_makes_them_public(editor_client):
    case = CaseFactory(is_published=True)
    person = add_unnamed_person_in_popup(editor_client)
    response = save_case_with_defendant(editor_client, case, person)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_public is True
    assert case.defendants.get().person == person


def test_a_popup_person_shows_on_the_published_case_page_once_linked(editor_client, client):
    case = CaseFactory(is_published=True)
    person = add_in_popup(editor_client, Person, name="Ales Example")
    save_case_with_defendant(editor_client, case, person)
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "Ales Example" in page.text


def test_a_reporter_saving_a_draft_case_leaves_the_popup_person_not_public(
    reporter_client, editor_client
):
    person = add_unnamed_person_in_popup(reporter_client)
    case = CaseFactory(is_published=False)
    assert save_case_with_defendant(reporter_client, case, person).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False
    assert case.defendants.get().person == person
    # The editor who then publishes the case publishes the person with it.
    data = open_change_form(editor_client, case)
    data["is_published"] = "on"
    assert editor_client.post(admin_url(Case, "change", case.pk), data).status_code == 302
    person.refresh_from_db()
    assert person.is_public is True


def test_an_editor_saving_a_draft_case_leaves_the_popup_person_not_public(editor_client):
    case = CaseFactory(is_published=False)
    person = add_unnamed_person_in_popup(editor_client)
    assert save_case_with_defendant(editor_client, case, person).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False


def test_the_publish_action_on_a_case_publishes_its_popup_people(editor_client):
    case = CaseFactory(is_published=False)
    person = add_unnamed_person_in_popup(editor_client)
    save_case_with_defendant(editor_client, case, person)
    response = editor_client.post(
        admin_url(Case, "changelist"),
        {"action": "publish_selected", "_selected_action": [case.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    case.refresh_from_db()
    assert (case.is_published, person.is_public) == (True, True)


def test_linking_a_withheld_person_makes_them_public_but_keeps_the_name_withheld(
    editor_client, client
):
    case = CaseFactory(is_published=True)
    person = add_in_popup(
        editor_client,
        Person,
        name="Secret Name",
        name_status=Person.NameStatus.WITHHELD,
    )
    save_case_with_defendant(editor_client, case, person)
    person.refresh_from_db()
    assert person.is_public is True
    assert person.name_status == Person.NameStatus.WITHHELD
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "1 person whose name is withheld" in page.text
    assert "Secret Name" not in page.text


def test_a_person_added_in_the_regular_form_stays_not_public_when_linked(editor_client):
    # Left unticked on purpose ("while the record is being checked"): the editor decides.
    page = editor_client.get(admin_url(Person, "add"))
    data = form_data(page, "person_form")
    data.update(name="Being Checked", slug="")
    assert editor_client.post(admin_url(Person, "add"), data).status_code == 302
    person = Person.objects.get(name="Being Checked")
    case = CaseFactory(is_published=True)
    assert save_case_with_defendant(editor_client, case, person).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False


def test_a_popup_person_an_editor_took_down_stays_down_when_the_case_is_saved(editor_client):
    case = CaseFactory(is_published=True)
    person = add_unnamed_person_in_popup(editor_client)
    save_case_with_defendant(editor_client, case, person)
    person.refresh_from_db()
    assert person.is_public is True
    data = open_change_form(editor_client, person)
    data.pop("is_public")
    assert editor_client.post(admin_url(Person, "change", person.pk), data).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False
    data = open_change_form(editor_client, case)
    data["summary"] = "A correction."
    assert editor_client.post(admin_url(Case, "change", case.pk), data).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False


def test_saving_a_published_case_makes_its_popup_court_public(editor_client):
    case = CaseFactory(is_published=True)
    court = add_in_popup(
        editor_client, Organization, name="City Court", slug="city-court", kind="court"
    )
    data = open_change_form(editor_client, case)
    data["court"] = str(court.pk)
    assert editor_client.post(admin_url(Case, "change", case.pk), data).status_code == 302
    court.refresh_from_db()
    assert court.is_public is True


def test_saving_a_public_organization_makes_its_popup_members_public(editor_client):
    organization = OrganizationFactory(is_public=True)
    person = add_in_popup(editor_client, Person, name="New Member")
    url = admin_url(Organization, "change", organization.pk)
    page = editor_client.get(url)
    data = form_data(page, "organization_form")
    add_inline_row(page, data, "organization_form", "memberships", person=str(person.pk))
    assert editor_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.is_public is True
    assert organization.memberships.get().person == person


def test_publishing_a_story_makes_its_popup_people_public(editor_client):
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    person = add_in_popup(editor_client, Person, name="Story Subject")
    url = admin_url(Article, "change", story.pk)
    page = editor_client.get(url)
    data = form_data(page, "article_form")
    add_inline_row(page, data, "article_form", STORY_PEOPLE, person=str(person.pk))
    data["_publish"] = "Publish now"
    assert editor_client.post(url, data).status_code == 302
    person.refresh_from_db()
    story.refresh_from_db()
    assert (story.status, person.is_public) == (Article.Status.PUBLISHED, True)


def test_a_reporters_draft_story_leaves_its_popup_people_not_public(reporter_client):
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    person = add_in_popup(reporter_client, Person, name="Story Subject")
    url = admin_url(Article, "change", story.pk)
    page = reporter_client.get(url)
    data = form_data(page, "article_form")
    add_inline_row(page, data, "article_form", STORY_PEOPLE, person=str(person.pk))
    data["_submit_for_review"] = "Submit for review"
    assert reporter_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.is_public is False
    assert list(story.people.all()) == [person]


# Finding what nothing links to ----------------------------------------------------------


def test_the_person_list_filter_linked_from_nothing_lists_exactly_the_unlinked(editor_client):
    unlinked = [PersonFactory(name="Orphan One"), PersonFactory(name="Orphan Two")]
    linked = [
        DefendantFactory(person=PersonFactory(name="Linked Defendant")).person,
        MembershipFactory(person=PersonFactory(name="Linked Member")).person,
        PersonFactory(name="Linked Subject"),
    ]
    linked[2].stories.add(ArticleFactory())
    assert set(Person.objects.unlinked()) == set(unlinked)
    page = editor_client.get(admin_url(Person, "changelist") + "?linked_from=nothing")
    assert page.status_code == 200
    for person in unlinked:
        assert person.name in page.text
    for person in linked:
        assert person.name not in page.text
    # The filter is offered in the list's sidebar.
    assert "?linked_from=nothing" in editor_client.get(admin_url(Person, "changelist")).text


def test_the_organization_list_filter_linked_from_nothing_lists_exactly_the_unlinked(
    editor_client,
):
    unlinked = OrganizationFactory(name="Orphan Organization")
    court = OrganizationFactory(name="Linked Court", kind="court")
    CaseFactory(court=court)
    in_case = OrganizationFactory(name="Linked In Case")
    CaseFactory().organizations.add(in_case)
    in_event = CaseEventFactory(organization=OrganizationFactory(name="Linked In Event"))
    in_story = OrganizationFactory(name="Linked In Story")
    in_story.stories.add(ArticleFactory())
    linked = [
        court,
        in_case,
        in_event.organization,
        in_story,
        MembershipFactory(organization=OrganizationFactory(name="Linked By Member")).organization,
        DesignationFactory(organization=OrganizationFactory(name="Linked Designated")).organization,
    ]
    assert list(Organization.objects.unlinked()) == [unlinked]
    page = editor_client.get(admin_url(Organization, "changelist") + "?linked_from=nothing")
    assert page.status_code == 200
    assert unlinked.name in page.text
    for organization in linked:
        assert organization.name not in page.text


def test_the_unlinked_filter_page_runs_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for index in range(30):
        person = PersonFactory(name_status=Person.NameStatus.NOT_REPORTED, name="")
        if index % 2:
            DefendantFactory(person=person)
    with django_assert_max_num_queries(15):
        page = editor_client.get(admin_url(Person, "changelist") + "?linked_from=nothing")
    assert page.status_code == 200
    assert page.text.count("(not linked yet, person-") == 15


# Unnamed people are findable ------------------------------------------------------------


@pytest.fixture
def unnamed_people():
    case = CaseFactory(title="Viasna case")
    defendant = DefendantFactory(
        case=case, person=PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
    ).person
    member = MembershipFactory(
        organization=OrganizationFactory(name="Blogger Union"),
        person=PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED),
    ).person
    orphan = PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
    named = PersonFactory(name="Ales Bialiatski")
    DefendantFactory(case=case, person=named)
    return {"defendant": defendant, "member": member, "orphan": orphan, "named": named}


def autocomplete(client, term):
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": term,
            "app_label": "cases",
            "model_name": "defendant",
            "field_name": "person",
        },
    )
    assert response.status_code == 200
    return {int(result["id"]): result["text"] for result in response.json()["results"]}


def test_the_autocomplete_labels_unnamed_people_by_what_links_to_them(
    editor_client, unnamed_people
):
    results = autocomplete(editor_client, "not reported")
    defendant, member, orphan = (unnamed_people[k] for k in ("defendant", "member", "orphan"))
    assert results == {
        defendant.pk: f"Name not reported — defendant in Viasna case ({defendant.slug})",
        member.pk: f"Name not reported — member of Blogger Union ({member.slug})",
        orphan.pk: f"Name not reported (not linked yet, {orphan.slug})",
    }


def test_the_autocomplete_finds_an_unnamed_defendant_by_the_case_title(
    editor_client, unnamed_people
):
    results = autocomplete(editor_client, "viasna")
    assert set(results) == {unnamed_people["defendant"].pk}
    results = autocomplete(editor_client, "not linked")
    assert set(results) == {unnamed_people["orphan"].pk}


def test_admin_search_for_not_reported_finds_the_unnamed_people(editor_client, unnamed_people):
    page = editor_client.get(admin_url(Person, "changelist"), {"q": "not reported"})
    assert page.status_code == 200
    assert "3 results" in page.text
    assert "Name not reported — defendant in Viasna case" in page.text
    assert "Name not reported — member of Blogger Union" in page.text
    assert "Name not reported (not linked yet" in page.text
    assert "Ales Bialiatski" not in page.text


def test_admin_search_by_name_still_finds_named_people(editor_client, unnamed_people):
    page = editor_client.get(admin_url(Person, "changelist"), {"q": "Bialiatski"})
    assert page.status_code == 200
    assert "Ales Bialiatski" in page.text
    assert "Name not reported (" not in page.text
    assert "Name not reported —" not in page.text


def test_a_reporter_cannot_reach_the_unlinked_filter_without_admin_access(client):
    response = client.get(admin_url(Person, "changelist") + "?linked_from=nothing")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
