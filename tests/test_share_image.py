"""A story without a lead image gets a share image (its headline and the site's name), drawn once
per headline and kept, served where readers may see the story, named in og:image, twitter:image
and the JSON-LD; a story with a lead image shares that instead."""

import io
import json
import os
import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsroom.models import Article
from newsroom.share_images import draw_share_image, share_image_name
from people.models import Person
from tests.admin_forms import admin_url, form_data
from tests.factories import ArticleFactory, PersonFactory

pytestmark = pytest.mark.django_db

OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]+)">')
TWITTER_IMAGE = re.compile(r'<meta name="twitter:image" content="([^"]+)">')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def share_url(story):
    return reverse("newsroom:article_share_image", kwargs={"slug": story.slug})


def og_image(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    match = OG_IMAGE.search(html)
    assert match, "the story page has no og:image"
    return match.group(1).replace("&amp;", "&"), html


def get_image(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    content = response.content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)
    return content


def test_a_story_without_a_lead_image_shares_its_share_image(client):
    story = ArticleFactory(headline="Almaty court sentences 13 opposition activists")

    image_url, html = og_image(client, story)

    assert image_url.startswith(f"http://testserver{share_url(story)}?v=")
    assert TWITTER_IMAGE.search(html).group(1).replace("&amp;", "&") == image_url
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert f'<meta property="og:image:alt" content="{story.headline}">' in html
    data = json.loads(JSON_LD.search(html).group(1))
    assert data["image"] == image_url
    get_image(client, image_url.removeprefix("http://testserver"))


def test_a_story_with_a_lead_image_shares_its_largest_rendition(client):
    picture = io.BytesIO()
    Image.new("RGB", (2000, 1000), "grey").save(picture, "JPEG")
    story = ArticleFactory(
        lead_image=SimpleUploadedFile("court.jpg", picture.getvalue(), "image/jpeg"),
        lead_image_alt="Police outside the court",
    )

    image_url, html = og_image(client, story)

    rendition = re.sub(r"\.jpg$", ".1600w.webp", story.lead_image.name)
    assert image_url == f"http://testserver/media/{rendition}"
    assert '<meta property="og:image:alt" content="Police outside the court">' in html
    assert '<meta property="og:image:width" content="1600">' in html
    assert json.loads(JSON_LD.search(html).group(1))["image"] == image_url
    assert share_url(story) not in html


def test_the_demo_story_has_a_share_image(client, demo):
    story = Article.objects.get(slug="almaty-court-sentences-thirteen-opposition-activists")
    image_url, _html = og_image(client, story)
    get_image(client, image_url.removeprefix("http://testserver"))


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT, "publish_at": None},
        {"status": Article.Status.REVIEW, "publish_at": None},
        {"publish_at": timezone.now() + timezone.timedelta(days=1)},
    ],
    ids=["draft", "in review", "scheduled"],
)
def test_an_unpublished_storys_image_is_404_for_readers_and_shown_to_staff(editor_client, fields):
    story = ArticleFactory(headline="Not yet public", **fields)
    public = ArticleFactory(headline="Public")
    reader = Client()

    assert reader.get(share_url(story)).status_code == 404
    assert reader.get(story.get_absolute_url()).status_code == 404
    get_image(reader, share_url(public))  # the same URL works for a public story
    # Staff who may preview the story may see its image too, never cached.
    response = editor_client.get(share_url(story))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_public_image_may_be_cached_for_a_while(client):
    story = ArticleFactory()
    response = client.get(share_url(story))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]


def test_an_unknown_story_has_no_image(client):
    assert client.get("/stories/no-such-story/share.png").status_code == 404


def test_the_image_is_drawn_once_and_kept(client):
    story = ArticleFactory(headline="A trial in Almaty")
    first = get_image(client, share_url(story))
    path = os.path.join(settings.MEDIA_ROOT, share_image_name(story))
    assert os.path.exists(path)
    # Mark the stored file: a second request that drew the image again would overwrite it.
    os.utime(path, (1_000_000, 1_000_000))

    second = get_image(client, share_url(story))

    assert second == first
    assert os.path.getmtime(path) == 1_000_000


def test_a_new_headline_gives_a_new_image_at_a_new_address(editor_client):
    client = Client()  # a reader
    story = ArticleFactory(headline="Court sentences four activists")
    old_url, _html = og_image(client, story)
    old_image = get_image(client, share_url(story))
    old_name = share_image_name(story)

    url = admin_url(Article, "change", story.pk)
    response = editor_client.post(
        url, form_data(editor_client.get(url), headline="Court sentences thirteen activists")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Court sentences thirteen activists"

    new_url, _html = og_image(client, story)
    assert new_url != old_url
    assert get_image(client, new_url.removeprefix("http://testserver")) != old_image
    # The old version is deleted once the new one is stored.
    assert not default_storage.exists(old_name)
    assert default_storage.exists(share_image_name(story))


def test_the_image_does_not_change_with_the_body_or_the_people(client):
    story = ArticleFactory(headline="Same headline")
    old_url, _html = og_image(client, story)
    story.body = "A changed body."
    story.save()
    story.people.add(PersonFactory(name="Vexmira Secretname"))
    assert og_image(client, story)[0] == old_url


def test_the_image_shows_only_the_headline_and_the_site_name(client):
    """The image is drawn from the headline and the site's name alone: a withheld person linked
    to the story changes nothing in it."""
    story = ArticleFactory(headline="Activists sentenced in Almaty")
    bare = get_image(client, share_url(story))
    withheld = PersonFactory(
        name="Vexmira Secretname", name_status=Person.NameStatus.WITHHELD, summary="An activist."
    )
    story.people.add(withheld)
    default_storage.delete(share_image_name(story))  # draw it again, with the person linked

    assert get_image(client, share_url(story)) == bare
    assert bare == draw_share_image("Activists sentenced in Almaty", settings.SITE_NAME)


@pytest.mark.parametrize(
    "headline",
    [
        "Short",
        "Almaty court sentences 13 opposition activists on extremism charges " * 3,
        "Алматы соты экстремизм бойынша 13 оппозиция белсендісін соттады",
        "W" * 200,  # one word wider than the image
    ],
    ids=["short", "long", "kazakh", "one long word"],
)
def test_any_headline_fits_the_image(headline):
    with Image.open(io.BytesIO(draw_share_image(headline, "Newsroom"))) as image:
        assert image.size == (1200, 630)
        # Something is drawn in the headline's box, and the margins stay empty.
        headline_box = image.crop((80, 110, 1120, 480))
        assert len(headline_box.getcolors(maxcolors=100_000)) > 1
        right_margin = image.crop((1125, 110, 1200, 480))
        assert right_margin.getcolors() == [(75 * 370, (0x1B, 0x1B, 0x1B))]


def test_the_share_image_view_runs_few_queries(client, django_assert_max_num_queries):
    story = ArticleFactory()
    with django_assert_max_num_queries(2):
        get_image(client, share_url(story))
