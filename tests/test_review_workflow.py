"""The review workflow: buttons instead of a status list, editors notified by email when a story
is submitted, and the review queue on the admin home page.

Forms are read from the rendered page and posted back whole with the button a browser would send.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsroom.models import Article
from tests.accounts import editorial_group
from tests.factories import ArticleFactory
from tests.history_forms import admin_url, form_data

pytestmark = pytest.mark.django_db

Status = Article.Status
PROJECT = Path(__file__).resolve().parent.parent
BUTTONS = {
    "_save": "Save",
    "_save_draft": "Save draft",
    "_submit_for_review": "Submit for review",
    "_publish": "Publish now",
    "_schedule": "Schedule",
    "_unpublish": "Unpublish",
}


@pytest.fixture
def reporter_client(reporter):
    reporter.first_name, reporter.last_name = "Rita", "Reporter"
    reporter.save()
    client = Client()
    client.force_login(reporter)
    return client


@pytest.fixture
def editors(django_user_model, editor):
    """Who is told about a submitted story: active editors and managing editors with an email
    address; not an editor without one, an inactive one, or a reporter."""
    editor.email = "editor@example.org"
    editor.save()

    def make(username, group, **fields):
        user = django_user_model.objects.create_user(username, is_staff=True, **fields)
        user.groups.add(editorial_group(group))
        return user

    make("managing", "Managing editor", email="managing@example.org")
    make("no_email", "Editor")
    make("gone", "Editor", email="gone@example.org", is_active=False)
    make("other_reporter", "Reporter", email="reporter@example.org")
    return ["editor@example.org", "managing@example.org"]


def draft(**fields):
    return ArticleFactory(status=Status.DRAFT, publish_at=None, **fields)


def buttons_on(page):
    return [name for name in BUTTONS if f'name="{name}"' in page.text]


def press(client, story, button, **changes):
    """Open the story's change form and press a button (a new story: its add form)."""
    url = admin_url(Article, "change", story.pk) if story else admin_url(Article, "add")
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, "article_form")
    data.update(changes)
    data[button] = BUTTONS[button]
    return client.post(url, data)


def in_future(**delta):
    moment = timezone.localtime() + datetime.timedelta(**delta)
    return {"publish_at_0": f"{moment:%Y-%m-%d}", "publish_at_1": f"{moment:%H:%M:%S}"}


# The buttons ------------------------------------------------------------------------------


def test_a_reporter_gets_save_draft_and_submit_for_review_and_no_status_list(reporter_client):
    story = draft()
    page = reporter_client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert buttons_on(page) == ["_save_draft", "_submit_for_review"]
    assert '<select name="status"' not in page.text
    assert 'name="publish_at_0"' not in page.text
    assert '<div class="readonly">Draft</div>' in page.text


def test_a_reporter_gets_the_same_buttons_on_a_new_story(reporter_client):
    page = reporter_client.get(admin_url(Article, "add"))
    assert page.status_code == 200
    assert buttons_on(page) == ["_save_draft", "_submit_for_review"]


@pytest.mark.parametrize(
    ("status", "publish_at", "expected"),
    [
        (Status.DRAFT, None, ["_save", "_publish", "_schedule"]),
        (Status.REVIEW, None, ["_save", "_publish", "_schedule"]),
        (Status.PUBLISHED, datetime.timedelta(days=-1), ["_save", "_unpublish"]),
        (
            Status.PUBLISHED,
            datetime.timedelta(days=1),
            ["_save", "_publish", "_schedule", "_unpublish"],
        ),
    ],
    ids=["draft", "in review", "published", "scheduled"],
)
def test_an_editor_gets_save_publish_schedule_and_unpublish_as_they_apply(
    editor_client, status, publish_at, expected
):
    story = ArticleFactory(
        status=status, publish_at=timezone.now() + publish_at if publish_at else None
    )
    page = editor_client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert buttons_on(page) == expected
    assert '<select name="status"' not in page.text
    assert 'name="publish_at_0"' in page.text  # the publish time, beside the buttons


def test_a_reporter_sees_no_buttons_on_a_published_story(reporter_client):
    story = ArticleFactory()
    page = reporter_client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert buttons_on(page) == []
    assert '<div class="readonly">Published on ' in page.text


# Reporters --------------------------------------------------------------------------------


def test_save_draft_saves_a_new_story_as_a_draft_and_stays_on_it(reporter_client, reporter):
    response = press(reporter_client, None, "_save_draft", headline="A draft", slug="a-draft")
    story = Article.objects.get(slug="a-draft")
    assert response.status_code == 302
    assert response["Location"] == admin_url(Article, "change", story.pk)
    assert (story.status, story.created_by) == (Status.DRAFT, reporter)
    assert mail.outbox == []


