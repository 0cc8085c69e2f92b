"""The read-only JSON API (/api/v1/, issue 10 item 3).

Every list endpoint equals its public page row for row and in the same order, with the page's
filters and their validation (a 400 with the page's messages); records carry stable IDs,
absolute page URLs and partial dates at their precision; people without a public name carry no
identifying field; reads are conditional (ETag, Last-Modified, 304), open to other sites (CORS),
rate limited per address (429 with Retry-After), and writes are refused (405).
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases.models import Case, Defendant, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
    SentencePartFactory,
)
from tests.test_case_filters import INVALID_PARAMETERS as INVALID_CASE_PARAMETERS

pytestmark = pytest.mark.django_db

LISTS = {
    "cases": ("api:case-list", "cases:list"),
    "people": ("api:person-list", "people:list"),
    "organizations": ("api:organization-list", "organizations:list"),
    "stories": ("api:story-list", "newsroom:article_list"),
}
KINDS = [
    SentencePart.Kind.PRISON,
    SentencePart.Kind.RESTRICTED_FREEDOM,
    SentencePart.Kind.FINE,
    SentencePart.Kind.COMPULSORY_LABOUR,
]


def build_records(count):
    """`count` published cases, each with a named, a withheld and an unreported defendant (with
    charges, sentences, events, memberships), plus a hidden case and person, and a story."""
    movement = OrganizationFactory(name="Street Movement", slug="street-movement")
    party = OrganizationFactory(name="Open Party", slug="open-party", country="BY")
    DesignationFactory(organization=movement, designated_on=PartialDate(2018, 3))
    recogniser = OrganizationFactory(name="Rights Centre", slug="rights-centre")
    charges = [
        ChargeFactory(article="405", legal_code="Criminal Code", description="Extremism"),
        ChargeFactory(description="Insulting officials"),
    ]
    story = ArticleFactory(headline="Trials this year")
    for index in range(count):
        case = CaseFactory(
            title=f"Trial {index:03d}",
            country="KZ" if index % 3 else "BY",
            status=Case.Status.SENTENCED if index % 4 else Case.Status.APPEAL,
            verdict_date=(
                # Recent enough that some prison terms run beyond today (status=imprisoned).
                None if index % 5 == 0 else PartialDate(2020 + index % 7, index % 12 + 1)
            ),
        )
        case.organizations.add(movement if index % 2 else party)
        case.stories.add(story)
        CaseEventFactory(case=case, date=PartialDate(2020, 3))
        for position, status in enumerate(Person.NameStatus.values):
            person = PersonFactory(
                name=f"Defendant{index:03d} Status{position}",
                name_status=status,
                birth_date=PartialDate(1980 + position, 4),
                country="KZ" if index % 3 else "BY",
            )
            PersonNameFactory(person=person, name=f"Altname{index:03d} Status{position}")
            defendant = DefendantFactory(
                case=case,
                person=person,
                position=position,
                arrest_date=PartialDate(2019, 6),
                in_absentia=index % 7 == 0,
            )
            DefendantChargeFactory(defendant=defendant, charge=charges[(index // 2) % 2])
            months = 12 * (1 + index % 8)
            SentencePartFactory(
                defendant=defendant,
                kind=KINDS[(index + position) % len(KINDS)],
                term_min_months=months,
                term_max_months=months + 12 * (index % 2),
            )
            MembershipFactory(
                person=person,
                organization=movement if index % 2 else party,
                start_date=PartialDate(2017),
            )
            if index % 3 == 1:
                RecognitionFactory(person=person, organization=recogniser)
            story.people.add(person)
    hidden = CaseFactory(title="Hidden trial", is_published=False)
    DefendantFactory(case=hidden, person=PersonFactory(name="Hidden Person", is_public=False))
    return {"movement": movement, "party": party, "charges": charges, "story": story}


@pytest.fixture
def records(db):
    return build_records(12)


def api(client, name, params=None, **kwargs):
    return client.get(reverse(name, kwargs=kwargs or None), params or {})


def page_slugs(client, page_name, params):
    response = client.get(reverse(page_name), params)
    assert response.status_code == 200
    return [obj.slug for obj in response.context["object_list"]], response


def api_slugs(response):
    assert response.status_code == 200, response.content
    return [record["slug"] for record in response.json()["results"]]


# Lists equal their pages, row for row, for several filters.

CASE_FILTERS = [
    {},
    {"organization": "street-movement"},
    {"organization": ["street-movement", "open-party"], "sentence": "prison"},
    {"sentence": "prison", "min_years": "2", "max_years": "5,5"},
    {"status": "appeal"},
    {"year": ["2016", "2021"]},
    {"country": "by"},
    {"recognised": "1"},
    {"q": "Trial 00"},
    {"q": "Defendant001"},
    {
        "organization": "street-movement",
        "charge": "kz-cc-405",
        "sentence": ["prison", "fine"],
        "min_years": "1",
        "max_years": "9",
        "status": ["sentenced", "appeal"],
        "year": ["2020", "2021", "2022", "2023", "2024"],
        "recognised": "1",
        "country": "kz",
        "q": "Trial",
    },
]


@pytest.mark.parametrize("params", CASE_FILTERS)
def test_the_case_list_equals_the_case_page_row_for_row(client, records, params):
    expected, page = page_slugs(client, "cases:list", params)
    response = api(client, "api:case-list", params)
    assert api_slugs(response) == expected
    assert response.json()["count"] == page.context["paginator"].count


def test_the_case_filters_with_every_parameter_find_something(client, records):
    """So that the row-for-row check of every parameter together compares real rows."""
    response = api(client, "api:case-list", CASE_FILTERS[-1])
    assert response.json()["count"] > 0


PERSON_FILTERS = [
    {},
    {"organization": "open-party"},
    {"sentence": ["fine", "prison"]},
    {"status": "imprisoned"},
    {"recognised": "1"},
    {"country": ["by"]},
    {"q": "Defendant004"},
    {
        "organization": ["open-party", "street-movement"],
        "sentence": "prison",
        "status": "imprisoned",
        "recognised": "1",
        "country": "kz",
        "q": "Defendant",
    },
]


@pytest.mark.parametrize("params", PERSON_FILTERS)
def test_the_people_list_equals_the_people_page_row_for_row(client, records, params):
    expected, page = page_slugs(client, "people:list", params)
    response = api(client, "api:person-list", params)
    assert api_slugs(response) == expected
    assert response.json()["count"] == page.context["paginator"].count


def test_the_people_list_has_rows_for_every_parameter_together(client, records):
    assert api(client, "api:person-list", PERSON_FILTERS[-1]).json()["count"] > 0


@pytest.mark.parametrize("name", ["organizations", "stories"])
def test_the_organization_and_story_lists_equal_their_pages(client, records, name):
    api_name, page_name = LISTS[name]
    expected, _ = page_slugs(client, page_name, {})
    assert expected
    assert api_slugs(api(client, api_name)) == expected


@pytest.mark.parametrize("name", ["cases", "people"])
def test_the_second_page_equals_the_pages_second_page(client, db, name):
    build_records(40)  # 40 cases, 120 people: two pages of each, filtered too
    api_name, page_name = LISTS[name]
    for params in ({"page": "2"}, {"page": "2", "country": "kz"}):
        expected, _ = page_slugs(client, page_name, params)
        assert expected
        assert api_slugs(api(client, api_name, params)) == expected


@pytest.mark.parametrize(("query", "field"), INVALID_CASE_PARAMETERS)
def test_invalid_case_filters_are_a_400_with_the_pages_message(client, records, query, field):
    page = client.get(f"{reverse('cases:list')}?{query}")
    response = client.get(f"{reverse('api:case-list')}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Some filters are not valid, so no results are given."
    page_errors = page.context["filter"].form.errors
    assert field in body["errors"]
    assert body["errors"] == {name: list(messages) for name, messages in page_errors.items()}


@pytest.mark.parametrize(
    "query",
    [
        "status=free",
        "sentence=nonsense",
        "country=KZ",
        "recognised=2",
        "organization=nope",
        "q=a&q=b",
    ],
)
def test_invalid_people_filters_are_a_400_with_the_pages_message(client, records, query):
    page = client.get(f"{reverse('people:list')}?{query}")
    response = client.get(f"{reverse('api:person-list')}?{query}")
    assert response.status_code == 400
    page_errors = page.context["filter"].form.errors
    assert page_errors
    assert response.json()["errors"] == {
        name: list(messages) for name, messages in page_errors.items()
    }


# Pagination


def test_pages_follow_one_another_with_absolute_links(client, records):
    first = api(client, "api:person-list").json()
    assert first["count"] == 36
    assert len(first["results"]) == 36  # the page's own 50 a page
    small = api(client, "api:person-list", {"page_size": "10"}).json()
    assert [r["id"] for r in small["results"]] == [r["id"] for r in first["results"][:10]]
    assert small["next"].startswith("http://testserver/api/v1/people/?")
    second = client.get(small["next"]).json()
    assert [r["id"] for r in second["results"]] == [r["id"] for r in first["results"][10:20]]
    assert second["previous"].startswith("http://testserver/api/v1/people/")


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_is_a_404(client, records, page):
    response = api(client, "api:case-list", {"page": page})
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_repeated_page_number_is_a_404_as_on_the_page(client, records):
    assert client.get(reverse("cases:list") + "?page=1&page=2").status_code == 404
    assert client.get(reverse("api:case-list") + "?page=1&page=2").status_code == 404


def test_the_page_size_is_capped_at_100(client, db):
    build_records(40)  # 120 people
    response = api(client, "api:person-list", {"page_size": "1000"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


# Records: IDs, addresses, dates, and nothing identifying about unnamed people


def test_a_case_record_has_ids_absolute_urls_partial_dates_and_its_defendants(client, records):
    case = Case.objects.get(title="Trial 001")
    response = api(client, "api:case-detail", slug=case.slug)
    assert response.status_code == 200
    record = response.json()
    assert record["id"] == case.pk
    assert record["url"] == f"http://testserver/cases/{case.slug}/"
    assert record["api_url"] == f"http://testserver/api/v1/cases/{case.slug}/"
    assert record["verdict_date"] == "2021-02"  # a month stays a month
    assert record["country"] == "kz"
    assert record["organizations"][0]["slug"] == "street-movement"
    assert record["events"][0]["date"] == "2020-03"
    assert record["stories"][0]["headline"] == "Trials this year"
    assert record["defendant_count"] == 3
    named, not_reported, withheld = record["defendants"]
    assert named["name_status"] == "named"
    assert named["person"]["name"] == "Defendant001 Status0"
    assert named["person"]["url"].startswith("http://testserver/people/")
    assert named["arrest_date"] == "2019-06"
    assert named["charges"][0]["slug"] == "kz-cc-405"
    assert named["sentence_parts"][0] == {
        "kind": "restricted_freedom",
        "description": "restricted freedom, 2 to 3 years",
        "term_min_months": 24,
        "term_max_months": 36,
        "hours_per_year": None,
        "fine_amount": None,
        "fine_currency": "",
        "regime": "",
        "conditions": "",
    }
    for unnamed, status in [(not_reported, "not_reported"), (withheld, "withheld")]:
        assert unnamed["name_status"] == status
        assert unnamed["person"] is None
        assert unnamed["arrest_date"] is None
        assert unnamed["sentence_parts"]  # still counted with their sentence
        assert unnamed["charges"]
    text = response.content.decode()
    assert "Status1" not in text and "Status2" not in text


def test_a_withheld_person_has_no_name_photo_birth_date_or_alternate_name(client, records):
    withheld = Person.objects.get(name="Defendant001 Status2")
    assert withheld.name_status == Person.NameStatus.WITHHELD
    Person.objects.filter(pk=withheld.pk).update(photo="people/2020/face.jpg", summary="Bio.")
    response = api(client, "api:person-detail", slug=withheld.slug)
    assert response.status_code == 200
    record = response.json()
    assert record["id"] == withheld.pk
    assert record["name_status"] == "withheld"
    for field in ("name", "native_name", "sort_name", "birth_date", "photo", "summary"):
        assert record[field] is None, field
    assert record["alternate_names"] == []
    assert record["cases"][0]["case"]["title"] == "Trial 001"
    assert record["memberships"][0]["organization"]["slug"] == "street-movement"
    text = response.content.decode()
    for secret in ("Defendant001", "Altname001", "face.jpg", "1982", "Bio."):
        assert secret not in text


def test_a_named_person_has_their_names_dates_memberships_and_cases(client, records):
    person = Person.objects.get(name="Defendant004 Status0")
    record = api(client, "api:person-detail", slug=person.slug).json()
    assert record["name"] == "Defendant004 Status0"
    assert record["birth_date"] == "1980-04"
    assert record["alternate_names"][0]["name"] == "Altname004 Status0"
    assert record["memberships"][0]["start_date"] == "2017"
    assert record["recognitions"][0]["source_url"].startswith("https://")
    assert record["cases"][0]["case"]["api_url"].startswith("http://testserver/api/v1/cases/")
    assert record["url"] == f"http://testserver/people/{person.slug}/"


def test_an_organization_lists_named_members_and_counts_the_others(client, records):
    record = api(client, "api:organization-detail", slug="street-movement").json()
    assert record["designations"][0]["designated_on"] == "2018-03"
    assert record["unnamed_members"] == {"not_reported": 6, "withheld": 6}
    assert len(record["members"]) == 6
    assert all(member["person"]["name"].endswith("Status0") for member in record["members"])


def test_a_story_links_its_named_people_cases_and_organizations(client, records):
    story = records["story"]
    record = api(client, "api:story-detail", slug=story.slug).json()
    assert record["headline"] == "Trials this year"
    assert "<p>" in record["body_html"]
    assert len(record["people"]) == 12  # the named ones only
    assert len(record["cases"]) == 12
    assert "Status2" not in str(record)


@pytest.mark.parametrize("name", ["api:case-detail", "api:person-detail", "api:story-detail"])
def test_hidden_records_are_a_404(client, records, name):
    slug = {
        "api:case-detail": Case.objects.get(title="Hidden trial").slug,
        "api:person-detail": Person.objects.get(name="Hidden Person").slug,
        "api:story-detail": ArticleFactory(status="draft", publish_at=None).slug,
    }[name]
    response = api(client, name, slug=slug)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.fixture(params=["reporter", "editor", "superuser"])
def staff_client(request, client, django_user_model):
    """A client signed in as each staff role."""
    if request.param == "superuser":
        user = django_user_model.objects.create_superuser("chief", password="not-used")
    else:
        user = request.getfixturevalue(request.param)
    client.force_login(user)
    return client


def test_signed_in_staff_see_only_public_records_too(staff_client, records):
    """No staff preview through the API: a session gives nothing more."""
    hidden = Case.objects.get(title="Hidden trial")
    hidden_person = Person.objects.get(name="Hidden Person")
    assert api(staff_client, "api:case-detail", slug=hidden.slug).status_code == 404
    assert api(staff_client, "api:person-detail", slug=hidden_person.slug).status_code == 404
    listed = api_slugs(api(staff_client, "api:case-list", {"page_size": "100"}))
    assert len(listed) == 12
    assert hidden.slug not in listed
    people = api(staff_client, "api:person-list", {"page_size": "100"}).json()
    assert people["count"] == 36
    assert hidden_person.slug not in {person["slug"] for person in people["results"]}


def test_an_editor_previews_the_hidden_case_on_its_page_but_not_in_the_api(editor_client, records):
    hidden = Case.objects.get(title="Hidden trial")
    assert editor_client.get(hidden.get_absolute_url()).status_code == 200  # the preview
    assert api(editor_client, "api:case-detail", slug=hidden.slug).status_code == 404


# Conditional requests


@pytest.mark.parametrize("name", ["api:case-list", "api:person-list", "api:root", "api:schema"])
def test_a_repeated_read_with_its_etag_is_a_304(client, records, name):
    first = api(client, name)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(reverse(name), headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    since = client.get(reverse(name), headers={"if-modified-since": last_modified})
    assert since.status_code == 304


def test_a_change_to_the_data_gives_a_new_etag_and_a_full_answer(client, records):
    first = api(client, "api:case-list")
    case = Case.objects.get(title="Trial 001")
    case.title = "Trial 001, renamed"
    case.save()
    changed = client.get(reverse("api:case-list"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Trial 001, renamed" in changed.content.decode()


def test_unpublishing_a_record_is_never_answered_with_a_304(client, records):
    first = api(client, "api:case-list")
    Case.objects.filter(title="Trial 001").update(is_published=False)
    again = client.get(
        reverse("api:case-list"),
        headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]},
    )
    assert again.status_code == 200
    assert "Trial 001" not in again.content.decode()
    assert again.json()["count"] == 11


def test_last_modified_does_not_move_while_the_data_does_not_change(client, records):
    first = api(client, "api:person-list")
    cache_key_count = len(cache._cache) if hasattr(cache, "_cache") else None
    second = api(client, "api:person-list")
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["ETag"] == first["ETag"]
    if cache_key_count is not None:
        assert len(cache._cache) == cache_key_count


# CORS, methods, rate limit


def test_reads_are_open_to_any_site_without_credentials(client, records):
    response = client.get(reverse("api:case-list"), headers={"origin": "https://example.org"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    head = client.head(reverse("api:person-list"))
    assert head.status_code == 200
    assert head["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_request_is_allowed_for_reads_only(client, records):
    response = client.options(
        reverse("api:case-list"),
        headers={"origin": "https://example.org", "access-control-request-method": "GET"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_pages_outside_the_api_get_no_cors_header(client, records):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("name", ["api:case-list", "api:case-detail"])
def test_writes_are_refused_with_a_405(client, records, method, name):
    kwargs = {"slug": Case.objects.published().first().slug} if "detail" in name else {}
    url = reverse(name, kwargs=kwargs or None)
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert "Access-Control-Allow-Origin" not in response
    assert Case.objects.published().count() == 12


def test_writes_are_refused_to_signed_in_staff_too(staff_client, records):
    case = Case.objects.published().first()
    url = reverse("api:case-detail", kwargs={"slug": case.slug})
    assert staff_client.delete(url).status_code == 405
    assert staff_client.post(reverse("api:case-list"), {"title": "New"}).status_code == 405
    assert Case.objects.filter(pk=case.pk).exists()
    assert not Case.objects.filter(title="New").exists()


def test_too_many_requests_from_one_address_are_a_429_with_retry_after(settings, records):
    settings.NEWSROOM_API_RATE_LIMIT = "3/minute"
    reader = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        assert reader.get(reverse("api:case-list")).status_code == 200
    refused = reader.get(reverse("api:case-list"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "throttled" in refused.json()["detail"]
    # Another address is counted on its own.
    assert Client(REMOTE_ADDR="203.0.113.6").get(reverse("api:case-list")).status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(settings, records):
    settings.NEWSROOM_API_RATE_LIMIT = "2/minute"
    reader = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        reader.get(
            reverse("api:person-list"), headers={"x-forwarded-for": f"198.51.100.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(settings, records):
    settings.NEWSROOM_API_RATE_LIMIT = "1/minute"
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = proxy.get(reverse("api:case-list"), headers={"x-forwarded-for": "198.51.100.1"})
    other = proxy.get(reverse("api:case-list"), headers={"x-forwarded-for": "198.51.100.2"})
    again = proxy.get(reverse("api:case-list"), headers={"x-forwarded-for": "198.51.100.1"})
    assert [first.status_code, other.status_code, again.status_code] == [200, 200, 429]


# Query counts: fixed whatever the number of records


def count_queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Measured: 9, 2, 3 and 2 queries at 5 and at 50 cases (150 people, 49 organizations).
ENDPOINT_QUERY_LIMITS = {
    "api:case-list": 9,
    "api:person-list": 2,
    "api:organization-list": 3,
    "api:story-list": 2,
}


@pytest.mark.parametrize("name", sorted(ENDPOINT_QUERY_LIMITS))
def test_list_queries_do_not_grow_with_the_records(client, db, django_assert_max_num_queries, name):
    build_records(5)
    url = reverse(name) + "?page_size=100"
    few = count_queries(django_assert_max_num_queries, client, url, ENDPOINT_QUERY_LIMITS[name])
    build_records_more(45)
    many = count_queries(django_assert_max_num_queries, client, url, ENDPOINT_QUERY_LIMITS[name])
    assert many == few


def build_records_more(count):
    """More cases, people and stories on top of build_records()."""
    movement = OrganizationFactory()
    story = ArticleFactory()
    for index in range(count):
        case = CaseFactory(verdict_date=PartialDate(2020, 1 + index % 12))
        case.organizations.add(movement)
        case.stories.add(story)
        CaseEventFactory(case=case)
        for status in Person.NameStatus.values:
            defendant = DefendantFactory(case=case, person=PersonFactory(name_status=status))
            SentencePartFactory(defendant=defendant)
            DefendantChargeFactory(defendant=defendant)
            MembershipFactory(person=defendant.person, organization=movement)
        DesignationFactory(organization=OrganizationFactory())


DETAIL_QUERY_LIMITS = {
    "api:case-detail": 8,
    "api:person-detail": 12,
    "api:organization-detail": 5,
    "api:story-detail": 11,
}


@pytest.mark.parametrize("name", sorted(DETAIL_QUERY_LIMITS))
def test_detail_queries_are_bounded(client, records, django_assert_max_num_queries, name):
    slug = {
        "api:case-detail": Case.objects.get(title="Trial 001").slug,
        "api:person-detail": Person.objects.get(name="Defendant001 Status0").slug,
        "api:organization-detail": "street-movement",
        "api:story-detail": records["story"].slug,
    }[name]
    url = reverse(name, kwargs={"slug": slug})
    count_queries(django_assert_max_num_queries, client, url, DETAIL_QUERY_LIMITS[name])


def test_the_root_lists_every_endpoint(client, db):
    response = client.get(reverse("api:root"))
    assert response.status_code == 200
    assert response.json()["cases"] == "http://testserver/api/v1/cases/"
    assert set(response.json()) == {*LISTS, "schema", "docs"}


def test_a_defendant_in_absentia_keeps_the_flag(client, records):
    case = Case.objects.get(title="Trial 000")
    record = api(client, "api:case-detail", slug=case.slug).json()
    assert record["defendants"][0]["in_absentia"] is True
    assert record["defendants"][0]["verdict"] == Defendant.Verdict.CONVICTED
    assert record["verdict_date"] is None
