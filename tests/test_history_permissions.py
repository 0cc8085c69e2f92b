"""Restoring a version obeys the roles for every row the restore would write.

Reversion's revert writes the whole revision a version belongs to, so the recover and revision
views of every admin refuse a version of another model (404) and check each row of the
revision with its own model's admin and publish rules (403): a Reporter restores only drafts,
and of stories only their own. A restore that goes through is recorded as a new revision and
a log entry.
"""

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import serializers
from django.test import Client
from reversion.models import Revision, Version

from newsroom.models import Article
from people.models import Person, PersonName
from tests.factories import ArticleFactory, PersonFactory, PersonNameFactory
from tests.history_forms import admin_url, form_data, open_change_form

pytestmark = pytest.mark.django_db

Status = Article.Status

ADMIN_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"newsroom", "people", "cases"}
    ),
    key=lambda model: model._meta.label,
)
STORED_APPS = {"newsroom", "people", "cases", "reversion", "admin"}


def database_rows():
    """Every row of the project's tables, the history and the admin log, serialized."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in STORED_APPS
    }


def save_in_admin(client, obj, **changes):
    data = {**open_change_form(client, obj), **changes}
    response = client.post(admin_url(type(obj), "change", obj.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def run_action(client, model, action, objects):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    assert client.post(admin_url(model, "changelist"), data).status_code == 302


def revision_url(version):
    return admin_url(version._model, "revision", version.object_id, version.pk)


def restore_form(client, version):
    """The revert form of `version` as the page shows it (a preview that changes nothing)."""
    response = client.get(revision_url(version))
    assert response.status_code == 200
    return form_data(response, f"{version._model._meta.model_name}_form")


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter)
    return client


def draft(**kwargs):
    return ArticleFactory(status=Status.DRAFT, publish_at=None, **kwargs)


# The versions a Reporter must not restore ----------------------------------------------


@pytest.fixture
def withheld_person_version(editor_client):
    """A person whose name an editor withheld; the version from when they were named."""
    person = PersonFactory(name="Aigul Secret", summary="Lives in Almaty.", is_public=True)
    PersonNameFactory(person=person, name="Айгүл Секрет")
    save_in_admin(editor_client, person)
    save_in_admin(
        editor_client,
        person,
        name_status=Person.NameStatus.WITHHELD,
        summary="",
        **{"alternate_names-0-DELETE": "on"},
    )
    named = Version.objects.get_for_object(person).last()
    assert named.field_dict["name_status"] == Person.NameStatus.NAMED
    return named


@pytest.fixture
def published_story_version(editor_client):
    """A published story an editor corrected; the version before the correction."""
    story = ArticleFactory(headline="Court jails two activists")
    save_in_admin(editor_client, story)
    save_in_admin(editor_client, story, headline="Court jails activist")
    return Version.objects.get_for_object(story).last()


@pytest.fixture
def retracted_story_version(editor_client):
    """A story an editor took back to draft; the version from when it was published."""
    story = ArticleFactory(headline="Address of the witness")
    save_in_admin(editor_client, story)
    save_in_admin(editor_client, story, status=Status.DRAFT)
    return Version.objects.get_for_object(story).last()


@pytest.fixture
def bulk_version(editor_client, reporter):
    """One revision holding three stories, as the editor's bulk action saved them: the
    reporter's own story (a draft now) and two stories published again since."""
    own = ArticleFactory(headline="Reporter's story", created_by=reporter)
    others = [ArticleFactory(headline="Live story one"), ArticleFactory(headline="Live story two")]
    run_action(editor_client, Article, "unpublish_selected", [own, *others])
    run_action(editor_client, Article, "publish_selected", others)
    version = Version.objects.get_for_object(own).first()
    assert version.revision.version_set.count() == 3
    assert Article.objects.published().count() == 2
    return version


@pytest.fixture
def shared_with_a_retracted_story_version(editor_client, reporter):
    """One revision (saved in code, inside reversion.create_revision()) holding two of the
    reporter's stories: a draft, and one published then and retracted by an editor since."""
    own = draft(headline="Reporter's draft", created_by=reporter)
    retracted = ArticleFactory(headline="Retracted story", created_by=reporter)
    with reversion.create_revision():
        own.save()
        retracted.save()
    save_in_admin(editor_client, retracted, status=Status.DRAFT)
    return Version.objects.get_for_object(own).get()


SCENARIOS = [
    "withheld_person_version",
    "published_story_version",
    "retracted_story_version",
    "bulk_version",
    "shared_with_a_retracted_story_version",
]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_a_reporter_cannot_restore_it_through_any_admin(
    request, editor_client, reporter_client, model, scenario
):
    version = request.getfixturevalue(scenario)
    attack = restore_form(editor_client, version)  # a complete, valid revert form
    before = database_rows()
    urls = [
        admin_url(model, "recover", version.pk),
        admin_url(model, "revision", version.object_id, version.pk),
    ]
    for url in urls:
        assert reporter_client.get(url).status_code in {403, 404}, url
        assert reporter_client.post(url, attack).status_code in {403, 404}, url
    assert database_rows() == before


