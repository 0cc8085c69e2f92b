import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.models import Article
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DEMO_STORY_SLUG = "almaty-court-sentences-thirteen-opposition-activists"

# RFC 3339 section 5.6 date-time, as RFC 4287 section 3.3 requires for Atom dates.
RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)


class AtomError(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise AtomError(message)


def children(element, name):
    return element.findall(ATOM + name)


def check_one(element, name, where):
    found = children(element, name)
    check(len(found) == 1, f"{where} must have exactly one atom:{name}, has {len(found)}")
    return found[0]


def check_date(element, where):
    text = (element.text or "").strip()
    check(RFC3339_RE.match(text), f"{where}: {text!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(text.replace("Z", "+00:00"))  # a real date, not 2026-13-45


def check_iri(element, where):
    text = (element.text or "").strip()
    check(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", text), f"{where}: {text!r} is not an IRI")
    return text


def check_text_construct(element, where):
    kind = element.get("type", "text")
    check(kind in {"text", "html", "xhtml"}, f"{where}: unknown text type {kind!r}")


def check_person(element, where):
    name = check_one(element, "name", where)
    check((name.text or "").strip(), f"{where}: author name is empty")


def check_links(element, where):
    alternates = set()
    for link in children(element, "link"):
        check(link.get("href"), f"{where}: atom:link without href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            check(key not in alternates, f"{where}: two alternate links of the same type")
            alternates.add(key)
    return alternates


def validate_atom(document):
    """Check a feed against the requirements of RFC 4287 (sections 3 and 4), raising AtomError."""
    root = ET.fromstring(document)
    check(root.tag == ATOM + "feed", f"the root element is {root.tag}, not atom:feed")
    check_iri(check_one(root, "id", "feed"), "feed id")
    check_text_construct(check_one(root, "title", "feed"), "feed title")
    check_date(check_one(root, "updated", "feed"), "feed updated")
    check_links(root, "feed")
    check(
        any(link.get("rel") == "self" for link in children(root, "link")),
        "feed should have a rel=self link",
    )
    for author in children(root, "author"):
        check_person(author, "feed author")
    entry_ids = []
    for number, entry in enumerate(children(root, "entry"), 1):
        where = f"entry {number}"
        entry_ids.append(check_iri(check_one(entry, "id", where), f"{where} id"))
        check_text_construct(check_one(entry, "title", where), f"{where} title")
        check_date(check_one(entry, "updated", where), f"{where} updated")
        for published in children(entry, "published"):
            check_date(published, f"{where} published")
        alternates = check_links(entry, where)
        contents = children(entry, "content")
        check(len(contents) <= 1, f"{where}: more than one atom:content")
        check(alternates or contents, f"{where} needs an alternate link or content")
        check(len(children(entry, "summary")) <= 1, f"{where}: more than one atom:summary")
        for content in contents:
            check_text_construct(content, f"{where} content")
        authors = children(entry, "author")
        for author in authors:
            check_person(author, f"{where} author")
        check(authors or children(root, "author"), f"{where} has no author and the feed none")
    check(len(entry_ids) == len(set(entry_ids)), "entry ids are not unique")
    return root


def get_feed(client):
    response = client.get(reverse("newsroom:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response


def entries(response):
    return ET.fromstring(response.content).findall(ATOM + "entry")


def entry_for(response, story):
    url = "http://testserver" + story.get_absolute_url()
    matches = [entry for entry in entries(response) if entry.findtext(ATOM + "id") == url]
    assert len(matches) == 1
    return matches[0]


# The validator itself: it must reject what RFC 4287 forbids, or the feed test proves nothing.


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ("<feed xmlns='http://example.com/'/>", "not atom:feed"),
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
            "<updated>2026-01-01T00:00:00Z</updated></feed>",
            "exactly one atom:id",
        ),
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><id>urn:x</id><title>t</title>"
            "<updated>2026-01-01 00:00</updated></feed>",
            "RFC 3339",
        ),
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><id>urn:x</id><title>t</title>"
            "<updated>2026-01-01T00:00:00Z</updated><link rel='self' href='urn:x'/>"
            "<entry><id>urn:e</id><title>e</title><updated>2026-01-01T00:00:00Z</updated>"
            "<link href='urn:e'/></entry></feed>",
            "no author",
        ),
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><id>urn:x</id><title>t</title>"
            "<updated>2026-01-01T00:00:00Z</updated><link rel='self' href='urn:x'/>"
            "<author><name>a</name></author>"
            "<entry><id>urn:e</id><title>e</title><updated>2026-01-01T00:00:00Z</updated>"
            "<link href='urn:e'/></entry>"
            "<entry><id>urn:e</id><title>f</title><updated>2026-01-01T00:00:00Z</updated>"
            "<link href='urn:f'/></entry></feed>",
            "not unique",
        ),
    ],
)
def test_the_atom_validator_rejects_invalid_feeds(document, problem):
    with pytest.raises(AtomError, match=problem):
        validate_atom(document)


