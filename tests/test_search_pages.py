"""The search lists the first results of each group with how many there are, and pages through
one group (?q=&group=people&page=2); what readers may not see is in no page and no count."""

import factory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom import search
from newsroom.partial_dates import PartialDate
from people.models import Person
from people.names import normalise_name
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.page_helpers import count_queries, href_for, links, page_text

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("newsroom:search")


def numbered(prefix, count):
    """The names prefix000, prefix001...: zero-padded, so that their order is the numbers'."""
    return [f"{prefix}{number:03d}" for number in range(count)]


def create(factory_class, field, names):
    return [factory_class(**{field: name}) for name in names]


def group_of(response, key):
    (group,) = [group for group in response.context["groups"] if group["key"] == key]
    return group


def follow(client, href):
    """GET a link of the search page (its page links are relative: "?q=...")."""
    response = client.get(SEARCH_URL + href if href.startswith("?") else href)
    assert response.status_code == 200
    return response


def test_the_first_results_link_to_all_of_the_group_page_by_page(client):
    create(PersonFactory, "name", numbered("Pageable Number", 25))
    overview = follow(client, f"{SEARCH_URL}?q=pageable")
    assert "Showing the first 20 of 25" in page_text(overview)
    assert len(group_of(overview, "people")["results"]) == 20

    first = follow(client, href_for(overview, "see them all, page by page"))
    assert [group["key"] for group in first.context["groups"]] == ["people"]
    assert "Page 1 of 2" in page_text(first)
    assert group_of(first, "people")["count"] == 25
    second = follow(client, href_for(first, "Next page"))
    assert "Page 2 of 2" in page_text(second)
    assert "Next page" not in page_text(second)

    names = [person.name for person in group_of(first, "people")["results"]]
    names += [person.name for person in group_of(second, "people")["results"]]
    assert names == [f"Pageable Number{n:03d}" for n in range(25)]
    # The way back: the previous page, and every group again.
    assert follow(client, href_for(second, "Previous page")).context["groups"][0]["page"] == 1
    everything = follow(client, href_for(second, "All results for “pageable”"))
    assert [group["key"] for group in everything.context["groups"]] == [
        "stories",
        "people",
        "organizations",
        "cases",
    ]


def test_stories_cases_and_organizations_are_paged_too(client):
    create(ArticleFactory, "headline", numbered("Paged story ", 23))
    create(CaseFactory, "title", numbered("Paged trial ", 22))
    create(OrganizationFactory, "name", numbered("Paged movement ", 21))
    for key, count in [("stories", 23), ("cases", 22), ("organizations", 21)]:
        second = follow(client, f"{SEARCH_URL}?q=paged&group={key}&page=2")
        group = group_of(second, key)
        assert (group["count"], len(group["results"])) == (count, count - 20), key
        assert "Page 2 of 2" in page_text(second)


def test_a_person_found_through_another_spelling_finds_their_cases_on_every_page(client):
    person = PersonFactory(name="Aigerim Pagetova")
    for case in create(CaseFactory, "title", numbered("Hearing ", 21)):
        DefendantFactory(person=person, case=case)
    # The Cyrillic spelling: the cases are found through the person, not their titles.
    first = follow(client, f"{SEARCH_URL}?q=Пагетова&group=cases")
    second = follow(client, f"{SEARCH_URL}?q=Пагетова&group=cases&page=2")
    titles = {case.title for case in group_of(first, "cases")["results"]}
    titles |= {case.title for case in group_of(second, "cases")["results"]}
    assert group_of(first, "cases")["count"] == 21
    assert titles == {f"Hearing {n:03d}" for n in range(21)}


