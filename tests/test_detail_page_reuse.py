"""The detail pages reuse, from one request to the next, what depends on no data: the Markdown
converter of story bodies (newsroom/rendering.py) and the prefetch querysets of the detail pages
(newsroom/prefetch.py). Nothing of one page may carry over into the next."""

import pytest

from cases.models import Case
from newsroom.prefetch import built_once
from people.models import Membership, Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.page_helpers import links, page_text


def test_a_story_body_does_not_see_the_link_references_of_the_story_read_before(client, db):
    first = ArticleFactory(
        headline="First story",
        body="See [the report][ref].\n\n[ref]: https://reports.example.org/first",
    )
    second = ArticleFactory(headline="Second story", body="Also see [the report][ref].")
    first_page = client.get(first.get_absolute_url())
    assert first_page.status_code == 200
    assert ("https://reports.example.org/first", "the report") in links(first_page)

    second_page = client.get(second.get_absolute_url())
    assert second_page.status_code == 200
    assert "Also see [the report][ref]." in page_text(second_page)
    assert "https://reports.example.org/first" not in second_page.content.decode()


def test_each_story_body_is_rendered_afresh_after_a_raw_html_block(client, db):
    first = ArticleFactory(headline="First story", body="<p>Raw paragraph one.</p>\n\nText one.")
    second = ArticleFactory(headline="Second story", body="Text two.")
    assert "Raw paragraph one." in page_text(client.get(first.get_absolute_url()))
    response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "Text two." in text
    assert "Raw paragraph one." not in text
    assert "Text one." not in text


def test_built_once_builds_on_first_use_and_hands_out_clones(db):
    builds = []

    @built_once
    def public_people():
        builds.append(1)
        return Person.objects.public()

    PersonFactory(name="Aigerim Public", is_public=True)
    first, second = public_people(), public_people()
    assert len(builds) == 1
    assert first is not second
    assert [person.name for person in first] == ["Aigerim Public"]
    # Evaluating a clone leaves the next one to read the table again.
    PersonFactory(name="Berik Public", is_public=True)
    assert sorted(person.name for person in public_people()) == ["Aigerim Public", "Berik Public"]


def test_a_record_made_public_shows_on_the_next_request_of_each_detail_page(client, db):
    """The prebuilt prefetch querysets hold no rows: what changes between two requests
    shows on the second."""
    organization = OrganizationFactory(name="Democratic Choice", is_public=True)
    case = CaseFactory(title="Trial of the activists")
    person = PersonFactory(name="Aigerim Activist", is_public=True)
    hidden = PersonFactory(name="Nurlan Hiddenov", is_public=False)
    MembershipFactory(person=person, organization=organization)
    MembershipFactory(person=hidden, organization=organization)
    DefendantFactory(case=case, person=person)
    DefendantFactory(case=case, person=hidden)
    story = ArticleFactory(headline="The trial")
    story.people.add(person, hidden)
    story.cases.add(case)

    pages = [
        story.get_absolute_url(),
        case.get_absolute_url(),
        organization.get_absolute_url(),
        person.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "Aigerim Activist" in page_text(response) or url == person.get_absolute_url()
        assert "Nurlan Hiddenov" not in response.content.decode()

    Person.objects.filter(pk=hidden.pk).update(is_public=True)
    for url in pages[:3]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Nurlan Hiddenov" in page_text(response), url
    # And the co-defendant now shows on the first person's page.
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert "Nurlan Hiddenov" in page_text(response)


@pytest.mark.parametrize("twice", [1, 2])
def test_public_rules_give_the_same_sql_however_often_they_are_used(db, twice):
    """The conditions of DefendantQuerySet.public() and MembershipQuerySet.public(), built
    once, are copied by each filter, never changed by it."""
    from cases.models import Defendant

    before = (
        str(Defendant.objects.public().filter(case__in=[1]).query),
        str(Membership.objects.public().filter(person__in=[1]).query),
    )
    for _ in range(twice):
        list(Case.objects.published().with_details())
        list(Defendant.objects.public().filter(case__verdict_date__year=2020))
        Membership.objects.public().filter(organization__in=[2]).count()
    assert before == (
        str(Defendant.objects.public().filter(case__in=[1]).query),
        str(Membership.objects.public().filter(person__in=[1]).query),
    )
    assert 'NOT EXISTS(SELECT 1 AS "a" FROM "people_person"' in before[0]


def test_home_counts_in_prison_only_public_people_in_published_cases(client, db):
    """The home page counts from the public defendants directly: a prisoner who is not public,
    or whose case is not published, is not counted, as /statistics/ does not count them."""
    from django.utils import timezone

    from newsroom.partial_dates import PartialDate
    from tests.factories import SentencePartFactory

    verdict = PartialDate(timezone.localdate().year - 1, 1, 15)
    SentencePartFactory(defendant__case__verdict_date=verdict)
    SentencePartFactory(defendant__case__verdict_date=verdict, defendant__person__is_public=False)
    SentencePartFactory(defendant__case__verdict_date=verdict, defendant__case__is_published=False)
    home = client.get("/")
    assert home.status_code == 200
    assert "1 person in prison now" in page_text(home)
    statistics = client.get("/statistics/")
    assert statistics.status_code == 200
    assert "1 person is in prison now" in page_text(statistics)
