"""Every admin save is a revision, with a diff view and a restore."""

import pytest
import reversion
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from cases.models import Case, Defendant, SentencePart
from newsroom.models import Article
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    PersonFactory,
    PersonNameFactory,
)
from tests.history_forms import admin_url, form_data, open_change_form

pytestmark = pytest.mark.django_db

ADMIN_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"newsroom", "people", "cases"}
    ),
    key=lambda model: model._meta.label,
)


def save(client, obj, data):
    response = client.post(admin_url(type(obj), "change", obj.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def restore(client, obj, version):
    url = admin_url(type(obj), "revision", obj.pk, version.pk)
    data = form_data(client.get(url), f"{obj._meta.model_name}_form")
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_every_model_in_the_admin_keeps_revisions(model):
    assert reversion.is_registered(model)


def test_a_story_saved_in_the_admin_is_a_revision_with_who_and_what(editor_client, editor):
    story = ArticleFactory(headline="Old headline")
    save(editor_client, story, {**open_change_form(editor_client, story), "headline": "New"})
    version = Version.objects.get_for_object(story).get()
    assert version.revision.user == editor
    assert version.field_dict["headline"] == "New"
    assert "Headline" in version.revision.get_comment()


def test_saving_a_case_with_defendants_inline_makes_one_revision_holding_them(editor_client):
    case = CaseFactory()
    defendants = [DefendantFactory(case=case), DefendantFactory(case=case)]
    save(editor_client, case, {**open_change_form(editor_client, case), "city": "Astana"})
    revision = Version.objects.get_for_object(case).get().revision
    assert {v.object_id for v in revision.version_set.filter(content_type__model="defendant")} == {
        str(d.pk) for d in defendants
    }


def test_saving_a_defendant_with_sentence_parts_inline_makes_one_revision_holding_them(
    editor_client,
):
    defendant = DefendantFactory()
    data = {
        **open_change_form(editor_client, defendant),
        "sentence_parts-0-kind": "prison",
        "sentence_parts-0-term_min_months": "60",
        "sentence_parts-0-term_max_months": "60",
    }
    save(editor_client, defendant, data)
    revision = Version.objects.get_for_object(defendant).get().revision
    part = SentencePart.objects.get()
    assert revision.version_set.filter(object_id=str(part.pk), content_type__model="sentencepart")


def test_restoring_a_story_brings_back_its_old_values(editor_client):
    story = ArticleFactory(headline="First headline")
    save(editor_client, story, open_change_form(editor_client, story))
    first = Version.objects.get_for_object(story).get()
    save(editor_client, story, {**open_change_form(editor_client, story), "headline": "Second"})
    restore(editor_client, story, first)
    story.refresh_from_db()
    assert story.headline == "First headline"


@pytest.fixture
def case_with_two_saves(editor_client):
    """A case saved with two pending defendants, then saved with one convicted, one removed."""
    case = CaseFactory(title="Trial of two", city="Almaty")
    kept = DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING, position=1)
    removed = DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING, position=2)
    save(editor_client, case, open_change_form(editor_client, case))
    data = {
        **open_change_form(editor_client, case),
        "city": "Astana",
        "defendants-0-verdict": "convicted",
        "defendants-1-DELETE": "on",
    }
    save(editor_client, case, data)
    first, second = reversed(Version.objects.get_for_object(case))
    return case, kept, removed, first, second


def test_restoring_a_case_brings_back_its_values_and_its_defendant_rows(
    editor_client, case_with_two_saves
):
    case, kept, removed, first, _ = case_with_two_saves
    restore(editor_client, case, first)
    case.refresh_from_db()
    assert case.city == "Almaty"
    assert Defendant.objects.get(pk=kept.pk).verdict == Defendant.Verdict.PENDING
    assert Defendant.objects.filter(pk=removed.pk, case=case).exists()


