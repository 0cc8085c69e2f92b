"""Roles on the server: reporters write and submit for review; only editors publish."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from reversion.models import Version

from cases.models import Case, Defendant
from newsroom.models import Article, Correction
from people.models import Organization, Person
from tests.admin_forms import admin_url, form_data
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

Status = Article.Status
TOMORROW = {"publish_at_0": "2099-01-01", "publish_at_1": "09:00:00"}


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def draft(**kwargs):
    return ArticleFactory(status=Status.DRAFT, publish_at=None, **kwargs)


def post_change(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **changes))


def post_add(client, model, **fields):
    url = admin_url(model, "add")
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **fields))


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


# Reporters: stories


def test_a_reporters_story_form_offers_draft_and_review_but_not_published(reporter_client):
    page = reporter_client.get(admin_url(Article, "add"))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == [Status.DRAFT, Status.REVIEW]
    assert "headline" in form.fields
    assert "publish_at" not in form.fields


def test_a_reporter_can_write_a_draft(reporter_client, reporter):
    response = post_add(reporter_client, Article, headline="A new draft", slug="a-new-draft")
    assert response.status_code == 302
    story = Article.objects.get(slug="a-new-draft")
    assert (story.status, story.created_by) == (Status.DRAFT, reporter)


def test_a_reporter_can_submit_a_draft_for_review(reporter_client):
    story = draft()
    assert post_change(reporter_client, story, status=Status.REVIEW).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.REVIEW


def test_a_reporter_posting_status_published_on_a_new_story_publishes_nothing(reporter_client):
    response = post_add(
        reporter_client, Article, headline="Tampered", slug="tampered", status=Status.PUBLISHED
    )
    assert response.status_code == 200  # the form error, not a save
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.filter(slug="tampered").exists()


def test_a_reporter_posting_status_published_on_a_draft_leaves_it_a_draft(reporter_client):
    story = draft()
    response = post_change(reporter_client, story, status=Status.PUBLISHED, **TOMORROW)
    assert response.status_code == 200  # the form again, with its error
    assert "status" in response.context["adminform"].form.errors
    story.refresh_from_db()
    assert (story.status, story.publish_at) == (Status.DRAFT, None)


def test_a_reporter_posting_a_publish_time_cannot_schedule(reporter_client):
    story = draft(headline="Old headline")
    response = post_change(
        reporter_client, story, status=Status.REVIEW, headline="Submitted headline", **TOMORROW
    )
    assert response.status_code == 302  # saved: the rest of the form went through
    story.refresh_from_db()
    assert (story.status, story.headline) == (Status.REVIEW, "Submitted headline")
    assert story.publish_at is None


@pytest.mark.parametrize(
    "publish_at",
    [timezone.now() - datetime.timedelta(days=1), timezone.now() + datetime.timedelta(days=1)],
    ids=["published", "scheduled"],
)
def test_a_reporter_sees_a_published_or_scheduled_story_read_only(reporter_client, publish_at):
    story = ArticleFactory(publish_at=publish_at)
    page = reporter_client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_a_reporter_cannot_unpublish_or_change_a_published_story(reporter_client):
    story = ArticleFactory(headline="Published headline")
    url = admin_url(Article, "change", story.pk)
    data = form_data(reporter_client.get(url), headline="Changed", status=Status.DRAFT)
    assert reporter_client.post(url, data).status_code == 403
    story.refresh_from_db()
    assert (story.headline, story.status) == ("Published headline", Status.PUBLISHED)


def test_a_reporter_cannot_publish_with_the_changelist_action(reporter_client):
    story = draft()
    response = run_action(reporter_client, Article, "publish_selected", [story])
    assert response.status_code == 200  # the list again: no such action for a reporter
    assert story.headline in response.text
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_a_reporter_is_not_offered_the_publish_actions(reporter_client):
    story = draft()
    page = reporter_client.get(admin_url(Article, "changelist"))
    assert page.status_code == 200
    assert story.headline in page.text
    assert "publish_selected" not in page.text


def test_an_editor_is_offered_the_publish_actions(editor_client):
    draft()
    page = editor_client.get(admin_url(Article, "changelist"))
    assert "publish_selected" in page.text
    assert "unpublish_selected" in page.text


def test_a_reporter_cannot_unpublish_with_the_changelist_action(reporter_client):
    story = ArticleFactory()
    response = run_action(reporter_client, Article, "unpublish_selected", [story])
    assert response.status_code == 200  # the list again: no such action for a reporter
    assert story.headline in response.text
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED


def test_a_reporter_cannot_add_a_correction(reporter_client):
    story = ArticleFactory()
    assert reporter_client.get(admin_url(Correction, "add")).status_code == 403
    response = reporter_client.post(
        admin_url(Correction, "add"),
        {
            "article": story.pk,
            "published_at_0": "2025-01-01",
            "published_at_1": "10:00:00",
            "text": "A correction.",
        },
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


# Reporters: records


RECORDS = [
    (PersonFactory, "is_public"),
    (OrganizationFactory, "is_public"),
    (CaseFactory, "is_published"),
]
RECORD_IDS = ["person", "organization", "case"]


@pytest.mark.parametrize(("factory", "flag"), RECORDS, ids=RECORD_IDS)
def test_a_reporter_posting_the_public_flag_leaves_a_record_not_public(
    reporter_client, factory, flag
):
    record = factory(**{flag: False})
    response = post_change(reporter_client, record, **{flag: "on"})
    assert response.status_code == 302  # saved, but without the flag
    record.refresh_from_db()
    assert getattr(record, flag) is False


@pytest.mark.parametrize(("factory", "flag"), RECORDS, ids=RECORD_IDS)
def test_a_reporter_cannot_change_a_public_record(reporter_client, factory, flag):
    record = factory(**{flag: True})
    url = admin_url(type(record), "change", record.pk)
    page = reporter_client.get(url)
    assert page.context["has_change_permission"] is False
    assert reporter_client.post(url, form_data(page, **{flag: ""})).status_code == 403
    record.refresh_from_db()
    assert getattr(record, flag) is True


@pytest.mark.parametrize(("factory", "flag"), RECORDS, ids=RECORD_IDS)
def test_a_reporter_cannot_publish_a_record_with_the_changelist_action(
    reporter_client, factory, flag
):
    record = factory(**{flag: False})
    run_action(reporter_client, type(record), "publish_selected", [record])
    record.refresh_from_db()
    assert getattr(record, flag) is False


def test_a_reporter_creating_a_person_with_public_ticked_creates_a_not_public_person(
    reporter_client,
):
    response = post_add(
        reporter_client, Person, name="New Person", slug="new-person", is_public="on"
    )
    assert response.status_code == 302
    # Looked up by name: a person who is not public gets a neutral address, not "new-person".
    assert Person.objects.get(name="New Person").is_public is False


def test_a_reporter_cannot_change_a_defendant_in_a_published_case(reporter_client):
    defendant = DefendantFactory(verdict=Defendant.Verdict.CONVICTED)
    url = admin_url(Defendant, "change", defendant.pk)
    data = form_data(reporter_client.get(url), verdict=Defendant.Verdict.ACQUITTED)
    assert reporter_client.post(url, data).status_code == 403
    defendant.refresh_from_db()
    assert defendant.verdict == Defendant.Verdict.CONVICTED


def test_a_reporter_cannot_move_a_defendant_into_a_published_case(reporter_client):
    defendant = DefendantFactory(case=CaseFactory(is_published=False))
    published = CaseFactory(is_published=True)
    assert post_change(reporter_client, defendant, case=published.pk).status_code == 403
    defendant.refresh_from_db()
    assert defendant.case != published


def test_a_reporter_can_edit_a_not_public_record(reporter_client):
    person = PersonFactory(is_public=False, summary="")
    assert post_change(reporter_client, person, summary="Checked.").status_code == 302
    person.refresh_from_db()
    assert person.summary == "Checked."


# Editors


def test_an_editor_publishing_without_a_time_publishes_now(editor_client):
    story = draft()
    before = timezone.now()
    assert post_change(editor_client, story, status=Status.PUBLISHED).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert before <= story.publish_at <= timezone.now()
    assert story in Article.objects.published()


def test_an_editor_can_unpublish_a_story(editor_client):
    story = ArticleFactory()
    assert post_change(editor_client, story, status=Status.DRAFT).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert not Article.objects.published().exists()


def test_an_editor_can_correct_a_published_story(editor_client):
    story = ArticleFactory(headline="Old headline")
    assert post_change(editor_client, story, headline="New headline").status_code == 302
    story.refresh_from_db()
    assert story.headline == "New headline"


def test_the_publish_action_publishes_drafts_now(editor_client):
    stories = [draft(), ArticleFactory(status=Status.REVIEW, publish_at=None)]
    run_action(editor_client, Article, "publish_selected", stories)
    assert set(Article.objects.published()) == set(stories)


def test_the_unpublish_action_takes_stories_back_to_draft(editor_client):
    story = ArticleFactory()
    run_action(editor_client, Article, "unpublish_selected", [story])
    story.refresh_from_db()
    assert story.status == Status.DRAFT


@pytest.mark.parametrize(("factory", "flag"), RECORDS, ids=RECORD_IDS)
def test_an_editor_can_publish_a_record_with_the_form(editor_client, factory, flag):
    record = factory(**{flag: False})
    assert post_change(editor_client, record, **{flag: "on"}).status_code == 302
    record.refresh_from_db()
    assert getattr(record, flag) is True


@pytest.mark.parametrize(("factory", "flag"), RECORDS, ids=RECORD_IDS)
def test_the_publish_and_unpublish_actions_change_records(editor_client, factory, flag):
    record = factory(**{flag: False})
    run_action(editor_client, type(record), "publish_selected", [record])
    record.refresh_from_db()
    assert getattr(record, flag) is True
    run_action(editor_client, type(record), "unpublish_selected", [record])
    record.refresh_from_db()
    assert getattr(record, flag) is False


def test_the_public_querysets_follow_the_record_flags():
    PersonFactory(is_public=False)
    OrganizationFactory(is_public=False)
    CaseFactory(is_published=False)
    person = PersonFactory(is_public=True)
    organization = OrganizationFactory(is_public=True)
    case = CaseFactory(is_published=True)
    assert list(Person.objects.public()) == [person]
    assert list(Organization.objects.public()) == [organization]
    assert list(Case.objects.published()) == [case]


# Scheduling


def test_an_editor_can_schedule_a_story(editor_client):
    story = draft()
    response = post_change(editor_client, story, status=Status.PUBLISHED, **TOMORROW)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.publish_at > timezone.now()
    assert story not in Article.objects.published()


def test_a_scheduled_story_becomes_public_when_its_time_passes(client):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    story = ArticleFactory(publish_at=publish_at)
    url = story.get_absolute_url()
    assert client.get(url).status_code == 404
    assert story not in Article.objects.published()
    with time_machine.travel(publish_at + datetime.timedelta(minutes=1), tick=False):
        assert story in Article.objects.published()
        assert client.get(url).status_code == 200


def test_a_scheduled_story_is_not_public_a_minute_before_its_time(client):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    story = ArticleFactory(publish_at=publish_at)
    with time_machine.travel(publish_at - datetime.timedelta(minutes=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 404


def test_a_reporter_cannot_publish_by_restoring_a_public_revision(editor_client, client, reporter):
    person = PersonFactory(is_public=False, summary="")
    post_change(editor_client, person, is_public="on", summary="Checked.")
    post_change(editor_client, person, is_public="")
    public_version = Version.objects.get_for_object(person).last()  # the oldest: public
    assert public_version.field_dict["is_public"] is True
    url = admin_url(Person, "revision", person.pk, public_version.pk)
    editors_form = form_data(editor_client.get(url))  # the reporter may not even preview it
    client.force_login(reporter)
    assert client.get(url).status_code == 403
    assert client.post(url, editors_form).status_code == 403
    person.refresh_from_db()
    assert person.is_public is False
