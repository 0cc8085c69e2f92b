"""Downloads of the public lists: CSV, XLSX and JSON of exactly what each list page shows (same
filters, same rows, same order), with stable IDs, absolute addresses, partial dates at their
precision, people without a public name as rows without identifying fields, and CSV cells that
cannot run as spreadsheet formulas."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, SentencePart
from newsroom.downloads.tables import TABLES
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    RecognitionFactory,
    SentencePartFactory,
)
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]


def body_of(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def read_rows(response, fmt):
    """The file's rows as dicts of text-or-number values, whatever the format."""
    body = body_of(response)
    if fmt == "csv":
        text = body.decode("utf-8")
        assert not text.startswith("\ufeff"), "no byte-order mark"
        return [
            {key: (value if value != "" else None) for key, value in row.items()}
            for row in csv.DictReader(io.StringIO(text))
        ]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
        header, *rows = sheet.iter_rows(values_only=True)
        # Empty cells at the end of a row are not stored: pad them back.
        width = len(header)
        return [dict(zip(header, row + (None,) * (width - len(row)), strict=True)) for row in rows]
    return json.loads(body)["rows"]


def download(client, table, fmt, query=""):
    return client.get(reverse(f"downloads:{table}-{fmt}") + (f"?{query}" if query else ""))


def page_objects(client, list_url, query=""):
    """Every record the list page shows for the query, page after page, in order."""
    objects, page = [], 1
    while True:
        separator = "&" if query else ""
        response = client.get(f"{list_url}?{query}{separator}page={page}")
        assert response.status_code == 200
        objects += list(response.context["object_list"])
        if not response.context["page_obj"].has_next():
            return objects
        page += 1


def as_int(value):
    return None if value is None else int(value)


@pytest.fixture
def records(demo):
    """The demo, and enough cases (more than one page of 20) with every kind of filter value."""
    movement = OrganizationFactory(name="Open Movement", slug="open-movement")
    party = OrganizationFactory(name="Other Party", slug="other-party", kind="party")
    charge = ChargeFactory(legal_code="CC", article="174", description="", slug="kz-cc-174")
    for number in range(24):
        case = CaseFactory(
            title=f"Trial {number:02d}",
            # Recent enough that some prison terms run beyond today (status=imprisoned).
            verdict_date=[PartialDate(2023 + number % 4, 3), PartialDate(2019), None][
                number // 3 % 3
            ],
            country=["KZ", "KZ", "BY"][number % 3],
            status=[Case.Status.SENTENCED, Case.Status.TRIAL][number % 2],
        )
        case.organizations.add([movement, party][number % 2])
        for position in range(number % 3):
            person = PersonFactory(name=f"Defendant {number:02d}-{position}")
            MembershipFactory(person=person, organization=movement)
            defendant = DefendantFactory(case=case, person=person, position=position)
            DefendantChargeFactory(defendant=defendant, charge=charge)
            kind = [SentencePart.Kind.PRISON, SentencePart.Kind.RESTRICTED_FREEDOM][position]
            SentencePartFactory(
                defendant=defendant,
                kind=kind,
                term_min_months=12 + number,
                term_max_months=24 + number,
            )
    withheld = PersonFactory(
        name="Secret Person",
        name_status=Person.NameStatus.WITHHELD,
        birth_date=PartialDate(1911, 11),
    )
    unnamed = PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
    case = CaseFactory(title="Trial with unnamed", verdict_date=PartialDate(2021, 6))
    for person in (withheld, unnamed):
        MembershipFactory(person=person, organization=movement)
        SentencePartFactory(defendant=DefendantFactory(case=case, person=person))
    RecognitionFactory(person=withheld)
    DesignationFactory(organization=movement)
    PersonFactory.create_batch(15)  # so that the people list has more than one page of 50
    return {"movement": movement, "charge": charge, "withheld": withheld, "unnamed": unnamed}