def test_the_feed_validates_as_atom(client, demo):
    CorrectionFactory(article=Article.objects.get(slug=DEMO_STORY_SLUG))
    ArticleFactory.create_batch(3, byline="")
    validate_atom(get_feed(client).content)


def test_an_empty_feed_validates_as_atom(client, db):
    validate_atom(get_feed(client).content)


def test_the_feed_lists_only_published_stories(client):
    published = ArticleFactory(headline="Out in the open")
    ArticleFactory(headline="Draft headline", status=Article.Status.DRAFT)
    ArticleFactory(headline="Review headline", status=Article.Status.REVIEW)
    ArticleFactory(headline="Scheduled headline", publish_at=timezone.now() + timedelta(days=1))
    response = get_feed(client)
    assert [entry.findtext(ATOM + "title") for entry in entries(response)] == [published.headline]
    for hidden in ["Draft headline", "Review headline", "Scheduled headline"]:
        assert hidden not in response.text


def test_an_entry_carries_the_story(client, demo):
    story = Article.objects.get(slug=DEMO_STORY_SLUG)
    entry = entry_for(get_feed(client), story)
    assert entry.findtext(ATOM + "title") == story.headline
    assert entry.find(ATOM + "link").get("href") == "http://testserver" + story.get_absolute_url()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Newsroom staff"
    assert story.standfirst in entry.findtext(ATOM + "summary")
    assert "We are not extremists!" in entry.findtext(ATOM + "content")
    published = datetime.fromisoformat(entry.findtext(ATOM + "published"))
    assert published == story.publish_at


def test_an_entry_is_updated_when_the_story_is_edited(client):
    story = ArticleFactory()
    entry = entry_for(get_feed(client), story)
    assert datetime.fromisoformat(entry.findtext(ATOM + "updated")) == story.updated_at


def test_a_correction_appears_in_the_entry_and_updates_it(client):
    story = ArticleFactory()
    corrected_at = timezone.now() + timedelta(minutes=5)
    CorrectionFactory(article=story, published_at=corrected_at, text="The court was in Almaty.")
    entry = entry_for(get_feed(client), story)
    assert datetime.fromisoformat(entry.findtext(ATOM + "updated")) == corrected_at
    day = f"{corrected_at.day} {corrected_at:%B %Y}"
    assert f"Correction ({day}): The court was in Almaty." in entry.findtext(ATOM + "summary")
    assert "The court was in Almaty." in entry.findtext(ATOM + "content")


def test_a_correction_s_date_in_russian_names_the_month_as_a_date_says_it(client):
    story = ArticleFactory(publish_at=datetime(2024, 1, 10, 12, tzinfo=UTC))
    corrected_at = datetime(2024, 1, 12, 12, tzinfo=UTC)
    CorrectionFactory(article=story, published_at=corrected_at, text="The court was in Almaty.")
    with translation.override("ru"):
        entry = entry_for(get_feed(client), story)
    assert "(12 января 2024)" in entry.findtext(ATOM + "summary")
    assert "(12 января 2024)" in entry.findtext(ATOM + "content")


def test_the_entry_content_is_the_sanitised_body(client):
    story = ArticleFactory(body='Hello <script>alert(1)</script><a href="javascript:x()">x</a>')
    content = entry_for(get_feed(client), story).findtext(ATOM + "content")
    assert "Hello" in content
    assert "<script" not in content
    assert "javascript:" not in content


def test_a_story_without_byline_falls_back_to_the_feed_author(client):
    story = ArticleFactory(byline="")
    response = get_feed(client)
    assert entry_for(response, story).find(ATOM + "author") is None
    assert ET.fromstring(response.content).findtext(f"{ATOM}author/{ATOM}name")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_stories(count):
    for story in ArticleFactory.create_batch(count):
        CorrectionFactory.create_batch(2, article=story)


def test_the_feed_runs_the_same_number_of_queries_for_3_and_30_stories(client):
    make_stories(3)
    few = count_queries(client, reverse("newsroom:feed"))
    make_stories(27)
    assert count_queries(client, reverse("newsroom:feed")) == few


def test_the_feed_links_the_records_its_stories_name_without_reading_what_pages_show_of_them(
    client, demo
):
    """An entry's body links each person, organization and case the story links, as the story
    page does; the feed reads those records themselves, not their memberships, trials and
    sentences, which story pages show and the feed does not (ten thousand records at full
    size)."""
    with CaptureQueriesContext(connection) as queries:
        response = get_feed(client)
    content = entry_for(response, Article.objects.get(slug=DEMO_STORY_SLUG)).findtext(
        ATOM + "content"
    )
    assert '<a href="/people/abai-begimbetov/">Abai Begimbetov</a>' in content
    assert 'href="/organizations/democratic-choice-of-kazakhstan/"' in content
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "people_person" in read
    for table in ["people_membership", "cases_defendant", "cases_sentencepart"]:
        assert table not in read