def test_hidden_and_withheld_people_are_in_no_page_and_no_count(editor, reporter):
    create(PersonFactory, "name", numbered("Guarded Number", 21))
    PersonFactory(name="Guarded Withheld", name_status=Person.NameStatus.WITHHELD)
    PersonFactory(name="Guarded Hidden", is_public=False)
    url = f"{SEARCH_URL}?q=guarded&group=people"
    readers = [Client()]
    for user in (reporter, editor):  # signed-in staff search as readers do
        readers.append(Client())
        readers[-1].force_login(user)
    for reader in readers:
        pages = [follow(reader, url), follow(reader, url + "&page=2")]
        assert {group_of(page, "people")["count"] for page in pages} == {21}
        text = " ".join(page_text(page) for page in pages)
        assert "Guarded Number020" in text
        assert "Withheld" not in text
        assert "Hidden" not in text


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "1.5", "9" * 30])
@pytest.mark.parametrize("key", ["stories", "people", "organizations", "cases"])
def test_a_page_that_does_not_exist_is_not_found(client, page, key):
    create(PersonFactory, "name", numbered("Limited Number", 21))
    create(ArticleFactory, "headline", numbered("Limited story ", 21))
    response = client.get(SEARCH_URL, {"q": "limited", "group": key, "page": page})
    assert response.status_code == 404


def test_an_unknown_group_shows_every_group(client):
    PersonFactory(name="Ordinary Person")
    response = follow(client, f"{SEARCH_URL}?q=ordinary&group=everything&page=7")
    assert len(response.context["groups"]) == 4
    assert "Ordinary Person" in page_text(response)


def test_the_page_links_keep_the_query(client):
    create(PersonFactory, "name", numbered("Kept Number", 21))
    response = follow(client, f"{SEARCH_URL}?q=kept&group=people")
    next_page = [href for href, text in links(response) if text == "Next page"]
    assert next_page == ["?q=kept&group=people&page=2"]


def make_pageable_records(count):
    for person in PersonFactory.create_batch(count, name=factory.Sequence(lambda n: f"Steady {n}")):
        DefendantFactory(person=person, case=CaseFactory(title=f"Steady trial of {person.name}"))
        person.stories.add(ArticleFactory(headline=f"Steady story of {person.name}"))
    OrganizationFactory.create_batch(count, name=factory.Sequence(lambda n: f"Steady group {n}"))


@pytest.mark.parametrize("key", ["stories", "people", "organizations", "cases"])
def test_a_later_page_runs_the_same_number_of_queries_for_30_and_60_matches(client, key):
    url = f"{SEARCH_URL}?q=steady&group={key}&page=2"
    make_pageable_records(30)
    few = count_queries(client, url)
    make_pageable_records(30)
    assert count_queries(client, url) == few


def test_every_group_runs_the_same_number_of_queries_for_3_and_60_matches(client):
    make_pageable_records(3)
    few = count_queries(client, f"{SEARCH_URL}?q=steady")
    make_pageable_records(57)
    assert count_queries(client, f"{SEARCH_URL}?q=steady") == few


def test_a_name_shared_by_hundreds_is_counted_and_paged_and_finds_their_cases(client):
    # More people than newsroom.key_lists sends one parameter each: one parameter then.
    names = numbered("Multitude Number", 610)
    Person.objects.bulk_create(
        Person(name=name, slug=f"m-{number}", is_public=True, search_name=normalise_name(name))
        for number, name in enumerate(names)
    )
    last = Person.objects.get(name=names[-1])
    DefendantFactory(person=last, case=CaseFactory(title="The last trial"))
    overview = follow(client, f"{SEARCH_URL}?q=multitude")
    assert group_of(overview, "people")["count"] == 610
    assert [person.name for person in group_of(overview, "people")["results"]] == names[:20]
    assert [case.title for case in group_of(overview, "cases")["results"]] == ["The last trial"]
    last_page = follow(client, f"{SEARCH_URL}?q=multitude&group=people&page=31")
    assert [person.name for person in group_of(last_page, "people")["results"]] == names[600:]
    assert "Page 31 of 31" in page_text(last_page)


# Past COUNTED_RESULTS a group is not counted whole (for a name thousands share, counting every
# match cost more than the rest of the page): it says "more than", and pages through that many.


@pytest.fixture
def few_counted(monkeypatch):
    monkeypatch.setattr(search, "COUNTED_RESULTS", 3)
    monkeypatch.setattr(search, "RESULTS_PER_GROUP", 2)