CASE_QUERIES = [
    "",
    "organization=open-movement",
    "organization=koshe-party&sentence=prison",
    "sentence=prison&sentence=restricted_freedom",
    "min_years=1,5&max_years=2",
    "status=trial",
    "year=2021&year=2019",
    "country=by",
    "recognised=1",
    "charge=kz-cc-174",
    "q=trial",
    "organization=open-movement&charge=kz-cc-174&sentence=prison&min_years=1&max_years=3"
    "&status=sentenced&year=2020&year=2021&country=kz&recognised=1&q=trial",
]
PEOPLE_QUERIES = [
    "",
    "organization=open-movement",
    "sentence=restricted_freedom",
    "status=imprisoned",
    "recognised=1",
    "country=kz",
    "q=defendant",
    "organization=open-movement&sentence=prison&status=imprisoned&country=kz&q=defendant",
]


@pytest.mark.parametrize("query", CASE_QUERIES)
def test_the_defendants_file_has_one_row_per_defendant_of_the_pages_cases_in_order(
    client, records, query
):
    cases = page_objects(client, reverse("cases:list"), query)
    assert cases or query == CASE_QUERIES[-1], "a filter that finds nothing checks nothing"
    expected = []
    for case in cases:
        defendants = case.public_defendants or [None]
        expected += [(case.pk, defendant and defendant.pk) for defendant in defendants]
    for fmt in FORMATS:
        response = download(client, "defendants", fmt, query)
        assert response.status_code == 200
        rows = read_rows(response, fmt)
        assert [(as_int(row["case_id"]), as_int(row["defendant_id"])) for row in rows] == (
            expected
        ), fmt
    if query == "":
        assert len({case_id for case_id, _ in expected}) > 20  # more than one page


@pytest.mark.parametrize("query", CASE_QUERIES)
def test_the_case_file_has_the_pages_cases_in_order(client, records, query):
    cases = page_objects(client, reverse("cases:list"), query)
    assert cases or query == CASE_QUERIES[-1]
    for fmt in FORMATS:
        response = download(client, "cases", fmt, query)
        assert response.status_code == 200
        rows = read_rows(response, fmt)
        assert [as_int(row["case_id"]) for row in rows] == [case.pk for case in cases], fmt
        assert [row["case_title"] for row in rows] == [case.title for case in cases], fmt


@pytest.mark.parametrize("query", PEOPLE_QUERIES)
def test_the_people_file_has_the_pages_people_in_order(client, records, query):
    people = page_objects(client, reverse("people:list"), query)
    assert people
    for fmt in FORMATS:
        response = download(client, "people", fmt, query)
        assert response.status_code == 200
        rows = read_rows(response, fmt)
        assert [as_int(row["person_id"]) for row in rows] == [p.pk for p in people], fmt
    if query == "":
        assert len(people) > 50  # more than one page of the people list


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_organization_file_has_the_pages_organizations_in_order(client, records, fmt):
    organizations = page_objects(client, reverse("organizations:list"))
    response = download(client, "organizations", fmt)
    assert response.status_code == 200
    rows = read_rows(response, fmt)
    assert [as_int(row["organization_id"]) for row in rows] == [o.pk for o in organizations]
    movement = next(row for row in rows if row["name"] == "Open Movement")
    assert movement["organization_url"] == "http://testserver/organizations/open-movement/"
    assert movement["designations"].startswith("designated extremist by A court")


INVALID_CASE_QUERIES = [
    ("organization=no-such-slug", "Organization", "No organization on this site"),
    ("sentence=nonsense", "Sentence", "is not a kind of sentence"),
    ("min_years=3&max_years=1", "Term up to (years)", "cannot be shorter"),
    ("country=KZ", "Country", "two-letter ISO code"),
    ("year=abc", "Year of the verdict", "four digits"),
    ("q=a&q=b", "Search", "only once"),
]