def test_the_history_page_links_each_version_to_what_it_changed(editor_client, case_with_two_saves):
    case, _, _, first, second = case_with_two_saves
    response = editor_client.get(admin_url(Case, "history", case.pk))
    for version in (first, second):
        assert admin_url(Case, "changes", case.pk, version.pk) in response.text
        assert admin_url(Case, "revision", case.pk, version.pk) in response.text


def test_the_diff_view_shows_each_changed_field_with_old_and_new_values(
    editor_client, case_with_two_saves
):
    case, kept, removed, _, second = case_with_two_saves
    response = editor_client.get(admin_url(Case, "changes", case.pk, second.pk))
    assert response.status_code == 200
    changes = response.context["changes"]
    case_change = changes[0]
    assert [(f.label, f.before, f.after) for f in case_change.fields] == [
        ("City", "Almaty", "Astana")
    ]
    by_label = {change.label: change for change in changes[1:]}
    kept_change = by_label[f"Defendant “{kept}”"]
    assert [(f.label, f.before, f.after) for f in kept_change.fields] == [
        ("Verdict", "No verdict yet", "Convicted")
    ]
    assert by_label[f"Defendant “{removed}”"].action == "removed"


def test_the_diff_view_of_a_first_version_lists_its_values(editor_client):
    person = PersonFactory(name="Aigul Example")
    PersonNameFactory(person=person, name="Айгүл")
    save(editor_client, person, open_change_form(editor_client, person))
    version = Version.objects.get_for_object(person).get()
    response = editor_client.get(admin_url(type(person), "changes", person.pk, version.pk))
    fields = {f.label: (f.before, f.after) for f in response.context["changes"][0].fields}
    assert fields["Name"] == ("(empty)", "Aigul Example")
    assert "first saved version" in response.text


def test_the_diff_view_of_a_version_of_another_record_is_not_found(editor_client):
    first, other = ArticleFactory(), ArticleFactory()
    save(editor_client, other, open_change_form(editor_client, other))
    version = Version.objects.get_for_object(other).get()
    response = editor_client.get(admin_url(Article, "changes", first.pk, version.pk))
    assert response.status_code == 404


def test_the_history_page_queries_do_not_grow_with_the_number_of_versions(editor_client):
    story = ArticleFactory()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(admin_url(Article, "history", story.pk)).status_code == 200
        return len(queries)

    for number in range(2):
        save(
            editor_client, story, {**open_change_form(editor_client, story), "byline": f"{number}"}
        )
    with_two = count_queries()
    for number in range(8):
        save(
            editor_client, story, {**open_change_form(editor_client, story), "byline": f"x{number}"}
        )
    assert count_queries() == with_two


def test_publishing_from_the_list_of_cases_is_kept_as_a_revision(editor_client, editor):
    case = CaseFactory(is_published=False)
    data = {"action": "publish_selected", "_selected_action": [case.pk]}
    assert editor_client.post(admin_url(Case, "changelist"), data).status_code == 302
    version = Version.objects.get_for_object(case).get()
    assert version.field_dict["is_published"] is True
    assert version.revision.user == editor


def change_form_queries(client, obj):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(type(obj), "change", obj.pk)).status_code == 200
    return len(queries)


def test_the_defendant_change_form_queries_do_not_grow_with_its_sentence_parts(editor_client):
    from tests.factories import SentencePartFactory

    defendant = DefendantFactory()
    SentencePartFactory.create_batch(3, defendant=defendant)
    with_three = change_form_queries(editor_client, defendant)
    SentencePartFactory.create_batch(27, defendant=defendant)
    assert change_form_queries(editor_client, defendant) == with_three


def test_the_person_change_form_queries_do_not_grow_with_names_and_stories(editor_client):
    person = PersonFactory()

    def add(count):
        PersonNameFactory.create_batch(count, person=person)
        person.stories.add(*ArticleFactory.create_batch(count))

    add(3)
    with_three = change_form_queries(editor_client, person)
    add(27)
    assert change_form_queries(editor_client, person) == with_three


