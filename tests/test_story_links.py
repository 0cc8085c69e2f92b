"""A story's body links the public people, organizations and cases the editors linked to the
story, on their first mention only; never a guess, never a withheld or hidden record, never
inside a link, heading or code, and never a way to smuggle markup into the page."""

import html
from html.parser import HTMLParser

import pytest
from django.test import Client

from newsroom.models import Article
from people.models import Person
from tests.admin_forms import admin_url, form_data
from tests.factories import ArticleFactory, CaseFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

STORY_URL = "/stories/almaty-court-sentences-thirteen-opposition-activists/"


class _BodyLinks(HTMLParser):
    """The links inside <div class="article-body">, as (href, text), and every tag there."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links = []
        self.tags = []
        self.text = []
        self._link = None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self.tags.append((tag, dict(attrs)))
            if tag == "a":
                self._link = [dict(attrs).get("href"), ""]
        elif tag == "div" and dict(attrs).get("class") == "article-body":
            self.depth = 1

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.depth -= 1
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, " ".join(text.split())))
            self._link = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._link is not None:
                self._link[1] += data


def body_of(response):
    assert response.status_code == 200
    parser = _BodyLinks()
    parser.feed(response.content.decode())
    assert parser.text, "the page has no story body"
    return parser


def count_links(body, href):
    return sum(1 for link_href, _text in body.links if link_href == href)


def test_the_demo_story_links_each_linked_record_on_its_first_mention_only(client, demo):
    body = body_of(client.get(STORY_URL))

    assert body.links == [
        ("/people/abai-begimbetov/", "Abai Begimbetov"),
        ("/people/askhat-zheksebaev/", "Askhat Zheksebaev"),
        ("/people/qairat-qylyshev/", "Qairat Qylyshev"),
        ("/people/noyan-rakhymzhanov/", "Noyan Rakhymzhanov"),
        ("/organizations/democratic-choice-of-kazakhstan/", "Democratic Choice of Kazakhstan"),
        ("/organizations/koshe-party/", "Koshe party"),
        ("/people/mukhtar-ablyazov/", "Mukhtar Ablyazov"),
        ("/organizations/bta-bank/", "BTA Bank"),
        (
            "/organizations/kazakhstan-international-bureau-for-human-rights-and-the-rule-of-law/",
            "Kazakhstan International Bureau for Human Rights and the Rule of Law",
        ),
        ("/organizations/human-rights-watch/", "Human Rights Watch"),
    ]
    assert count_links(body, "/people/abai-begimbetov/") == 1
    # "(DVK)" right after the full name and "DVK is led by" later are later mentions.
    assert count_links(body, "/organizations/democratic-choice-of-kazakhstan/") == 1
    assert "DVK is led by" in "".join(body.text)
    # The story's own page links them further down too, in its lists.
    response = client.get(STORY_URL)
    assert response.content.decode().count('href="/people/abai-begimbetov/"') >= 2


def test_a_short_name_links_when_it_is_the_first_mention(client):
    story = ArticleFactory(body="The DVK was banned. Democratic Choice of Kazakhstan appealed.")
    organization = OrganizationFactory(name="Democratic Choice of Kazakhstan", short_name="DVK")
    organization.stories.add(story)

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [(organization.get_absolute_url(), "DVK")]
    assert "Democratic Choice of Kazakhstan appealed." in "".join(body.text)


def test_a_native_script_name_and_a_case_title_are_linked(client):
    story = ArticleFactory(
        body="Абай Бегимбетов was sentenced in the Almaty trial of 13 opposition activists."
    )
    person = PersonFactory(name="Abai Begimbetov", native_name="Абай Бегимбетов")
    case = CaseFactory(title="Almaty trial of 13 opposition activists")
    person.stories.add(story)
    case.stories.add(story)

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [
        (person.get_absolute_url(), "Абай Бегимбетов"),
        (case.get_absolute_url(), "Almaty trial of 13 opposition activists"),
    ]


def test_a_name_the_editors_did_not_link_to_the_story_is_not_linked(client):
    story = ArticleFactory(body="Askhat Zheksebaev and Abai Begimbetov were sentenced.")
    linked = PersonFactory(name="Abai Begimbetov")
    linked.stories.add(story)
    PersonFactory(name="Askhat Zheksebaev")  # public, but not linked to this story

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [(linked.get_absolute_url(), "Abai Begimbetov")]
    assert "Askhat Zheksebaev and" in "".join(body.text)


@pytest.mark.parametrize(
    "fields",
    [
        {"name_status": Person.NameStatus.WITHHELD, "is_public": True},
        {"name_status": Person.NameStatus.NAMED, "is_public": False},
    ],
    ids=["withheld", "not public"],
)
def test_a_withheld_or_hidden_person_linked_to_the_story_is_never_linked(client, fields):
    story = ArticleFactory(body="Vexmira Secretname was questioned. Open Activist spoke out.")
    hidden = PersonFactory(name="Vexmira Secretname", native_name="Вексмира", **fields)
    public = PersonFactory(name="Open Activist")
    story.people.add(hidden, public)

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [(public.get_absolute_url(), "Open Activist")]
    assert "Vexmira Secretname was questioned." in "".join(body.text)
    assert hidden.get_absolute_url() not in {href for href, _text in body.links}


def test_hidden_organizations_and_unpublished_cases_are_not_linked(client):
    story = ArticleFactory(body="Plonkish Front and the Wubbly trial; Open Front too.")
    story.organizations.add(
        OrganizationFactory(name="Plonkish Front", is_public=False),
        OrganizationFactory(name="Open Front"),
    )
    story.cases.add(CaseFactory(title="Wubbly trial", is_published=False))

    body = body_of(client.get(story.get_absolute_url()))

    assert [text for _href, text in body.links] == ["Open Front"]


def test_names_inside_links_headings_and_code_are_left_alone(client):
    story = ArticleFactory(
        body=(
            "## Abai Begimbetov in court\n\n"
            "Read [Abai Begimbetov's statement](https://example.org/statement).\n\n"
            "`Abai Begimbetov`\n\n"
            "Later, Abai Begimbetov spoke."
        )
    )
    person = PersonFactory(name="Abai Begimbetov")
    person.stories.add(story)

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [
        ("https://example.org/statement", "Abai Begimbetov's statement"),
        (person.get_absolute_url(), "Abai Begimbetov"),
    ]
    headings = [tag for tag, _attrs in body.tags if tag == "h2"]
    assert headings == ["h2"]


def test_a_name_matches_whole_words_and_exact_case_only(client):
    story = ArticleFactory(body="The Koshe partying went on; the koshe party met; Koshe party won.")
    organization = OrganizationFactory(name="Koshe party")
    organization.stories.add(story)

    body = body_of(client.get(story.get_absolute_url()))

    assert body.links == [(organization.get_absolute_url(), "Koshe party")]
    assert "".join(body.text).strip().endswith("Koshe party won.")


@pytest.mark.parametrize(
    "hostile_name", ["<script>alert(1)</script>", '" onmouseover="alert(1)', "<b>Bold</b> & Co"]
)
def test_hostile_names_render_inert(client, hostile_name):
    # The body mentions the name as text (escaped in the Markdown, as an editor quoting it
    # would have to); the person and the organization both bear it.
    short_name = "'\"><i>"
    story = ArticleFactory(
        body=f"Before. {html.escape(hostile_name)} spoke. {html.escape(short_name)} After."
    )
    person = PersonFactory(name=hostile_name)
    organization = OrganizationFactory(name=f"{hostile_name} Org", short_name=short_name)
    story.people.add(person)
    story.organizations.add(organization)

    response = client.get(story.get_absolute_url())
    body = body_of(response)

    assert body.links == [
        (person.get_absolute_url(), hostile_name),
        (organization.get_absolute_url(), short_name),
    ]
    assert "".join(body.text).strip() == f"Before. {hostile_name} spoke. {short_name} After."
    assert [(tag, set(attrs)) for tag, attrs in body.tags] == [
        ("p", set()),
        ("a", {"href"}),
        ("a", {"href"}),
    ]
    assert "<script>alert" not in response.content.decode()


def test_the_body_links_a_person_an_editor_links_to_the_story(editor_client):
    client = Client()  # a reader
    story = ArticleFactory(body="Noyan Rakhymzhanov was sentenced.")
    person = PersonFactory(name="Noyan Rakhymzhanov")
    assert body_of(client.get(story.get_absolute_url())).links == []

    url = admin_url(Person, "change", person.pk)
    response = editor_client.post(url, form_data(editor_client.get(url), stories=[str(story.pk)]))
    assert response.status_code == 302, response.context and response.context["errors"]

    body = body_of(client.get(story.get_absolute_url()))
    assert body.links == [(person.get_absolute_url(), "Noyan Rakhymzhanov")]


def test_the_story_page_links_without_a_query_per_record(client, django_assert_max_num_queries):
    def story_with(count):
        story = ArticleFactory(body=" ".join(f"Person Linked{n} spoke." for n in range(count)))
        for n in range(count):
            PersonFactory(name=f"Person Linked{n}").stories.add(story)
        return story

    few = story_with(3)
    with django_assert_max_num_queries(40) as captured:
        assert len(body_of(client.get(few.get_absolute_url())).links) == 3
    queries_for_few = len(captured)
    many = story_with(30)
    with django_assert_max_num_queries(queries_for_few):
        assert len(body_of(client.get(many.get_absolute_url())).links) == 30


def test_the_feed_content_links_the_same_way(client, demo):
    story = Article.objects.get(slug="almaty-court-sentences-thirteen-opposition-activists")
    response = client.get("/feeds/stories/")
    assert response.status_code == 200
    assert response.content.decode().count("/people/abai-begimbetov/") == 1
    assert str(story.body_html).count('<a href="/people/abai-begimbetov/">') == 1
