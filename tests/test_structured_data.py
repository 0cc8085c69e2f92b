import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from newsroom.models import Article
from people.models import Organization, Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CorrectionFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    PersonNameFactory,
)

pytestmark = pytest.mark.django_db

VOCABULARY_FILE = Path(__file__).parent / "data" / "schema_org_vocabulary.json"
DEMO_STORY_SLUG = "almaty-court-sentences-thirteen-opposition-activists"
JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
JSON_LD_KEYWORDS = {"@context", "@type", "@id"}


@cache
def vocabulary():
    return json.loads(VOCABULARY_FILE.read_text())


def properties_of(type_name):
    """Every property a schema.org type has, its own and inherited."""
    bases = vocabulary()["bases"]
    properties, pending = set(), [vocabulary()["types"][type_name]]
    while pending:
        base = bases[pending.pop()]
        properties.update(base["properties"])
        pending.extend(base["extends"])
    return properties


def vocabulary_errors(node, path="$"):
    """Each @type or property that schema.org does not define for the node it is used on."""
    errors = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            errors += vocabulary_errors(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        type_name = node.get("@type")
        if type_name is not None and type_name not in vocabulary()["types"]:
            errors.append(f"{path}: unknown type {type_name!r}")
            return errors
        if type_name is None:
            errors.append(f"{path}: an object without @type")
            return errors
        allowed = properties_of(type_name)
        for key, value in node.items():
            if key in JSON_LD_KEYWORDS:
                continue
            if key not in allowed:
                errors.append(f"{path}: {type_name} has no property {key!r}")
            errors += vocabulary_errors(value, f"{path}.{key}")
    return errors


def json_ld_of(html):
    return [json.loads(block) for block in JSON_LD_RE.findall(html)]


def render_meta(obj, path=None):
    request = RequestFactory().get(path or obj.get_absolute_url())
    template = Template("{% load structured_data %}{% sharing_meta obj %}")
    return template.render(Context({"request": request, "obj": obj}))


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def the_json_ld(html):
    blocks = json_ld_of(html)
    assert len(blocks) == 1
    return blocks[0]


# The vocabulary list itself.


def test_the_vocabulary_list_knows_the_types_and_properties_we_rely_on():
    assert {"author", "about", "mentions", "correction", "dateline"} <= properties_of("NewsArticle")
    assert {"alternateName", "memberOf", "name"} <= properties_of("Person")
    assert "headline" not in properties_of("Organization")


def test_the_vocabulary_check_rejects_made_up_types_and_misplaced_properties():
    assert vocabulary_errors({"@type": "NewsStory"}) == ["$: unknown type 'NewsStory'"]
    assert vocabulary_errors({"@type": "Organization", "memberof": "x"}) == [
        "$: Organization has no property 'memberof'"
    ]
    assert vocabulary_errors({"@type": "Person", "headline": "x"}) == [
        "$: Person has no property 'headline'"
    ]


# Each page type, from the demo data: only schema.org vocabulary.


def demo_pages():
    return [
        Article.objects.get(slug=DEMO_STORY_SLUG),
        Person.objects.get(slug="abai-begimbetov"),
        Person.objects.get(slug="mukhtar-ablyazov"),
        Organization.objects.get(slug="democratic-choice-of-kazakhstan"),
        Organization.objects.get(slug="koshe-party"),
        Organization.objects.get(slug="human-rights-watch"),
        Case.objects.get(slug="almaty-trial-of-thirteen-opposition-activists"),
    ]


def test_the_json_ld_of_every_page_type_uses_only_schema_org_vocabulary(client, demo):
    CorrectionFactory(article=Article.objects.get(slug=DEMO_STORY_SLUG))
    for obj in demo_pages():
        data = the_json_ld(page(client, obj))
        assert data["@context"] == "https://schema.org"
        assert vocabulary_errors(data) == [], obj.get_absolute_url()


def test_the_demo_story_has_a_complete_news_article(client, demo):
    story = Article.objects.get(slug=DEMO_STORY_SLUG)
    data = the_json_ld(page(client, story))
    url = "http://testserver" + story.get_absolute_url()
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["url"] == data["mainEntityOfPage"] == url
    assert datetime.fromisoformat(data["datePublished"]) == story.publish_at
    assert datetime.fromisoformat(data["dateModified"]) == story.modified_at
    assert data["author"] == [{"@type": "Person", "name": "Newsroom staff"}]
    assert data["publisher"]["name"]
    assert data["description"] == story.standfirst
    assert data["dateline"] == "ALMATY"
    about = {item["name"] for item in data["about"]}
    assert {"Democratic Choice of Kazakhstan", "Koshe party"} <= about
    assert "Almaty trial of 13 opposition activists" in about
    mentioned = {person["name"] for person in data["mentions"]}
    assert {"Abai Begimbetov", "Qairat Qylyshev", "Mukhtar Ablyazov"} <= mentioned


def test_the_story_mentions_only_named_public_people(client, demo):
    story = Article.objects.get(slug=DEMO_STORY_SLUG)
    withheld = PersonFactory(name="Secret Realname", name_status=Person.NameStatus.WITHHELD)
    hidden = PersonFactory(name="Hidden Draftperson", is_public=False)
    story.people.add(withheld, hidden)
    data = the_json_ld(page(client, story))
    names = {person["name"] for person in data["mentions"]}
    assert len(names) == 5  # the four named defendants and Ablyazov; none of the nine unnamed
    urls = {person["url"] for person in data["mentions"]}
    for person in [withheld, hidden]:
        assert "http://testserver" + person.get_absolute_url() not in urls
    assert "Secret Realname" not in json.dumps(data)


def test_the_story_is_about_only_public_organizations_and_published_cases(client):
    story = ArticleFactory()
    story.organizations.add(OrganizationFactory(name="Draft Front", is_public=False))
    story.cases.create(title="Unpublished trial", country="KZ", status="trial")
    story.organizations.add(OrganizationFactory(name="Open Front"))
    story.cases.add(CaseFactory(title="Published trial"))
    data = the_json_ld(page(client, story))
    assert {item["name"] for item in data["about"]} == {"Open Front", "Published trial"}
    text = json.dumps(data)
    assert "Draft Front" not in text
    assert "Unpublished trial" not in text


def test_corrections_are_in_the_story_json_ld(client):
    story = ArticleFactory()
    correction = CorrectionFactory(article=story, text="The verdict was in Almaty.")
    data = the_json_ld(page(client, story))
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The verdict was in Almaty.",
            "datePublished": correction.published_at.isoformat(),
        }
    ]
    assert datetime.fromisoformat(data["dateModified"]) == correction.published_at


