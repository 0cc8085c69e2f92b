import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import SentencePart
from newsroom.models import Article
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, href_for, links, page_text

STORY_URL = "/stories/almaty-court-sentences-thirteen-opposition-activists/"
ALMATY_TRIAL_PEOPLE = (
    "Almaty trial of 13 opposition activists: 4 sentenced to 5 years in prison; 9 to 1 to 2 "
    "years of restricted freedom, 7 of them also to 100 hours of compulsory labour a year. "
    "Abai Begimbetov, Qairat Qylyshev, Noyan Rakhymzhanov, Askhat Zheksebaev, "
    "9 people whose names were not reported"
)


def test_story_list_shows_published_stories_with_links(client, demo):
    response = client.get("/stories/")
    assert response.status_code == 200
    assert (STORY_URL, "Almaty court sentences 13 opposition activists on extremism charges") in (
        links(response)
    )


def test_story_list_leaves_out_drafts_and_scheduled_stories(client, db):
    ArticleFactory(headline="A draft about a trial", status=Article.Status.DRAFT)
    ArticleFactory(
        headline="A story for tomorrow", publish_at=timezone.now() + timezone.timedelta(days=1)
    )
    ArticleFactory(headline="A story out today")
    response = client.get("/stories/")
    assert response.status_code == 200
    text = page_text(response)
    assert "A story out today" in text
    assert "A draft about a trial" not in text
    assert "A story for tomorrow" not in text


def test_story_list_pagination_links_keep_other_parameters(client, db):
    ArticleFactory.create_batch(21)
    response = client.get("/stories/", {"utm": "x"})
    assert "?utm=x&amp;page=2" in response.content.decode()


def test_story_page_shows_headline_standfirst_dateline_byline_and_body(client, demo):
    text = page_text(client.get(STORY_URL))
    assert "Almaty court sentences 13 opposition activists on extremism charges" in text
    assert "Four activists of the banned Democratic Choice of Kazakhstan movement" in text
    assert "ALMATY" in text
    assert "By Newsroom staff" in text
    assert "Published" in text
    assert "We are not extremists!" in text


def test_story_page_lists_its_people_under_their_case_with_the_case_summary(client, demo):
    assert ALMATY_TRIAL_PEOPLE in page_text(client.get(STORY_URL))


def test_story_page_shows_unnamed_defendants_as_one_group_linked_to_the_case(client, demo):
    response = client.get(STORY_URL)
    assert page_text(response).count("9 people whose names were not reported") == 1
    assert (
        "/cases/almaty-trial-of-thirteen-opposition-activists/#unnamed-defendants",
        "9 people whose names were not reported",
    ) in links(response)


def test_story_page_links_people_organizations_and_cases(client, demo):
    response = client.get(STORY_URL)
    hrefs = {href for href, _ in links(response)}
    assert "/people/abai-begimbetov/" in hrefs
    assert "/organizations/democratic-choice-of-kazakhstan/" in hrefs
    assert "/organizations/human-rights-watch/" in hrefs
    assert "/cases/almaty-trial-of-thirteen-opposition-activists/" in hrefs


def test_demo_chain_from_story_to_person_organization_case_and_back(client, demo):
    """A reader follows the links: story → Abai Begimbetov → DVK → the Almaty case → story."""
    story = client.get(STORY_URL)
    person = client.get(href_for(story, "Abai Begimbetov"))
    assert "5 years in prison" in page_text(person)
    organization = client.get(href_for(person, "Democratic Choice of Kazakhstan"))
    assert "March 2018" in page_text(organization)
    case = client.get(href_for(organization, "Almaty trial of 13 opposition activists"))
    assert "13 defendants, 4 named" in page_text(case)
    back = client.get(
        href_for(case, "Almaty court sentences 13 opposition activists on extremism charges")
    )
    assert back.status_code == 200
    assert back.request["PATH_INFO"] == STORY_URL


def test_story_page_shows_a_withheld_person_only_as_name_withheld(client, db):
    story = ArticleFactory()
    case = CaseFactory(title="Trial in Shymkent")
    person = PersonFactory(name="Secret Activistname", name_status=Person.NameStatus.WITHHELD)
    person.stories.add(story)
    DefendantFactory(case=case, person=person)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Trial in Shymkent: 1 sentenced to 5 years in prison." not in page_text(response)
    assert "Trial in Shymkent: 1 convicted, sentence not reported." in page_text(response)
    assert (
        f"{case.get_absolute_url()}#withheld-defendants",
        "1 person whose name is withheld",
    ) in links(response)
    assert "Activistname" not in response.content.decode()


def test_story_page_leaves_out_records_readers_may_not_see(client, db):
    story = ArticleFactory()
    hidden_person = PersonFactory(name="Hidden Person", is_public=False)
    hidden_person.stories.add(story)
    shown = PersonFactory(name="Shown Person")
    shown.stories.add(story)
    hidden_organization = OrganizationFactory(name="Hidden Movement", is_public=False)
    hidden_organization.stories.add(story)
    MembershipFactory(person=shown, organization=hidden_organization)
    unpublished_case = CaseFactory(title="Unpublished Trial", is_published=False)
    unpublished_case.stories.add(story)
    DefendantFactory(case=unpublished_case, person=shown)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shown Person" in page_text(response)
    for hidden in ("Hidden Person", "Hidden Movement", "Unpublished Trial"):
        assert hidden not in body
    assert unpublished_case.get_absolute_url() not in body


def test_unpublished_story_is_not_found(client, db):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_story_is_not_found(client, db):
    response = client.get(reverse("newsroom:article_detail", kwargs={"slug": "no-such-story"}))
    assert response.status_code == 404


def build_story_with_people(count):
    story = ArticleFactory()
    case = CaseFactory()
    organization = OrganizationFactory()
    for _ in range(count):
        person = PersonFactory()
        person.stories.add(story)
        MembershipFactory(person=person, organization=organization)
        defendant = DefendantFactory(case=case, person=person)
        SentencePartFactory(defendant=defendant)
        SentencePartFactory(
            defendant=defendant,
            kind=SentencePart.Kind.COMPULSORY_LABOUR,
            hours_per_year=100,
            term_min_months=None,
            term_max_months=None,
        )
    case.stories.add(story)
    organization.stories.add(story)
    return story


def test_story_page_runs_the_same_queries_for_3_or_30_people(client, db):
    few = count_queries(client, build_story_with_people(3).get_absolute_url())
    many = count_queries(client, build_story_with_people(30).get_absolute_url())
    assert few == many


def test_story_list_runs_the_same_queries_for_3_or_30_stories(client, db):
    ArticleFactory.create_batch(3)
    few = count_queries(client, "/stories/")
    ArticleFactory.create_batch(27)
    many = count_queries(client, "/stories/")
    assert few == many


def test_story_page_shows_the_lead_image_with_its_caption_and_credit(
    client, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), "grey").save(picture, "JPEG")
    story = ArticleFactory(
        lead_image=SimpleUploadedFile("court.jpg", picture.getvalue(), "image/jpeg"),
        lead_image_alt="Police outside the court",
        lead_image_caption="The court building in Almaty.",
        lead_image_credit="A photographer",
    )
    response = client.get(story.get_absolute_url())
    assert 'alt="Police outside the court"' in response.content.decode()
    assert "The court building in Almaty. Photo: A photographer" in page_text(response)
