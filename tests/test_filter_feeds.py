"""A feed for every filter (issue 10, item 5): /cases/feed/?<filters> and /people/feed/?<filters>
hold the records the list page finds with the same filters, are linked from that page with the
same parameters, refuse invalid filters with a 400 that says why, and never show a draft, a
hidden record or a withheld name."""

import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from cases.models import Case, Defendant, SentencePart
from newsroom.feeds import FEED_LENGTH
from newsroom.partial_dates import PartialDate
from people.models import Organization, Person
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    RecognitionFactory,
    SentencePartFactory,
)
from tests.page_helpers import href_for, page_text
from tests.test_public_leaks import Hidden

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CASES = reverse("cases:list")
CASES_FEED = reverse("cases:feed")
PEOPLE = reverse("people:list")
PEOPLE_FEED = reverse("people:feed")
FEED_LINK_TEXT = "Follow these results in a feed reader (Atom)"


def feed_entries(client, url):
    """(id, link path, title, updated) of each entry of the feed at url."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link").get("href")
        entries.append(
            {
                "id": entry.findtext(f"{ATOM}id"),
                "path": urlsplit(link).path,
                "title": entry.findtext(f"{ATOM}title"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "summary": entry.findtext(f"{ATOM}summary") or "",
            }
        )
    return entries


def page_results(client, list_url, query):
    """The URLs of every record the list page finds for the query, over all its pages."""
    response = client.get(list_url + query)
    assert response.status_code == 200
    return [record.get_absolute_url() for record in response.context["paginator"].object_list]


@pytest.fixture
def cases_data():
    """Thirty published cases (more than a page of 20) over three organizations, with sentences
    of several kinds and terms, partial verdict dates, two countries and two statuses; plus a
    draft, an unnamed and a withheld defendant, and people who are members."""
    court = OrganizationFactory(name="City Court", kind=Organization.Kind.COURT)
    parties = [
        OrganizationFactory(name="Koshe Party", slug="koshe-party"),
        OrganizationFactory(name="Street Movement", slug="street-movement"),
        OrganizationFactory(name="Rights Bureau", slug="rights-bureau"),
    ]
    charge = ChargeFactory(description="Extremism", article="405", legal_code="Criminal Code")
    kinds = [
        (SentencePart.Kind.PRISON, 60, 60),
        (SentencePart.Kind.RESTRICTED_FREEDOM, 12, 24),
        (SentencePart.Kind.FINE, None, None),
    ]
    verdicts = [PartialDate(2023), PartialDate(2024, 3), PartialDate(2024, 5, 6), None]
    for index in range(30):
        case = CaseFactory(
            title=f"Trial {index:02d}",
            court=court if index % 2 else None,
            country="KZ" if index % 5 else "RU",
            status=Case.Status.SENTENCED if index % 6 else Case.Status.TRIAL,
            verdict_date=verdicts[index % 4],
        )
        case.organizations.add(parties[index % 3])
        name_status = [
            Person.NameStatus.NAMED,
            Person.NameStatus.NAMED,
            Person.NameStatus.NOT_REPORTED,
            Person.NameStatus.WITHHELD,
        ][index % 4]
        person = PersonFactory(
            name="" if name_status == Person.NameStatus.NOT_REPORTED else f"Activist {index:02d}",
            name_status=name_status,
        )
        MembershipFactory(person=person, organization=parties[(index + 1) % 3])
        if index % 7 == 0:
            RecognitionFactory(person=person)
        defendant = DefendantFactory(case=case, person=person)
        if index % 4 == 0:
            DefendantChargeFactory(defendant=defendant, charge=charge)
        kind, shortest, longest = kinds[index % 3]
        SentencePartFactory(
            defendant=defendant, kind=kind, term_min_months=shortest, term_max_months=longest
        )
    draft = CaseFactory(title="Draft trial", is_published=False)
    draft.organizations.add(parties[0])
    SentencePartFactory(defendant=DefendantFactory(case=draft))
    return parties


CASE_QUERIES = [
    "",
    "?organization=koshe-party",
    "?organization=koshe-party&sentence=prison",
    "?organization=koshe-party&organization=street-movement&sentence=fine",
    "?sentence=restricted_freedom&min_years=1.5",
    "?sentence=prison&min_years=4&max_years=6",
    "?status=trial",
    "?year=2024",
    "?country=ru",
    "?q=Trial+1",
    "?recognised=1",
    "?charge=kz-cc-405",
    "?organization=rights-bureau&sentence=prison&status=sentenced&year=2024&country=kz",
]


@pytest.mark.parametrize("query", CASE_QUERIES)
def test_the_case_feed_holds_the_cases_the_page_finds_with_the_same_filters(
    client, cases_data, query
):
    expected = page_results(client, CASES, query)
    entries = feed_entries(client, CASES_FEED + query)
    assert len(expected) <= FEED_LENGTH
    assert sorted(entry["path"] for entry in entries) == sorted(expected)
    if query == "":
        assert len(entries) == 30


PEOPLE_QUERIES = [
    "",
    "?organization=koshe-party",
    "?sentence=prison",
    "?organization=street-movement&sentence=fine",
    "?status=imprisoned",
    "?recognised=1",
    "?country=kz",
    "?q=Activist+01",
]


@pytest.mark.parametrize("query", PEOPLE_QUERIES)
def test_the_people_feed_holds_the_named_people_the_page_finds_with_the_same_filters(
    client, cases_data, query
):
    response = client.get(PEOPLE + query)
    assert response.status_code == 200
    named = [
        person.get_absolute_url()
        for person in response.context["paginator"].object_list
        if person.is_named
    ]
    entries = feed_entries(client, PEOPLE_FEED + query)
    assert sorted(entry["path"] for entry in entries) == sorted(named)
    assert all(entry["title"] not in {"name withheld", "name not reported"} for entry in entries)
    if query == "":
        assert len(entries) < response.context["paginator"].count  # unnamed ones are left out


def test_entries_come_most_recently_changed_first(client, cases_data):
    entries = feed_entries(client, CASES_FEED)
    updated = [entry["updated"] for entry in entries]
    assert updated == sorted(updated, reverse=True)
    # A verdict recorded on the oldest case brings it to the top, as a new entry.
    oldest = Case.objects.get(slug=entries[-1]["path"].split("/")[2])
    old_id = entries[-1]["id"]
    oldest.verdict_date = PartialDate(2025, 1)
    oldest.status = Case.Status.SENTENCED
    oldest.save()
    first = feed_entries(client, CASES_FEED)[0]
    assert first["path"] == oldest.get_absolute_url()
    assert first["id"] != old_id
    assert first["id"].endswith("#sentenced-2025-01")
    assert "Verdict: January 2025" in html.unescape(first["summary"])


def test_a_person_newly_sentenced_comes_first_as_a_new_entry(client, cases_data):
    person = PersonFactory(name="Newly Added")
    entries = feed_entries(client, PEOPLE_FEED)
    assert entries[0]["path"] == person.get_absolute_url()
    added_id = entries[0]["id"]
    feed_entries(client, PEOPLE_FEED)
    case = CaseFactory(title="A new trial")
    defendant = DefendantFactory(case=case, person=Person.objects.get(name="Activist 00"))
    SentencePartFactory(defendant=defendant)
    first = feed_entries(client, PEOPLE_FEED)[0]
    assert first["title"] == "Activist 00"
    assert first["id"].endswith(f"-{case.pk}")
    assert "A new trial: 5 years in prison" in html.unescape(first["summary"])
    assert added_id.endswith(person.get_absolute_url())


def test_the_feed_dates_verdicts_at_their_precision(client, cases_data):
    entries = feed_entries(client, CASES_FEED + "?year=2024")
    summaries = " ".join(html.unescape(entry["summary"]) for entry in entries)
    assert "Verdict: March 2024" in summaries
    assert "Verdict: 6 May 2024" in summaries
    assert "Verdict: 1 March 2024" not in summaries


@pytest.mark.parametrize(
    ("list_url", "query", "expected"),
    [
        (
            CASES,
            "?organization=koshe-party&sentence=prison",
            CASES_FEED + "?organization=koshe-party&sentence=prison",
        ),
        (CASES, "?page=2&status=sentenced", CASES_FEED + "?status=sentenced"),
        (CASES, "", CASES_FEED),
        (
            PEOPLE,
            "?organization=street-movement&sentence=fine",
            PEOPLE_FEED + "?organization=street-movement&sentence=fine",
        ),
        (PEOPLE, "", PEOPLE_FEED),
    ],
)
def test_the_page_links_the_feed_of_its_filters_in_its_head_and_in_its_text(
    client, cases_data, list_url, query, expected
):
    """The same filters, without the page number (a feed has no pages)."""
    response = client.get(list_url + query)
    assert response.status_code == 200
    head_links = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="These results as a feed '
        r'\(Atom\)" href="([^"]+)">',
        response.text,
    )
    assert [html.unescape(link) for link in head_links] == [expected]
    assert href_for(response, FEED_LINK_TEXT) == expected
    # The linked feed answers, with the page's results.
    entries = feed_entries(client, expected)
    if list_url == CASES:
        assert sorted(e["path"] for e in entries) == sorted(
            page_results(client, list_url, expected.removeprefix(CASES_FEED))
        )


INVALID_QUERIES = [
    ("min_years=abc", "Term from (years)"),
    ("max_years=-1", "Term up to (years)"),
    ("sentence=nonsense", "is not a kind of sentence"),
    ("organization=no-such-slug", "No organization on this site"),
    ("status=x", "is not a case status"),
    ("year=abc", "Enter a year of four digits"),
    ("country=KZ", "two-letter ISO code"),
    ("organization=" + "x" * 5000, "No organization on this site"),
    ("q=a&q=b", "only once"),
]


@pytest.mark.parametrize(("query", "message"), INVALID_QUERIES)
def test_invalid_filters_get_a_400_that_says_why_and_no_feed_link(
    client, cases_data, query, message
):
    response = client.get(f"{CASES_FEED}?{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Some filters are not valid, so there is no feed" in text
    assert message in text
    page = client.get(f"{CASES}?{query}")
    assert page.status_code == 200
    assert "Some filters are not valid" in page_text(page)
    assert FEED_LINK_TEXT not in page_text(page)
    assert 'application/atom+xml" title="These results' not in page.text


@pytest.mark.parametrize(
    "query", ["status=released", "sentence=nonsense", "organization=nobody", "q=a&q=b"]
)
def test_invalid_people_filters_get_a_400(client, cases_data, query):
    response = client.get(f"{PEOPLE_FEED}?{query}")
    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()


def test_a_page_number_is_ignored_by_the_feed(client, cases_data):
    assert len(feed_entries(client, CASES_FEED + "?page=99")) == 30


def test_no_draft_hidden_record_or_withheld_name_appears_in_a_feed(client, db):
    hidden = Hidden()
    forbidden = hidden.forbidden
    for url in (
        CASES_FEED,
        PEOPLE_FEED,
        CASES_FEED + f"?organization={hidden.organization.slug}",
        PEOPLE_FEED + f"?organization={hidden.organization.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode().casefold()
        assert not sorted(word for word in forbidden if word.casefold() in body), url
    cases = feed_entries(client, CASES_FEED)
    assert [entry["title"] for entry in cases] == ["Open Trial: sentenced"]
    # The withheld defendant counts in the case, without a name.
    assert "2 defendants, 1 named" in cases[0]["summary"]
    people = feed_entries(client, PEOPLE_FEED)
    assert [entry["title"] for entry in people] == ["Open Activist"]
    assert (
        client.get(CASES_FEED + f"?organization={hidden.hidden_organization.slug}").status_code
        == 400
    )


@pytest.mark.parametrize("role", ["anonymous", "reporter", "editor", "admin_user"])
def test_every_role_gets_the_same_public_feed(client, cases_data, role, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    titles = [entry["title"] for entry in feed_entries(client, CASES_FEED)]
    assert len(titles) == 30
    assert not any(title.startswith("Draft trial") for title in titles)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (CASES_FEED, "?organization=koshe-party&sentence=prison&min_years=1"),
        (PEOPLE_FEED, "?organization=koshe-party"),
    ],
)
def test_a_feed_makes_the_same_number_of_queries_whatever_the_number_of_results(
    client, cases_data, url, query, django_assert_max_num_queries
):
    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url + query).status_code == 200
        return len(captured)

    few = queries()
    assert feed_entries(client, url + query)  # with entries, so every prefetch runs
    party = Organization.objects.get(slug="koshe-party")
    for index in range(20):
        case = CaseFactory(title=f"More {index}")
        case.organizations.add(party)
        person = PersonFactory(name=f"More Person {index}")
        MembershipFactory(person=person, organization=party)
        defendant = DefendantFactory(case=case, person=person, verdict=Defendant.Verdict.CONVICTED)
        SentencePartFactory(defendant=defendant)
        SentencePartFactory(defendant=defendant, kind=SentencePart.Kind.FINE)
    assert queries() == few
    with django_assert_max_num_queries(15):
        client.get(url + query)


def test_feed_is_never_the_address_of_a_record(client, db):
    case = CaseFactory(title="Feed")
    person = PersonFactory(name="Feed")
    assert case.slug != "feed"
    assert person.slug != "feed"
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get(CASES_FEED).status_code == 200