def test_a_person_has_alternate_names_and_organizations(client, demo):
    person = Person.objects.get(slug="askhat-zheksebaev")
    data = the_json_ld(page(client, person))
    assert data["@type"] == "Person"
    assert data["name"] == "Askhat Zheksebaev"
    assert {"Асхат Жексебаев", "Askhat Zheksebayev", "Asqat Jeksebaev"} <= set(
        data["alternateName"]
    )
    organizations = {org["name"] for org in data["memberOf"]}
    assert {"Democratic Choice of Kazakhstan", "Koshe party"} <= organizations


@pytest.mark.parametrize("status", [Person.NameStatus.WITHHELD, Person.NameStatus.NOT_REPORTED])
def test_a_person_without_a_public_name_has_no_person_json_ld(client, status):
    person = PersonFactory(name="Hidden Realname", name_status=status)
    PersonNameFactory(person=person, name="Скрытое Имя")
    MembershipFactory(person=person)
    html = render_meta(person)
    assert json_ld_of(html) == []
    assert "Hidden" not in html and "Скрытое" not in html
    assert '<link rel="canonical"' in html


def test_an_organization_has_its_names(client, demo):
    organization = Organization.objects.get(slug="democratic-choice-of-kazakhstan")
    data = the_json_ld(page(client, organization))
    assert data["name"] == "Democratic Choice of Kazakhstan"
    assert {"DVK", "ДВК", "Демократический выбор Казахстана"} <= set(data["alternateName"])
    assert data["url"] == "http://testserver" + organization.get_absolute_url()


