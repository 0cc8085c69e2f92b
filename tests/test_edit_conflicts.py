"""Two editors saving the same record: the second save is refused, nothing is lost."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from reversion.models import Version

from cases.models import Case, Charge, Defendant
from newsroom.history import HistoryAdmin
from newsroom.models import Article, Source
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    ChargeFactory,
    DefendantFactory,
    PersonFactory,
    SourceFactory,
)
from tests.history_forms import admin_url, form_data, open_change_form

pytestmark = pytest.mark.django_db


def editor_named(django_user_model, username):
    user = django_user_model.objects.create_user(username, password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(django_user_model):
    return editor_named(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    return editor_named(django_user_model, "bob")


def save(client, obj, data):
    return client.post(admin_url(type(obj), "change", obj.pk), data)


@pytest.fixture
def story_conflict(alice, bob):
    """Alice and Bob open the same story; Alice saves a new headline, then Bob saves his."""
    story = ArticleFactory(headline="Court jails activist", standfirst="Old standfirst.")
    alice_form = open_change_form(alice, story)
    bob_form = open_change_form(bob, story)
    assert (
        save(alice, story, {**alice_form, "headline": "Court jails two activists"}).status_code
        == 302
    )
    response = save(bob, story, {**bob_form, "standfirst": "Bob's new standfirst."})
    return story, response


def test_the_second_save_of_a_story_is_refused(story_conflict):
    story, response = story_conflict
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.text


def test_the_refusal_names_who_changed_what_from_which_value_to_which(story_conflict):
    _, response = story_conflict
    assert "Saved by alice" in response.text
    assert "Headline: “Court jails activist” → “Court jails two activists”" in response.text


def test_the_refused_editors_input_is_kept_in_the_form(story_conflict):
    _, response = story_conflict
    assert form_data(response, "article_form")["standfirst"] == "Bob's new standfirst."


def test_the_refused_save_overwrites_nothing(story_conflict):
    story, _ = story_conflict
    story.refresh_from_db()
    assert story.headline == "Court jails two activists"
    assert story.standfirst == "Old standfirst."


def test_saving_again_after_the_refusal_keeps_the_second_editors_input(story_conflict, bob):
    story, response = story_conflict
    assert save(bob, story, form_data(response, "article_form")).status_code == 302
    story.refresh_from_db()
    assert story.standfirst == "Bob's new standfirst."
    # Bob's form still held the headline he had opened; saving again was his deliberate choice.
    assert story.headline == "Court jails activist"


def test_both_editors_versions_are_in_the_history_after_the_deliberate_save(story_conflict, bob):
    story, response = story_conflict
    save(bob, story, form_data(response, "article_form"))
    versions = Version.objects.get_for_object(story).select_related("revision__user")
    assert [v.revision.user.username for v in reversed(versions)] == ["alice", "bob"]
    headlines = [v.field_dict["headline"] for v in reversed(versions)]
    assert headlines == ["Court jails two activists", "Court jails activist"]


def test_restoring_the_first_editors_version_brings_back_its_values(story_conflict, bob, alice):
    story, response = story_conflict
    save(bob, story, form_data(response, "article_form"))
    alices = Version.objects.get_for_object(story).filter(revision__user__username="alice").get()
    revert_url = admin_url(Article, "revision", story.pk, alices.pk)
    restore_form = form_data(alice.get(revert_url), "article_form")
    assert alice.post(revert_url, restore_form).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.standfirst) == ("Court jails two activists", "Old standfirst.")


def test_a_save_without_anyone_else_saving_in_between_goes_through(alice):
    story = ArticleFactory(headline="Old headline")
    response = save(alice, story, {**open_change_form(alice, story), "headline": "New headline"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "New headline"


def test_a_form_error_does_not_lose_the_check_for_a_later_conflict(alice, bob):
    """A form sent back for a mistake still carries the state its editor first opened."""
    story = ArticleFactory(headline="Old headline")
    bob_form = open_change_form(bob, story)
    invalid = save(bob, story, {**bob_form, "headline": ""})
    assert invalid.status_code == 200
    save(alice, story, {**open_change_form(alice, story), "headline": "Alice's headline"})
    response = save(bob, story, {**form_data(invalid, "article_form"), "headline": "Bob's"})
    assert "Someone else saved this record after you opened it" in response.text
    story.refresh_from_db()
    assert story.headline == "Alice's headline"


def test_a_tampered_form_token_is_refused(alice):
    story = ArticleFactory(headline="Old headline")
    data = {**open_change_form(alice, story), "headline": "New", "_edit_token": "forged"}
    response = save(alice, story, data)
    assert "This form is out of date" in response.text
    story.refresh_from_db()
    assert story.headline == "Old headline"


def test_a_change_to_a_defendant_inline_refuses_a_stale_save_of_the_case(alice, bob):
    case = CaseFactory(title="Trial of the five")
    defendant = DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING)
    alice_form = open_change_form(alice, case)
    bob_form = open_change_form(bob, case)
    assert save(alice, case, {**alice_form, "defendants-0-verdict": "convicted"}).status_code == 302
    response = save(bob, case, {**bob_form, "city": "Astana"})
    assert response.status_code == 200
    assert f"Defendant “{defendant}”" in response.text
    assert "Verdict: “No verdict yet” → “Convicted”" in response.text
    defendant.refresh_from_db()
    case.refresh_from_db()
    assert (defendant.verdict, case.city) == ("convicted", "Almaty")


def test_a_story_linked_by_another_editor_refuses_a_stale_save_of_the_person(alice, bob):
    person = PersonFactory(name="Aigul Example")
    story = ArticleFactory(headline="A story about Aigul")
    alice_form = open_change_form(alice, person)
    bob_form = open_change_form(bob, person)
    assert save(alice, person, {**alice_form, "stories": [str(story.pk)]}).status_code == 302
    response = save(bob, person, {**bob_form, "summary": "Bob's summary."})
    assert "Stories: “(empty)” → “A story about Aigul”" in response.text
    assert list(person.stories.all()) == [story]


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [(SourceFactory, "title", "Renamed report"), (ChargeFactory, "description", "Renamed")],
    ids=["source", "charge"],
)
def test_records_without_an_updated_time_are_protected_too(alice, bob, factory, field, value):
    obj = factory()
    alice_form = open_change_form(alice, obj)
    bob_form = open_change_form(bob, obj)
    assert save(alice, obj, {**alice_form, field: value}).status_code == 302
    response = save(bob, obj, bob_form)
    assert "Someone else saved this record after you opened it" in response.text
    assert type(obj).objects.get(pk=obj.pk).__dict__[field] == value


def test_the_models_above_have_no_updated_time():
    names = {f.name for model in (Source, Charge) for f in model._meta.get_fields()}
    assert "updated_at" not in names
    assert "updated_at" in {f.name for f in Case._meta.get_fields()}


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in {"newsroom", "people", "cases"}],
    ids=lambda m: m._meta.label,
)
def test_every_admin_page_of_the_three_apps_refuses_lost_updates(model):
    assert isinstance(admin.site._registry[model], HistoryAdmin)