def test_a_deleted_story_can_be_recovered_from_its_last_version(editor_client):
    story = ArticleFactory(headline="Deleted by mistake")
    save(editor_client, story, open_change_form(editor_client, story))
    editor_client.post(admin_url(Article, "delete", story.pk), {"post": "yes"})
    assert not Article.objects.exists()
    version = Version.objects.get_deleted(Article).get()
    assert "Deleted by mistake" in editor_client.get(admin_url(Article, "recoverlist")).text
    url = admin_url(Article, "recover", version.pk)
    assert (
        editor_client.post(url, form_data(editor_client.get(url), "article_form")).status_code
        == 302
    )
    assert Article.objects.get().headline == "Deleted by mistake"


def test_the_people_linked_to_a_story_on_its_page_are_in_its_history(editor_client):
    story = ArticleFactory()
    kept, removed, added = (
        PersonFactory(name=n) for n in ("Kept One", "Removed Two", "Added Three")
    )
    story.people.add(kept, removed)
    save(editor_client, story, open_change_form(editor_client, story))
    data = open_change_form(editor_client, story)
    prefix = next(k for k, v in data.items() if k.endswith("-person") and v == str(removed.pk))
    data[prefix.replace("-person", "-DELETE")] = "on"
    total = prefix.split("-")[0] + "-TOTAL_FORMS"
    index = int(data[total])
    data[total] = str(index + 1)
    data[f"{prefix.split('-')[0]}-{index}-person"] = str(added.pk)
    save(editor_client, story, data)
    latest = Version.objects.get_for_object(story).first()
    response = editor_client.get(admin_url(Article, "changes", story.pk, latest.pk))
    changes = {change.label: change.action for change in response.context["changes"]}
    assert changes == {"Person “Removed Two”": "removed", "Person “Added Three”": "added"}


def test_the_diff_of_a_long_story_body_shows_it_whole_with_the_changed_words_marked(
    editor_client,
):
    unchanged = "An unchanged paragraph that is long enough to matter. " * 5
    story = ArticleFactory(body=f"{unchanged}\n\nThe court sat in Almaty.")
    save(editor_client, story, open_change_form(editor_client, story))
    data = {
        **open_change_form(editor_client, story),
        "body": f"{unchanged}\n\nThe court sat in Astana.",
    }
    save(editor_client, story, data)
    latest = Version.objects.get_for_object(story).first()
    response = editor_client.get(admin_url(Article, "changes", story.pk, latest.pk))
    body = response.context["changes"][0].fields[0]
    assert body.after == f"{unchanged}\n\nThe court sat in Astana."
    marked = "The court sat in <del>Almaty.</del><ins>Astana.</ins>"
    assert body.diff.endswith(f"<br><br>{marked}")
    assert body.diff.startswith("An unchanged paragraph")
    assert marked in response.text


def test_restoring_a_story_brings_back_the_people_it_was_linked_to(editor_client):
    story = ArticleFactory()
    first_person, later_person = PersonFactory(), PersonFactory()
    story.people.add(first_person)
    save(editor_client, story, open_change_form(editor_client, story))
    first = Version.objects.get_for_object(story).get()
    story.people.remove(first_person)
    story.people.add(later_person)
    save(editor_client, story, open_change_form(editor_client, story))
    restore(editor_client, story, first)
    assert list(story.people.all()) == [first_person]


def test_opening_a_version_to_restore_changes_nothing(editor_client):
    story = ArticleFactory(headline="First")
    story.people.add(PersonFactory())
    save(editor_client, story, open_change_form(editor_client, story))
    first = Version.objects.get_for_object(story).get()
    later_person = PersonFactory()
    story.people.add(later_person)
    Article.objects.filter(pk=story.pk).update(headline="Second")
    response = editor_client.get(admin_url(Article, "revision", story.pk, first.pk))
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.headline == "Second"
    assert later_person in story.people.all()