@pytest.mark.parametrize(
    "model", [m for m in ADMIN_MODELS if m is not Person], ids=lambda model: model._meta.label
)
def test_a_version_of_another_model_is_not_found_by_recover_or_revision(
    editor_client, withheld_person_version, model
):
    version = withheld_person_version
    attack = restore_form(editor_client, version)
    before = database_rows()
    recover = admin_url(model, "recover", version.pk)
    revision = admin_url(model, "revision", version.object_id, version.pk)
    # An editor may restore this person, but not through another model's admin.
    assert editor_client.post(recover, attack).status_code == 404
    assert editor_client.post(revision, attack).status_code == 404
    assert database_rows() == before


def test_a_version_of_another_record_of_the_same_model_is_not_found(editor_client):
    story, other = ArticleFactory(), ArticleFactory()
    save_in_admin(editor_client, other)
    version = Version.objects.get_for_object(other).get()
    url = admin_url(Article, "revision", story.pk, version.pk)
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, restore_form(editor_client, version)).status_code == 404


def test_restoring_a_withheld_persons_named_version_is_refused_and_the_name_stays_withheld(
    editor_client, reporter_client, withheld_person_version
):
    version = withheld_person_version
    attack = restore_form(editor_client, version)
    for url in (revision_url(version), admin_url(Person, "recover", version.pk)):
        assert reporter_client.post(url, attack).status_code == 403
    person = Person.objects.get(pk=version.object_id)
    assert (person.name_status, person.summary) == (Person.NameStatus.WITHHELD, "")
    assert not PersonName.objects.filter(person=person).exists()
    assert editor_client.get(person.get_absolute_url()).status_code == 200  # still public


def test_a_reporter_cannot_republish_a_retracted_story(
    editor_client, reporter_client, retracted_story_version
):
    version = retracted_story_version
    response = reporter_client.post(revision_url(version), restore_form(editor_client, version))
    assert response.status_code == 403
    story = Article.objects.get(pk=version.object_id)
    assert (story.headline, story.status) == ("Address of the witness", Status.DRAFT)


def test_a_reporter_cannot_unpublish_other_stories_through_a_bulk_revision_of_their_own(
    editor_client, reporter_client, bulk_version
):
    own = Article.objects.get(pk=bulk_version.object_id)
    assert reporter_client.get(admin_url(Article, "change", own.pk)).context[
        "has_change_permission"
    ]  # their own draft: they may edit it, but not the stories saved with it
    attack = restore_form(editor_client, bulk_version)
    assert reporter_client.get(revision_url(bulk_version)).status_code == 403
    assert reporter_client.post(revision_url(bulk_version), attack).status_code == 403
    assert sorted(Article.objects.published().values_list("headline", flat=True)) == [
        "Live story one",
        "Live story two",
    ]


def test_a_reporter_cannot_republish_a_story_saved_in_the_same_revision_as_their_draft(
    editor_client, reporter_client, shared_with_a_retracted_story_version
):
    version = shared_with_a_retracted_story_version
    attack = restore_form(editor_client, version)
    assert reporter_client.post(revision_url(version), attack).status_code == 403
    assert Article.objects.get(headline="Retracted story").status == Status.DRAFT
    assert not Article.objects.published().exists()


# What a Reporter may restore ------------------------------------------------------------


@pytest.fixture
def own_draft(reporter_client):
    """A draft the reporter wrote in the admin, then changed: [story, first version]."""
    page = reporter_client.get(admin_url(Article, "add"))
    data = {**form_data(page, "article_form"), "headline": "First headline", "slug": "mine"}
    assert reporter_client.post(admin_url(Article, "add"), data).status_code == 302
    story = Article.objects.get(slug="mine")
    save_in_admin(reporter_client, story, headline="Second headline")
    return story, Version.objects.get_for_object(story).last()


def test_a_reporter_can_restore_their_own_draft(reporter_client, reporter, own_draft):
    story, first = own_draft
    response = reporter_client.post(revision_url(first), restore_form(reporter_client, first))
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.status) == ("First headline", Status.DRAFT)
    latest = Version.objects.get_for_object(story).first()
    assert latest.revision.user == reporter
    assert latest.revision.comment.startswith("Restored the version of ")


def test_a_reporter_can_recover_their_own_draft_deleted_by_an_editor(
    editor_client, reporter_client, own_draft
):
    story, _ = own_draft
    editor_client.post(admin_url(Article, "delete", story.pk), {"post": "yes"})
    assert not Article.objects.filter(pk=story.pk).exists()
    version = Version.objects.get_deleted(Article).get()
    url = admin_url(Article, "recover", version.pk)
    page = reporter_client.get(url)
    assert page.status_code == 200
    assert reporter_client.post(url, form_data(page, "article_form")).status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Second headline"