def test_json_ld_cannot_close_its_script_element():
    organization = OrganizationFactory(name="</script><script>alert(1)</script> & <!--")
    OrganizationNameFactory(organization=organization, name="</SCRIPT>")
    html = render_meta(organization)
    script = JSON_LD_RE.search(html).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["name"] == "</script><script>alert(1)</script> & <!--"


# Canonical links and Open Graph.


def test_the_story_page_has_canonical_and_open_graph_tags(client, demo):
    story = Article.objects.get(slug=DEMO_STORY_SLUG)
    html = page(client, story)
    url = "http://testserver" + story.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{story.headline}">' in html
    assert '<meta property="og:site_name" content="Newsroom">' in html
    assert '<meta property="og:description" content="Four activists' in html


def test_the_canonical_link_drops_the_query_string(client, demo):
    story = Article.objects.get(slug=DEMO_STORY_SLUG)
    html = render_meta(story, story.get_absolute_url() + "?utm_source=x")
    url = "http://testserver" + story.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert "utm_source" not in html


def test_open_graph_values_are_escaped():
    story = ArticleFactory(headline='A "quoted" <b>headline</b>')
    html = render_meta(story)
    assert 'content="A &quot;quoted&quot; &lt;b&gt;headline&lt;/b&gt;"' in html


def test_list_pages_get_a_canonical_link_and_open_graph_tags():
    request = RequestFactory().get(reverse("cases:list") + "?page=2")
    html = Template('{% load structured_data %}{% page_meta "Cases" "Trials." %}').render(
        Context({"request": request})
    )
    assert '<link rel="canonical" href="http://testserver/cases/">' in html
    assert '<meta property="og:title" content="Cases">' in html
    assert '<meta property="og:type" content="website">' in html


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("newsroom:home", "Trials, sentences and the people behind them"),
        ("newsroom:article_list", "Stories"),
        ("people:list", "People"),
        ("organizations:list", "Organizations"),
        ("cases:list", "Cases"),
    ],
)
def test_list_pages_have_canonical_and_open_graph_tags(client, demo, url_name, title):
    url = reverse(url_name)
    html = client.get(url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert f'<meta property="og:title" content="{title}">' in html


def count_render_queries(obj):
    with CaptureQueriesContext(connection) as queries:
        render_meta(obj)
    return len(queries)


def test_story_meta_runs_the_same_number_of_queries_for_3_and_30_related_records():
    def story_with(count):
        story = ArticleFactory()
        story.people.add(*PersonFactory.create_batch(count))
        story.organizations.add(*OrganizationFactory.create_batch(count))
        story.cases.add(*CaseFactory.create_batch(count))
        CorrectionFactory.create_batch(count, article=story)
        return Article.objects.get(pk=story.pk)

    assert count_render_queries(story_with(3)) == count_render_queries(story_with(30))


def test_person_and_organization_meta_run_the_same_number_of_queries_for_3_and_30():
    def person_with(count):
        person = PersonFactory()
        MembershipFactory.create_batch(count, person=person)
        PersonNameFactory.create_batch(count, person=person)
        return Person.objects.get(pk=person.pk)

    def organization_with(count):
        organization = OrganizationFactory()
        OrganizationNameFactory.create_batch(count, organization=organization)
        organization.cases.add(*CaseFactory.create_batch(count))
        return Organization.objects.get(pk=organization.pk)

    assert count_render_queries(person_with(3)) == count_render_queries(person_with(30))
    assert count_render_queries(organization_with(3)) == count_render_queries(organization_with(30))