# Sitemap


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sitemap_locations(client):
    """Every <url> of every section the sitemap index lists, by address."""
    index = get_xml(client, reverse("sitemap"))
    assert index.tag == SITEMAP + "sitemapindex"
    locations = {}
    for section in index.findall(SITEMAP + "sitemap"):
        urlset = get_xml(client, section.findtext(SITEMAP + "loc"))
        assert urlset.tag == SITEMAP + "urlset"
        locations |= {url.findtext(SITEMAP + "loc"): url for url in urlset.findall(SITEMAP + "url")}
    return locations


def absolute(obj):
    return "http://testserver" + obj.get_absolute_url()


def test_the_sitemap_lists_the_demo_records(client, demo):
    locations = sitemap_locations(client)
    for path in [
        f"/stories/{DEMO_STORY_SLUG}/",
        "/people/abai-begimbetov/",
        "/organizations/democratic-choice-of-kazakhstan/",
        "/cases/almaty-trial-of-thirteen-opposition-activists/",
        "/cases/",
    ]:
        assert "http://testserver" + path in locations


def test_the_sitemap_leaves_out_what_readers_may_not_see(client):
    hidden = [
        ArticleFactory(status=Article.Status.DRAFT),
        ArticleFactory(publish_at=timezone.now() + timedelta(days=1)),
        PersonFactory(is_public=False),
        PersonFactory(name="Withheld Name", name_status=Person.NameStatus.WITHHELD),
        OrganizationFactory(is_public=False),
        CaseFactory(is_published=False),
    ]
    shown = [ArticleFactory(), PersonFactory(), OrganizationFactory(), CaseFactory()]
    locations = sitemap_locations(client)
    for obj in shown:
        assert absolute(obj) in locations
    for obj in hidden:
        assert absolute(obj) not in locations


def test_the_sitemap_gives_lastmod_with_corrections(client):
    story = ArticleFactory()
    later = timezone.now() + timedelta(days=3)
    CorrectionFactory(article=story, published_at=later)
    entry = sitemap_locations(client)[absolute(story)]
    assert entry.findtext(SITEMAP + "lastmod") == later.date().isoformat()


def test_the_sitemap_index_lists_one_sitemap_per_section(client, demo):
    index = get_xml(client, reverse("sitemap"))
    sections = [section.findtext(SITEMAP + "loc") for section in index]
    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ["pages", "stories", "people", "organizations", "cases"]
    ]


def test_a_sitemap_section_gives_lastmod_in_the_index(client):
    story = ArticleFactory()
    later = timezone.now() + timedelta(days=3)
    CorrectionFactory(article=story, published_at=later)
    index = get_xml(client, reverse("sitemap"))
    lastmods = {s.findtext(SITEMAP + "loc"): s.findtext(SITEMAP + "lastmod") for s in index}
    stories = datetime.fromisoformat(lastmods["http://testserver/sitemap-stories.xml"])
    assert stories == later


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-people.xml?p=2", "/sitemap-people.xml?p=x"]
)
def test_an_unknown_sitemap_section_or_page_is_404(client, db, url):
    assert client.get(url).status_code == 404


def test_the_sitemap_runs_the_same_number_of_queries_for_3_and_30_records(client):
    def make(count):
        make_stories(count)
        PersonFactory.create_batch(count)
        OrganizationFactory.create_batch(count)
        CaseFactory.create_batch(count)

    def count_all():
        index = get_xml(client, reverse("sitemap"))
        urls = [reverse("sitemap")] + [s.findtext(SITEMAP + "loc") for s in index]
        return [count_queries(client, url) for url in urls]

    make(3)
    few = count_all()
    make(27)
    assert count_all() == few


# robots.txt


def test_robots_txt_is_plain_text_that_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get(reverse("newsroom:robots"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_keeps_crawlers_out_of_search_results(client, db):
    """Each query is a new page built from scratch: a crawler following search links would
    make unbounded uncached work, and result pages are no content of their own."""
    response = client.get(reverse("newsroom:robots"))
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert f"Disallow: {reverse('newsroom:search')}" in lines
    assert "Allow: /" in lines


def test_robots_txt_points_to_the_sitemap_with_an_absolute_url(client, db):
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml" in response.text.splitlines()


def test_pages_advertise_the_feed_for_autodiscovery(client, db):
    response = client.get(reverse("newsroom:home"))
    feed_url = reverse("newsroom:feed")
    assert f'type="application/atom+xml" title="Newsroom stories" href="{feed_url}"' in (
        response.text
    )