def test_people_past_the_counted_results_are_more_than_counted_and_paged_that_far(
    client, few_counted
):
    names = numbered("Crowded Number", 5)
    create(PersonFactory, "name", names)
    overview = follow(client, f"{SEARCH_URL}?q=crowded")
    people = group_of(overview, "people")
    assert (people["count"], people["more_than_counted"]) == (3, True)
    assert [person.name for person in people["results"]] == names[:2]
    text = page_text(overview)
    assert "More than 3 results for “crowded”." in text
    assert "People (more than 3)" in text
    assert "Showing the first 2 of more than 3. Add words to narrow your search." in text

    first = follow(client, href_for(overview, "See the first 3, page by page"))
    assert "Page 1 of 2" in page_text(first)
    second = follow(client, href_for(first, "Next page"))
    assert [person.name for person in group_of(second, "people")["results"]] == names[2:4]
    assert "Only the first 3 are listed: add words to narrow your search." in page_text(second)
    assert "Next page" not in page_text(second)
    assert client.get(f"{SEARCH_URL}?q=crowded&group=people&page=3").status_code == 404


def test_a_group_within_the_counted_results_is_counted_exactly(client, few_counted):
    names = numbered("Crowded Number", 3)
    create(PersonFactory, "name", names)
    overview = follow(client, f"{SEARCH_URL}?q=crowded")
    people = group_of(overview, "people")
    assert (people["count"], people["more_than_counted"]) == (3, False)
    assert "3 results for “crowded”." in page_text(overview)
    assert "more than" not in page_text(overview).lower()


def test_cases_past_the_counted_results_are_the_newest_verdicts_of_every_kind_of_match(
    client, few_counted
):
    """Cases found through their defendants (more than are counted) and by their own title
    are paged together, newest verdict first: the first page is not only the first cases of
    one kind of match."""
    for year in (2019, 2021, 2023, 2020, 2022):
        DefendantFactory(
            person=PersonFactory(name=f"Crowded Defendant{year}"),
            case=CaseFactory(title=f"Trial {year}", verdict_date=PartialDate(year)),
        )
    CaseFactory(title="Crowded hearing", verdict_date=PartialDate(2024))
    overview = follow(client, f"{SEARCH_URL}?q=crowded")
    cases = group_of(overview, "cases")
    assert (cases["count"], cases["more_than_counted"]) == (3, True)
    assert [case.title for case in cases["results"]] == ["Crowded hearing", "Trial 2023"]
    second = follow(client, f"{SEARCH_URL}?q=crowded&group=cases&page=2")
    assert [case.title for case in group_of(second, "cases")["results"]] == [
        "Trial 2022",
        "Trial 2021",
    ]


def test_cases_of_a_later_kind_of_match_are_paged_once_the_first_kind_is_past_the_count(
    client, few_counted
):
    """When the cases found by their own title are already more than are counted, the cases
    found through their defendants are asked only for a page's worth: the newest of them is
    still listed first, and the count still says "more than"."""
    for year in (2015, 2016, 2017, 2018, 2019):
        CaseFactory(title=f"Crowded hearing {year}", verdict_date=PartialDate(year))
    DefendantFactory(
        person=PersonFactory(name="Crowded Defendant"),
        case=CaseFactory(title="Trial 2024", verdict_date=PartialDate(2024)),
    )
    with CaptureQueriesContext(connection) as queries:
        overview = follow(client, f"{SEARCH_URL}?q=crowded")
    cases = group_of(overview, "cases")
    assert (cases["count"], cases["more_than_counted"]) == (3, True)
    assert [case.title for case in cases["results"]] == ["Trial 2024", "Crowded hearing 2019"]
    # The keys of the cases: 4 (one more than are counted) by title, 2 through defendants.
    key_queries = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "cases_case"."id" AS "pk" FROM "cases_case"')
    ]
    assert [sql.rsplit("LIMIT", 1)[1].strip() for sql in key_queries] == ["4", "2"]
    second = follow(client, f"{SEARCH_URL}?q=crowded&group=cases&page=2")
    assert [case.title for case in group_of(second, "cases")["results"]] == [
        "Crowded hearing 2018",
        "Crowded hearing 2017",
    ]