def test_submit_for_review_puts_the_story_in_review_and_emails_the_editors(
    reporter_client, editors, django_capture_on_commit_callbacks
):
    story = draft(headline="Court jails blogger")
    with django_capture_on_commit_callbacks(execute=True):
        response = press(reporter_client, story, "_submit_for_review")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.REVIEW
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(editors)
    message = mail.outbox[0]
    assert message.subject == "For review: Court jails blogger"
    assert "Rita Reporter submitted a story for review" in message.body
    assert "“Court jails blogger”" in message.body
    assert f"http://testserver{admin_url(Article, 'change', story.pk)}" in message.body
    assert message.from_email == "newsroom@localhost"


def test_a_new_story_can_be_submitted_at_once(
    reporter_client, editors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = press(
            reporter_client, None, "_submit_for_review", headline="Fresh story", slug="fresh"
        )
    assert response.status_code == 302
    assert Article.objects.get(slug="fresh").status == Status.REVIEW
    assert len(mail.outbox) == len(editors)


def test_the_submitter_is_told_the_editors_were_notified(
    reporter_client, editors, django_capture_on_commit_callbacks
):
    story = draft()
    with django_capture_on_commit_callbacks(execute=True):
        response = press(reporter_client, story, "_submit_for_review")
    page = reporter_client.get(response["Location"])
    assert "Submitted for review." in page.text
    assert "2 editors are notified by email." in page.text


def test_saving_a_story_already_in_review_emails_nobody(
    reporter_client, editors, django_capture_on_commit_callbacks
):
    story = ArticleFactory(status=Status.REVIEW, publish_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(reporter_client, story, "_submit_for_review", standfirst="Fixed.")
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.status, story.standfirst) == (Status.REVIEW, "Fixed.")
    assert mail.outbox == []


def test_save_draft_takes_a_story_back_out_of_review(reporter_client):
    story = ArticleFactory(status=Status.REVIEW, publish_at=None)
    assert press(reporter_client, story, "_save_draft").status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT


# Committed for real, so that the mail goes out when the view's transaction ends, as it does on
# the site; the groups the data migrations created are restored for the tests after it.
@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_does_not_answer_leaves_the_story_submitted(
    reporter_client, editors, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    # Nothing listens on the discard port of the loopback address: the connection is refused.
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    story = draft()
    response = press(reporter_client, story, "_submit_for_review")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.REVIEW
    page = reporter_client.get(response["Location"])
    assert "The editors could not be notified by email: tell them yourself." in page.text


@pytest.mark.parametrize("button", ["_publish", "_schedule", "_unpublish"])
def test_a_reporter_posting_an_editors_button_is_refused_and_nothing_changes(
    reporter_client, button
):
    story = draft(headline="Unchanged")
    url = admin_url(Article, "change", story.pk)
    data = form_data(reporter_client.get(url), "article_form")
    data.update(headline="Changed", **in_future(days=1))
    data[button] = BUTTONS[button]
    assert reporter_client.post(url, data).status_code == 403
    story.refresh_from_db()
    assert (story.status, story.headline, story.publish_at) == (Status.DRAFT, "Unchanged", None)


def test_a_reporter_posting_publish_on_a_new_story_creates_nothing(reporter_client):
    url = admin_url(Article, "add")
    data = form_data(reporter_client.get(url), "article_form")
    data.update(headline="Tampered", slug="tampered", _publish="Publish now")
    assert reporter_client.post(url, data).status_code == 403
    assert not Article.objects.filter(slug="tampered").exists()


def test_two_buttons_at_once_are_a_bad_request(editor_client):
    story = draft()
    url = admin_url(Article, "change", story.pk)
    data = form_data(editor_client.get(url), "article_form")
    data.update(_publish="Publish now", _unpublish="Unpublish")
    assert editor_client.post(url, data).status_code == 400
    story.refresh_from_db()
    assert story.status == Status.DRAFT


# Editors ----------------------------------------------------------------------------------


def test_publish_now_publishes_at_once(editor_client):
    story = ArticleFactory(status=Status.REVIEW, publish_at=None)
    before = timezone.now()
    assert press(editor_client, story, "_publish").status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert before <= story.publish_at <= timezone.now()
    assert story in Article.objects.published()


def test_publish_now_ignores_a_time_in_the_future(editor_client):
    story = draft()
    press(editor_client, story, "_publish", **in_future(days=3))
    story.refresh_from_db()
    assert story in Article.objects.published()


def test_schedule_publishes_at_the_time_given(editor_client):
    story = draft()
    assert press(editor_client, story, "_schedule", **in_future(days=2)).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.publish_at > timezone.now() + datetime.timedelta(days=1)
    assert story not in Article.objects.published()
    assert list(Article.objects.scheduled()) == [story]


@pytest.mark.parametrize(
    "publish_at",
    [{}, {"publish_at_0": "2001-01-01", "publish_at_1": "09:00:00"}],
    ids=["no time", "a past time"],
)
def test_schedule_without_a_future_time_is_a_form_error(editor_client, publish_at):
    story = draft()
    response = press(editor_client, story, "_schedule", **publish_at)
    assert response.status_code == 200
    assert "To schedule the story, enter a publish time in the future." in response.text
    story.refresh_from_db()
    assert (story.status, story.publish_at) == (Status.DRAFT, None)


def test_unpublish_takes_a_published_story_back_to_draft(editor_client):
    story = ArticleFactory()
    assert press(editor_client, story, "_unpublish").status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert not Article.objects.published().exists()


def test_save_keeps_a_published_story_published_at_its_time(editor_client):
    story = ArticleFactory(headline="Old")
    published_at = story.publish_at
    assert press(editor_client, story, "_save", headline="Corrected").status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.status) == ("Corrected", Status.PUBLISHED)
    assert story.publish_at == published_at.replace(microsecond=0)


def test_save_keeps_a_story_in_review(editor_client):
    story = ArticleFactory(status=Status.REVIEW, publish_at=None)
    assert press(editor_client, story, "_save", standfirst="Edited.").status_code == 302
    story.refresh_from_db()
    assert (story.status, story.standfirst) == (Status.REVIEW, "Edited.")


def test_the_story_form_says_who_submitted_it_for_review(editor_client, reporter_client):
    story = draft()
    press(reporter_client, story, "_submit_for_review")
    page = editor_client.get(admin_url(Article, "change", story.pk))
    assert page.status_code == 200
    assert '<div class="readonly">In review, submitted by reporter on ' in page.text


def test_the_history_records_each_step(editor_client, reporter_client):
    story = draft()
    press(reporter_client, story, "_submit_for_review")
    press(editor_client, story, "_publish")
    page = editor_client.get(admin_url(Article, "history", story.pk))
    assert page.status_code == 200
    assert "Submitted for review." in page.text
    assert "Published." in page.text


# The review queue -------------------------------------------------------------------------


def test_in_review_tells_who_submitted_each_story_and_when(reporter_client, reporter):
    story = draft()
    before = timezone.now()
    press(reporter_client, story, "_submit_for_review")
    ArticleFactory(status=Status.REVIEW, publish_at=None)  # put in review outside the admin
    ArticleFactory(status=Status.DRAFT, publish_at=None)
    queue = list(Article.objects.in_review())
    assert len(queue) == 2
    submitted = next(item for item in queue if item.pk == story.pk)
    assert submitted.submitted_by == reporter.username
    assert before <= submitted.submitted_at <= timezone.now()
    other = next(item for item in queue if item.pk != story.pk)
    assert other.submitted_by is None
    assert other.submitted_at == other.updated_at


def test_the_admin_home_page_shows_the_stories_in_review_and_the_scheduled_ones(
    editor_client, reporter_client, reporter, django_assert_max_num_queries
):
    submitted = [draft(headline=f"Waiting story {n}") for n in range(3)]
    for story in submitted:
        press(reporter_client, story, "_submit_for_review")
    ArticleFactory(headline="Scheduled story", publish_at=timezone.now() + datetime.timedelta(1))
    ArticleFactory(headline="Published story")
    draft(headline="Draft story")
    with django_assert_max_num_queries(15):
        page = editor_client.get("/admin/")
    assert page.status_code == 200
    assert "3 stories in review" in page.text
    assert f'href="{admin_url(Article, "changelist")}?status__exact=review"' in page.text
    for story in submitted:
        assert story.headline in page.text
        assert admin_url(Article, "change", story.pk) in page.text
    assert page.text.count(f"submitted by {reporter.username} on") == 3
    assert "1 story scheduled" in page.text
    assert "Scheduled story" in page.text
    assert "Published story" not in page.text
    assert "Draft story" not in page.text


def test_the_home_page_queue_links_to_the_lists_it_counts(editor_client):
    in_review = ArticleFactory(status=Status.REVIEW, publish_at=None, headline="In review one")
    scheduled = ArticleFactory(
        headline="Scheduled one", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    ArticleFactory(headline="Published one")
    changelist = admin_url(Article, "changelist")
    page = editor_client.get(f"{changelist}?status__exact=review")
    assert page.status_code == 200
    assert in_review.headline in page.text
    assert "Published one" not in page.text
    page = editor_client.get(f"{changelist}?schedule=scheduled")
    assert page.status_code == 200
    assert scheduled.headline in page.text
    assert "Published one" not in page.text


def test_an_empty_queue_says_so(editor_client):
    page = editor_client.get("/admin/")
    assert page.status_code == 200
    assert "0 stories in review" in page.text
    assert "No story is waiting for review." in page.text


def test_the_queue_is_not_shown_to_anonymous_visitors(client):
    ArticleFactory(status=Status.REVIEW, publish_at=None, headline="Secret draft")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# Settings -----------------------------------------------------------------------------------


def email_settings(**environ):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environ)
    code = (
        "import newsroom.settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.DEFAULT_FROM_EMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_in_development_mail_is_printed_to_the_console():
    assert email_settings()[0] == "django.core.mail.backends.console.EmailBackend"


def test_in_production_mail_goes_out_by_smtp_as_configured():
    backend, host, port, sender = email_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="news.example.org",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="587",
        DJANGO_DEFAULT_FROM_EMAIL="desk@example.org",
    )
    assert (backend, host, port, sender) == (
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "desk@example.org",
    )