@pytest.mark.parametrize(("query", "label", "message"), INVALID_CASE_QUERIES)
def test_invalid_case_filters_give_a_400_with_the_pages_message(
    client, records, query, label, message
):
    page = client.get(f"{reverse('cases:list')}?{query}")
    assert message in page_text(page)
    for table in ("defendants", "cases"):
        for fmt in FORMATS:
            response = download(client, table, fmt, query)
            assert response.status_code == 400
            assert response["Content-Type"].startswith("text/plain")
            assert "Some filters are not valid" in response.text
            assert f"{label}: " in response.text
            assert message in response.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_people_filters_give_a_400_with_the_pages_message(client, records, fmt):
    response = download(client, "people", fmt, "status=free")
    assert response.status_code == 400
    assert "Status: The statuses to filter by are “imprisoned” and “maybe_imprisoned”." in (
        response.text
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_rows_carry_stable_ids_absolute_urls_partial_dates_and_term_ranges(client, records, fmt):
    case = Case.objects.get(title="Trial 02")  # verdict March 2025, two defendants
    rows = read_rows(download(client, "defendants", fmt, "q=trial+02"), fmt)
    assert len(rows) == 2
    first, second = rows
    assert first["case_url"] == f"http://testserver/cases/{case.slug}/"
    assert first["verdict_date"] == "2025-03"
    assert first["name"] == "Defendant 02-0"
    person = Person.objects.get(name="Defendant 02-0")
    assert as_int(first["person_id"]) == person.pk
    assert first["person_url"] == f"http://testserver/people/{person.slug}/"
    assert first["main_penalty"] == "prison"
    assert (as_int(first["term_min_months"]), as_int(first["term_max_months"])) == (14, 26)
    assert (as_int(first["prison_min_months"]), as_int(first["prison_max_months"])) == (14, 26)
    assert second["main_penalty"] == "restricted_freedom"
    assert second["prison_min_months"] is None
    assert "article 174" in first["charges"]
    assert first["in_absentia"] in (False, "false")
    year_only = read_rows(download(client, "cases", fmt, "q=trial+04"), fmt)
    assert year_only[0]["verdict_date"] == "2019"  # a year stays a year, not 2019-01-01


@pytest.mark.parametrize("fmt", FORMATS)
def test_unnamed_and_withheld_defendants_are_rows_without_identifying_fields(client, records, fmt):
    withheld, unnamed = records["withheld"], records["unnamed"]
    rows = read_rows(download(client, "defendants", fmt, "q=unnamed"), fmt)
    by_status = {row["name_status"]: row for row in rows}
    assert set(by_status) == {"withheld", "not_reported"}
    for row in by_status.values():
        assert row["main_penalty"] == "prison"
        for column in ("name", "native_name", "person_url"):
            assert row[column] is None, column
    people = read_rows(download(client, "people", fmt), fmt)
    people_rows = {as_int(row["person_id"]): row for row in people}
    for person in (withheld, unnamed):
        row = people_rows[person.pk]
        assert row["name_status"] == person.name_status
        for column in ("name", "native_name", "person_url", "birth_date", "country", "occupation"):
            assert row[column] is None, column
        assert row["organizations"] == "Open Movement"
    body = body_of(download(client, "people", fmt)) + body_of(download(client, "defendants", fmt))
    if fmt != "xlsx":  # XLSX is compressed; its rows are checked above
        for text in ("Secret Person", "Secret", withheld.slug, unnamed.slug, "1911-11"):
            assert text.encode() not in body, text


def test_csv_cells_cannot_run_as_formulas_but_numbers_stay_numbers(client, records):
    for title in ('=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"):
        CaseFactory(title=title)
    case = CaseFactory(title="Fined")
    SentencePartFactory(
        defendant=DefendantFactory(case=case),
        kind=SentencePart.Kind.FINE,
        term_min_months=None,
        term_max_months=None,
        fine_amount=Decimal("-150.50"),
        fine_currency="KZT",
    )
    rows = read_rows(download(client, "cases", "csv"), "csv")
    titles = {row["case_title"] for row in rows}
    for dangerous in ('=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"):
        assert "'" + dangerous in titles
        assert dangerous not in titles
    fined = read_rows(download(client, "defendants", "csv", "q=fined"), "csv")
    assert fined[0]["fine_amount"] == "-150.50"  # a number, not neutralised
    xlsx = read_rows(download(client, "cases", "xlsx"), "xlsx")
    assert '=HYPERLINK("http://evil")' in {row["case_title"] for row in xlsx}  # as text


def test_the_xlsx_file_keeps_formula_like_text_as_text(client, records):
    CaseFactory(title="=1+1")
    body = body_of(download(client, "cases", "xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_are_attachments_named_with_the_date(client, records, fmt):
    response = download(client, "people", fmt)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="newsroom-people-{timezone.localdate().isoformat()}.{fmt}"' in disposition
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert body_of(response).startswith(b"person_id,name_status,name,")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_json_and_csv_are_streamed(client, records, table):
    for fmt in ("csv", "json"):
        response = download(client, table, fmt)
        assert response.status_code == 200
        assert response.streaming


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_costs_the_same_queries_whatever_the_number_of_rows(
    client, records, table, fmt, django_assert_max_num_queries
):
    query = "organization=open-movement" if table in ("defendants", "cases", "people") else ""
    with django_assert_max_num_queries(12):
        response = download(client, table, fmt, query)
        body_of(response)
    for number in range(30):
        case = CaseFactory(title=f"More {number}")
        person = PersonFactory()
        case.organizations.add(records["movement"])
        MembershipFactory(person=person, organization=records["movement"])
        SentencePartFactory(defendant=DefendantFactory(case=case, person=person))
        OrganizationFactory()
    with django_assert_max_num_queries(12):
        response = download(client, table, fmt, query)
        assert len(read_rows(response, fmt)) > 30


@pytest.mark.parametrize("url_name", ["cases:list", "people:list", "organizations:list"])
def test_each_list_page_links_its_downloads_with_the_row_count_and_the_data_page(
    client, records, url_name
):
    query = {"cases:list": "q=trial", "people:list": "country=kz"}.get(url_name, "")
    response = client.get(f"{reverse(url_name)}?{query}&page=2" if query else reverse(url_name))
    assert response.status_code == 200
    count = response.context["paginator"].count
    text = page_text(response)
    noun = "cases" if url_name == "cases:list" else "rows"
    assert f"Download these {count} {noun}" in text
    html = response.text
    table = {"cases:list": "defendants", "people:list": "people"}.get(url_name, "organizations")
    for fmt in FORMATS:
        expected = reverse(f"downloads:{table}-{fmt}") + (f"?{query}" if query else "")
        assert f'href="{expected}"' in html, expected  # the filters, without the page number
    assert f'href="{reverse("downloads:data")}"' in html


def test_a_list_with_invalid_filters_offers_no_download_but_still_the_data_page(client, records):
    response = client.get(reverse("cases:list") + "?sentence=nonsense")
    assert response.status_code == 200
    assert "Some filters are not valid" in page_text(response)
    assert "Download these" not in page_text(response)
    assert f'href="{reverse("downloads:data")}"' in response.text


def test_unpublished_and_non_public_records_are_in_no_file(client, records):
    CaseFactory(title="Unpublished trial", is_published=False)
    PersonFactory(name="Private Person", is_public=False)
    OrganizationFactory(name="Private Group", is_public=False)
    for table in TABLES:
        for fmt in ("csv", "json"):
            response = download(client, table, fmt)
            assert response.status_code == 200
            body = body_of(response)
            assert b"Trial 00" in body or table in ("people", "organizations")
            for hidden in (b"Unpublished trial", b"Private Person", b"Private Group"):
                assert hidden not in body, (table, fmt, hidden)
