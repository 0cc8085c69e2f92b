"""The shared page cache (issue 9, item 2): anonymous readers' pages come from the cache, and
every change readers may see (publishing, unpublishing, an edit, a correction, a withheld name,
a scheduled time passing) shows on the next request. Staff, previews and cookies are never
cached; cached pages carry ETag/Last-Modified and a CDN-usable Cache-Control.

Each test fetches pages as an anonymous reader (a client with no cookies) before and after the
change; changes go through the admin as a signed-in editor where the admin does them. The
page cache is on for these tests only (it is off without REDIS_URL, see settings.py), and they
run with real commits, when the content version changes (transaction.on_commit).
"""

import datetime
import time

import pytest
import time_machine
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from reversion.models import Version

from newsroom.models import Article, ContentVersion, Correction
from newsroom.page_cache import models_covered, version_in_database
from people.models import Person
from tests.admin_forms import admin_url, form_data, post_change
from tests.factories import ArticleFactory, PersonFactory
from tests.history_forms import form_data as history_form_data
from tests.test_faults import (  # noqa: F401 (redis_cache and redis_server are fixtures)
    redis_cache,
    redis_server,
    settings_in_a_fresh_interpreter,
)

# Real commits: the version changes when a change is committed (transaction.on_commit).
pytestmark = pytest.mark.django_db(transaction=True)

Status = Article.Status


def sets_a_cookie(request):
    response = HttpResponse("Welcome, reader.")
    response.set_cookie("seen", "1")
    return response