def test_a_reporter_cannot_restore_another_reporters_draft(
    editor_client, reporter_client, django_user_model
):
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    story = draft(headline="Colleague's headline", created_by=colleague)
    save_in_admin(editor_client, story)
    save_in_admin(editor_client, story, headline="Colleague's second headline")
    first = Version.objects.get_for_object(story).last()
    attack = restore_form(editor_client, first)
    assert reporter_client.get(revision_url(first)).status_code == 403
    assert reporter_client.post(revision_url(first), attack).status_code == 403
    story.refresh_from_db()
    assert story.headline == "Colleague's second headline"


def test_a_reporter_cannot_recover_a_deleted_public_person(editor_client, reporter_client):
    person = PersonFactory(name="Deleted Person", is_public=True)
    save_in_admin(editor_client, person)
    editor_client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})
    version = Version.objects.get_deleted(Person).get()
    url = admin_url(Person, "recover", version.pk)
    attack = form_data(editor_client.get(url), "person_form")
    assert reporter_client.get(url).status_code == 403
    assert reporter_client.post(url, attack).status_code == 403
    assert not Person.objects.exists()


# An editor's restore is recorded ------------------------------------------------------


def test_an_editors_restore_is_a_new_revision_and_a_log_entry(
    editor_client, editor, published_story_version
):
    version = published_story_version
    revisions = Revision.objects.count()
    response = editor_client.post(revision_url(version), restore_form(editor_client, version))
    assert response.status_code == 302
    story = Article.objects.get(pk=version.object_id)
    assert story.headline == "Court jails two activists"
    assert Revision.objects.count() == revisions + 1
    latest = Version.objects.get_for_object(story).first()
    assert latest.revision.user == editor
    assert latest.revision.comment.startswith("Restored the version of ")
    assert latest.field_dict["headline"] == "Court jails two activists"
    entry = LogEntry.objects.filter(object_id=str(story.pk)).first()
    assert (entry.user, entry.action_flag) == (editor, CHANGE)
    assert entry.get_change_message() == latest.revision.comment


def test_an_editors_restore_of_a_bulk_revision_records_every_story_it_changed(
    editor_client, editor, bulk_version
):
    pks = [int(pk) for pk in bulk_version.revision.version_set.values_list("object_id", flat=True)]
    stories = list(Article.objects.filter(pk__in=pks))
    response = editor_client.post(
        revision_url(bulk_version), restore_form(editor_client, bulk_version)
    )
    assert response.status_code == 302
    assert not Article.objects.published().exists()  # all three back to draft, as then
    new_revision = Revision.objects.first()
    assert new_revision.user == editor
    assert {v.object_id for v in new_revision.version_set.all()} == {str(s.pk) for s in stories}
    for story in stories:
        entry = LogEntry.objects.filter(object_id=str(story.pk)).first()
        assert entry.user == editor
        assert entry.get_change_message().startswith("Restored the version of ")


def test_an_editors_restore_through_reversions_view_inside_create_revision_is_one_revision(
    editor_client, published_story_version
):
    """The restore happens inside reversion.create_revision(): the revert's own saves join
    the revision the form save makes, so there is exactly one new revision."""
    version = published_story_version
    before = Revision.objects.count()
    editor_client.post(revision_url(version), restore_form(editor_client, version))
    assert Revision.objects.count() == before + 1
    assert Revision.objects.first().version_set.filter(object_id=version.object_id).exists()


def test_an_editor_may_restore_a_withheld_persons_named_version(
    editor_client, withheld_person_version
):
    version = withheld_person_version
    response = editor_client.post(revision_url(version), restore_form(editor_client, version))
    assert response.status_code == 302
    person = Person.objects.get(pk=version.object_id)
    assert (person.name_status, person.summary) == (Person.NameStatus.NAMED, "Lives in Almaty.")
    assert PersonName.objects.filter(person=person, name="Айгүл Секрет").exists()


def test_opening_a_restore_the_editor_does_not_save_records_nothing(
    editor_client, published_story_version
):
    before = database_rows()
    assert editor_client.get(revision_url(published_story_version)).status_code == 200
    assert database_rows() == before


def test_the_restore_form_names_the_other_records_the_restore_brings_back(
    editor_client, bulk_version
):
    response = editor_client.get(revision_url(bulk_version))
    assert response.status_code == 200
    assert response.context["also_restored"] == [
        "story “Live story one”",
        "story “Live story two”",
    ]
    assert 'id="also-restored"' in response.text
    assert "saved together with 2 other records" in response.text


def test_the_restore_form_of_a_single_record_names_no_other_record(
    editor_client, published_story_version
):
    response = editor_client.get(revision_url(published_story_version))
    assert response.status_code == 200
    assert 'id="article_form"' in response.text
    assert 'id="also-restored"' not in response.text


def test_a_reporter_restoring_their_draft_brings_back_its_link_to_a_public_person(
    reporter_client, own_draft
):
    story, _ = own_draft
    person = PersonFactory(name="Public Person", is_public=True)
    story.people.add(person)
    save_in_admin(reporter_client, story)
    linked = Version.objects.get_for_object(story).first()
    story.people.remove(person)
    save_in_admin(reporter_client, story, headline="Third headline")
    response = reporter_client.post(revision_url(linked), restore_form(reporter_client, linked))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Second headline"
    assert list(story.people.all()) == [person]