# The site's URLs plus one public page that sets a cookie (for the test that needs it).
urlpatterns = [
    path("sets-a-cookie/", sets_a_cookie),
    path("", include("newsroom.urls")),
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE = True


@pytest.fixture
def reader():
    """An anonymous reader: no cookie of any kind."""
    return Client()


def cached_page(client, url):
    """The page, fetched twice: the second answer must come from the cache."""
    first = client.get(url)
    assert first.status_code == 200, url
    again = client.get(url)
    assert again.status_code == 200
    assert again["X-Page-Cache"] == "hit", url
    assert again.content == first.content
    return again.text


def fresh_page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    assert response.get("X-Page-Cache") != "hit", url
    return response.text


def test_an_anonymous_page_is_served_from_the_cache_with_headers_a_cdn_can_use(reader):
    story = ArticleFactory(headline="Court hears the appeal")
    text = cached_page(reader, story.get_absolute_url())
    assert "Court hears the appeal" in text
    response = reader.get(story.get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=30"} <= cache_control
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_a_cached_page_is_served_with_at_most_one_query(reader, django_assert_max_num_queries):
    ArticleFactory(headline="Court hears the appeal")
    for url in ["/", "/stories/", "/people/", "/cases/", "/search/?q=appeal", "/feeds/stories/"]:
        reader.get(url)
        with django_assert_max_num_queries(1):
            response = reader.get(url)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit", url


def test_a_page_from_the_cache_carries_the_security_policy_it_was_rendered_with(reader):
    """A hit is answered before the views run, but still with the site's security policy."""
    story = ArticleFactory(headline="Court hears the appeal")
    rendered = reader.get(story.get_absolute_url())
    assert rendered["X-Page-Cache"] == "miss"
    hit = reader.get(story.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "Court hears the appeal" in hit.text
    assert hit["Content-Security-Policy"] == rendered["Content-Security-Policy"]
    assert "script-src 'self'" in hit["Content-Security-Policy"]


def test_head_is_answered_from_the_cached_page_without_a_body(reader):
    story = ArticleFactory()
    cached_page(reader, story.get_absolute_url())
    response = reader.head(story.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""


def test_publishing_a_story_shows_it_at_once(reader, editor_client):
    story = ArticleFactory(status=Status.DRAFT, publish_at=None, headline="Verdict in Almaty")
    before = cached_page(reader, "/stories/")
    assert "Verdict in Almaty" not in before
    assert "Stories" in before
    post_change(editor_client, story, status=Status.PUBLISHED)
    assert "Verdict in Almaty" in fresh_page(reader, "/stories/")
    assert "Verdict in Almaty" in fresh_page(reader, story.get_absolute_url())


def test_unpublishing_a_story_removes_it_at_once(reader, editor_client):
    story = ArticleFactory(headline="Verdict in Almaty")
    assert "Verdict in Almaty" in cached_page(reader, story.get_absolute_url())
    assert "Verdict in Almaty" in cached_page(reader, "/stories/")
    post_change(editor_client, story, status=Status.DRAFT)
    fresh_page(reader, story.get_absolute_url(), status=404)
    after = fresh_page(reader, "/stories/")
    assert "Verdict in Almaty" not in after
    assert "Stories" in after


def test_editing_a_story_shows_the_edit_at_once(reader, editor_client):
    story = ArticleFactory(headline="Old headline")
    assert "Old headline" in cached_page(reader, story.get_absolute_url())
    post_change(editor_client, story, headline="New headline")
    page = fresh_page(reader, story.get_absolute_url())
    assert "New headline" in page
    assert "Old headline" not in page


def test_a_correction_shows_at_once(reader, editor_client):
    story = ArticleFactory()
    assert "The court was in Almaty, not Astana." not in cached_page(
        reader, story.get_absolute_url()
    )
    page = editor_client.get(admin_url(Correction, "add"))
    assert page.status_code == 200
    data = form_data(page, article=story.pk, text="The court was in Almaty, not Astana.")
    assert editor_client.post(admin_url(Correction, "add"), data).status_code == 302
    assert "The court was in Almaty, not Astana." in fresh_page(reader, story.get_absolute_url())


def test_withholding_a_name_drops_it_from_every_cached_page_at_once(reader, editor_client):
    person = PersonFactory(name="Aigerim Zhaksylykova")
    pages = [person.get_absolute_url(), "/people/", "/search/?q=Zhaksylykova"]
    for url in pages:
        assert "Aigerim Zhaksylykova" in cached_page(reader, url), url
    post_change(editor_client, person, name_status=Person.NameStatus.WITHHELD)
    # The page moves to an address without the name; the old one is gone.
    assert "Aigerim Zhaksylykova" not in fresh_page(reader, pages[0], status=404)
    for url in pages[1:]:
        assert "Aigerim Zhaksylykova" not in fresh_page(reader, url), url
    person.refresh_from_db()
    page = fresh_page(reader, person.get_absolute_url())
    assert "Aigerim Zhaksylykova" not in page
    assert "withheld" in page


def test_a_scheduled_story_shows_once_its_publish_time_passes(reader):
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    story = ArticleFactory(headline="Scheduled verdict", publish_at=publish_at)
    assert "Scheduled verdict" not in cached_page(reader, "/stories/")
    with time_machine.travel(publish_at - datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled verdict" not in cached_page(reader, "/stories/")
    with time_machine.travel(publish_at + datetime.timedelta(seconds=1), tick=False):
        assert "Scheduled verdict" in fresh_page(reader, "/stories/")
        assert "Scheduled verdict" in cached_page(reader, story.get_absolute_url())


def test_a_staff_preview_is_never_served_to_anonymous_readers(reader, editor_client):
    story = ArticleFactory(status=Status.DRAFT, publish_at=None, headline="Not yet public")
    for _ in range(2):
        preview = editor_client.get(story.get_absolute_url())
        assert preview.status_code == 200
        assert "Not yet public" in preview.text
        assert "X-Page-Cache" not in preview
    for _ in range(2):
        response = reader.get(story.get_absolute_url())
        assert response.status_code == 404
        assert "Not yet public" not in response.text


def test_a_signed_in_editors_page_is_never_cached(reader, editor_client):
    ArticleFactory(headline="Court hears the appeal")
    for _ in range(2):
        response = editor_client.get("/stories/")
        assert response.status_code == 200
        assert "Court hears the appeal" in response.text
        assert "X-Page-Cache" not in response
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
    # Nothing the editor was shown was kept: the reader's first request renders the page.
    response = reader.get("/stories/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"


def test_an_unchanged_page_answers_304_and_a_changed_one_200(reader):
    story = ArticleFactory(headline="Old headline")
    first = reader.get(story.get_absolute_url())
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]

    unchanged = reader.get(story.get_absolute_url(), headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    since = reader.get(story.get_absolute_url(), headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304

    story.headline = "New headline"
    story.save()
    changed = reader.get(story.get_absolute_url(), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "New headline" in changed.text
    assert changed["ETag"] != etag


def test_a_response_that_sets_a_cookie_is_not_cached(reader, settings):
    settings.ROOT_URLCONF = __name__
    for _ in range(2):
        response = reader.get("/sets-a-cookie/")
        assert response.status_code == 200
        assert "Welcome, reader." in response.text
        assert "X-Page-Cache" not in response
        reader.cookies.clear()
    assert cached_page(reader, "/stories/")  # the site's own pages still are


def test_admin_and_health_check_are_never_cached(reader):
    for url in ["/healthz", "/admin/login/"]:
        for _ in range(2):
            response = reader.get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response
            reader.cookies.clear()


def test_a_reader_with_a_session_cookie_is_not_served_from_the_cache(reader, client, editor):
    story = ArticleFactory(headline="Court hears the appeal")
    cached_page(reader, story.get_absolute_url())
    client.force_login(editor)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Court hears the appeal" in response.text
    assert "X-Page-Cache" not in response


def test_pages_differ_by_query_string(reader):
    ArticleFactory(headline="Court hears the appeal")
    found = cached_page(reader, "/search/?q=appeal")
    not_found = cached_page(reader, "/search/?q=nothing-like-it")
    assert "Court hears the appeal" in found
    assert "Court hears the appeal" not in not_found


def test_linking_a_story_to_a_person_shows_on_the_person_page_at_once(reader):
    """A many-to-many change (m2m_changed) makes cached pages fresh too."""
    person = PersonFactory(name="Aigerim Zhaksylykova")
    story = ArticleFactory(headline="Court hears the appeal")
    assert "Court hears the appeal" not in cached_page(reader, person.get_absolute_url())
    person.stories.add(story)
    assert "Court hears the appeal" in fresh_page(reader, person.get_absolute_url())


def test_a_version_evicted_from_the_cache_starts_a_new_one(reader):
    """Cached pages are keyed by a version that lives in the cache too: if it is evicted, no
    page cached under it is served again."""
    story = ArticleFactory(headline="Old headline")
    cached_page(reader, story.get_absolute_url())
    Article.objects.filter(pk=story.pk).update(headline="New headline")  # no signal
    ContentVersion.objects.all().delete()  # as forget_content_version() does after a migration
    assert "New headline" in fresh_page(reader, story.get_absolute_url())


def test_with_redis_down_pages_are_served_uncached_and_cached_again_once_it_is_back(
    reader,
    redis_cache,  # noqa: F811 (the fixture)
):
    story = ArticleFactory(headline="Court hears the appeal")
    assert "Court hears the appeal" in cached_page(reader, story.get_absolute_url())
    redis_cache.stop()
    for _ in range(2):
        response = reader.get(story.get_absolute_url())
        assert response.status_code == 200
        assert "Court hears the appeal" in response.text
        assert "X-Page-Cache" not in response
    redis_cache.start()
    time.sleep(1.1)  # the pause after a failure (1 s in this test), then Redis is tried again
    assert "Court hears the appeal" in cached_page(reader, story.get_absolute_url())


def test_an_unknown_host_is_a_400_not_a_cached_page(reader):
    ArticleFactory(headline="Court hears the appeal")
    cached_page(reader, "/stories/")
    response = reader.get("/stories/", headers={"Host": "elsewhere.example"})
    assert response.status_code == 400
    assert "Court hears the appeal" not in response.text
    assert "X-Page-Cache" not in response


def test_the_page_cache_is_on_by_default_and_can_be_turned_off():
    show = "print(s.NEWSROOM_PAGE_CACHE)"
    assert settings_in_a_fresh_interpreter(show).stdout.strip() == "True"
    with_redis = settings_in_a_fresh_interpreter(show, REDIS_URL="redis://cache.internal:6379/1")
    assert with_redis.stdout.strip() == "True"
    turned_off = settings_in_a_fresh_interpreter(show, DJANGO_PAGE_CACHE="0")
    assert turned_off.stdout.strip() == "False"


def test_with_a_memory_cache_the_version_lives_in_the_database(reader):
    """Each process has its own memory cache: the version every process reads is a row."""
    assert version_in_database()
    story = ArticleFactory(headline="Court hears the appeal")
    cached_page(reader, story.get_absolute_url())
    assert ContentVersion.objects.count() == 1
    before = ContentVersion.objects.get().version["token"]
    with transaction.atomic():
        story.headline = "Court rejects the appeal"
        story.save()
    assert ContentVersion.objects.get().version["token"] != before
    assert "Court rejects the appeal" in fresh_page(reader, story.get_absolute_url())


def test_every_model_of_the_three_apps_makes_pages_fresh():
    """Models other helpers add later are covered too: the list comes from the apps."""
    covered = {model._meta.label for model in models_covered()}
    assert {"newsroom.Article", "newsroom.Correction", "people.Person", "cases.Case"} <= covered
    assert "people.Person_stories" in covered  # a many-to-many table
    for model in models_covered():
        assert post_save.has_listeners(model), model
        assert post_delete.has_listeners(model), model


def test_restoring_an_old_version_in_the_history_shows_at_once(reader, editor_client):
    """A restore writes rows past save() (reversion's raw saves): pages are made fresh too."""
    story = ArticleFactory(headline="First headline")
    post_change(editor_client, story)
    first = Version.objects.get_for_object(story).get()
    post_change(editor_client, story, headline="Second headline")
    assert "Second headline" in cached_page(reader, story.get_absolute_url())
    url = admin_url(Article, "revision", story.pk, first.pk)
    data = history_form_data(editor_client.get(url), "article_form")
    assert editor_client.post(url, data).status_code == 302
    page = fresh_page(reader, story.get_absolute_url())
    assert "First headline" in page
    assert "Second headline" not in page
