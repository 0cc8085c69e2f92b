"""/statistics/ (issue 11): every chart's numbers for a fixture whose answers are worked out by
hand below, with and without the /cases/ filters, counting unnamed and withheld defendants; the
CSV of each chart; bad parameters; a fixed number of queries; the organization page's own set;
and figures that agree with the home page and the people filter."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.models import Defendant, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, page_text
from tests.translation_catalogs import RUSSIAN_PLURALS, write_catalog

pytestmark = pytest.mark.django_db

URL = reverse("statistics:index")
TODAY = datetime.date(2026, 6, 15)
Kind = SentencePart.Kind
NOT_REPORTED = Person.NameStatus.NOT_REPORTED
WITHHELD = Person.NameStatus.WITHHELD


@pytest.fixture
def frozen_today():
    with time_machine.travel(
        datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC), tick=False
    ):
        yield


def defendant(case, person, *parts, **fields):
    record = DefendantFactory(case=case, person=person, **fields)
    for kind, shortest, longest in parts:
        SentencePartFactory(
            defendant=record, kind=kind, term_min_months=shortest, term_max_months=longest
        )
    return record


@pytest.fixture
def records(frozen_today):
    """The hand-worked fixture (today is 15 June 2026):

    Almaty case (KZ, Almaty, verdict March 2024, about Koshe Party):
      Anel (named, Koshe): prison 5 years -> release in March 2029: in prison now.
      unnamed (Koshe): prison 1 to 2 years -> release March 2025 to March 2026: out now.
      withheld "Secret Name" (Koshe): restricted freedom 1 to 2 years: no prison.
    Minsk case (BY, Minsk, verdict 2025, year only):
      Boris (named, Rights Bureau): prison 1 to 1.5 years -> release 1 January 2026 to
        30 June 2027: may be in prison now.
      Bela (named, Rights Bureau): prison 3 years, in absentia: never in prison.
      withheld: a fine.
    Undated case (KZ, city not reported, verdict date not reported):
      unnamed: prison 7 years -> cannot be worked out: may be in prison now.
      Cora (named): convicted, sentence not reported.
    Acquittal case (KZ, Almaty, verdict 5 November 2024): Dana acquitted.
    Hidden case (not published): a prisoner who counts nowhere.
    """
    koshe = OrganizationFactory(name="Koshe Party", slug="koshe-party")
    bureau = OrganizationFactory(name="Rights Bureau", slug="rights-bureau", country="BY")

    almaty = CaseFactory(title="Almaty case", verdict_date=PartialDate(2024, 3))
    almaty.organizations.add(koshe)
    anel = PersonFactory(name="Anel Named")
    unnamed_almaty = PersonFactory(name="", name_status=NOT_REPORTED)
    secret = PersonFactory(name="Secret Name", name_status=WITHHELD)
    defendant(almaty, anel, (Kind.PRISON, 60, 60))
    defendant(almaty, unnamed_almaty, (Kind.PRISON, 12, 24))
    defendant(almaty, secret, (Kind.RESTRICTED_FREEDOM, 12, 24))
    for person in (anel, unnamed_almaty, secret):
        MembershipFactory(person=person, organization=koshe)

    minsk = CaseFactory(
        title="Minsk case", city="Minsk", country="BY", verdict_date=PartialDate(2025)
    )
    boris = PersonFactory(name="Boris Named", country="BY")
    bela = PersonFactory(name="Bela Named", country="BY")
    defendant(minsk, boris, (Kind.PRISON, 12, 18))
    defendant(minsk, bela, (Kind.PRISON, 36, 36), in_absentia=True)
    defendant(
        minsk, PersonFactory(name="Other Secret", name_status=WITHHELD), (Kind.FINE, None, None)
    )
    for person in (boris, bela):
        MembershipFactory(person=person, organization=bureau)

    undated = CaseFactory(title="Undated case", city="", verdict_date=None)
    defendant(undated, PersonFactory(name="", name_status=NOT_REPORTED), (Kind.PRISON, 84, 84))
    defendant(undated, PersonFactory(name="Cora Named"))

    acquittal = CaseFactory(title="Acquittal case", verdict_date=PartialDate(2024, 11, 5))
    defendant(acquittal, PersonFactory(name="Dana Named"), verdict=Defendant.Verdict.ACQUITTED)

    hidden = CaseFactory(title="Hidden case", is_published=False, verdict_date=PartialDate(2025, 1))
    hidden_prisoner = PersonFactory(name="Hidden Prisoner")
    defendant(hidden, hidden_prisoner, (Kind.PRISON, 120, 120))
    MembershipFactory(person=hidden_prisoner, organization=koshe)
    return {"koshe": koshe, "bureau": bureau}


def figures(response):
    return {figure.slug: figure for figure, *_ in response.context["figures"]}


def rows(figure):
    return dict(figure.rows)


def csv_rows(client, chart, params=None):
    response = client.get(reverse("statistics:csv", kwargs={"chart": chart}), params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def get(client, params=None):
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response


# Every chart without filters.


def test_people_in_prison_over_time(client, records):
    in_prison = figures(get(client))["in-prison"]
    by_month = rows(in_prison)
    # The first possible day in prison is 1 March 2024 (the Almaty verdict month).
    assert in_prison.rows[0][0] == "2024-03"
    assert len(in_prison.rows) == 28 + 1  # March 2024 to June 2026, and today
    assert by_month["2024-03"] == [0, 3]  # Anel and the unnamed: verdict day unknown; undated
    assert by_month["2025-01"] == [2, 2]  # Anel, the unnamed; Boris (2025), the undated one
    assert by_month["2025-06"] == [1, 3]  # the unnamed's window began in March 2025
    assert by_month["today"] == [1, 2]  # Anel; Boris and the undated prisoner may be
    assert "1 person is in prison now. 2 more may be." in in_prison.summary


def test_each_count_of_a_summary_takes_its_own_plural_form_in_russian(client, records, tmp_path):
    """1 person in prison and 2 who may be: Russian says "человек" for the one and "человека"
    for the two, which one message with both numbers could not."""
    write_catalog(
        tmp_path,
        "ru",
        {
            ("%(count)s person is in prison now.", "%(count)s people are in prison now."): [
                "%(count)s человек сейчас в заключении.",
                "%(count)s человека сейчас в заключении.",
                "%(count)s человек сейчас в заключении.",
            ],
            ("%(count)s more may be.", "%(count)s more may be."): [
                "Ещё %(count)s человек, возможно, тоже.",
                "Ещё %(count)s человека, возможно, тоже.",
                "Ещё %(count)s человек, возможно, тоже.",
            ],
        },
        RUSSIAN_PLURALS,
    )
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("ru"):
        in_prison = figures(get(client))["in-prison"]
    assert in_prison.summary.startswith(
        "1 человек сейчас в заключении. Ещё 2 человека, возможно, тоже."
    )


def test_sentences_by_year_and_kind_count_unnamed_and_withheld(client, records):
    sentences = figures(get(client))["sentences"]
    assert sentences.columns == ["Prison", "Restricted freedom", "Fine", "Sentence not reported"]
    assert rows(sentences) == {
        "2024": [2, 1, 0, 0],  # Anel, the unnamed; the withheld person's restricted freedom
        "2025": [2, 0, 1, 0],  # Boris, Bela (in absentia is a sentence too); the withheld fine
        "Year not reported": [1, 0, 0, 1],  # the unnamed prisoner; Cora
    }
    assert [label for label, _ in sentences.rows][-1] == "Year not reported"
    assert "8 sentences in verdicts from 2024 to 2025." in sentences.summary
    assert "2 of them in verdicts whose year was not reported." in sentences.summary


def test_prison_terms_by_length_count_ranges_as_ranges(client, records):
    terms = figures(get(client))["terms"]
    assert rows(terms) == {
        "under 1 year": [0, 0],
        "1 to under 2 years": [1, 1],  # Boris (12-18) wholly; the unnamed's 12-24 reaches
        "2 to under 3 years": [0, 1],  # the unnamed's 12-24 reaches 24 months
        "3 to under 5 years": [1, 0],  # Bela, 36
        "5 to under 7 years": [1, 0],  # Anel, 60
        "7 to under 10 years": [1, 0],  # the undated unnamed prisoner, 84
        "10 to under 15 years": [0, 0],  # the hidden case's prisoner is not counted
        "15 years or more": [0, 0],
        "Term not reported": [0, 0],
    }


def test_organizations_and_places(client, records):
    response = get(client)
    assert rows(figures(response)["organizations"]) == {"Koshe Party": [3], "Rights Bureau": [2]}
    assert rows(figures(response)["countries"]) == {"Kazakhstan": [3], "Belarus": [1]}
    assert rows(figures(response)["cities"]) == {
        "Almaty": [2],
        "City not reported": [1],
        "Minsk": [1],
    }


def test_page_shows_charts_tables_and_csv_links_and_no_withheld_name(client, records):
    response = get(client)
    html = response.content.decode()
    text = page_text(response)
    for title in [
        "People in prison over time",
        "Sentences by year of the verdict and kind",
        "Prison terms by length",
        "Organizations with the most prosecuted members",
        "Cases by country",
        "Cases by city",
    ]:
        assert title in text
    assert html.count('<svg class="chart-svg') == 6
    assert html.count("<table>") == 6
    assert 'href="/statistics/sentences.csv"' in html
    assert "style=" not in html
    assert "<script" not in html
    assert "Secret Name" not in text and "Other Secret" not in text
    assert "Hidden Prisoner" not in text


SVG_GEOMETRY = re.compile(r'\s(?:x|y|x1|x2|y1|y2|dy|width|height|viewBox)="([^"]*)"')


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_chart_geometry_is_written_as_svg_reads_it_in_every_language(client, records, language):
    """Russian writes 12.5 as "12,5", which SVG does not read: whatever the language, the
    drawing's numbers are written as SVG reads them."""
    koshe = records["koshe"]
    with translation.override(language):
        pages = [get(client), client.get(koshe.get_absolute_url())]
    assert pages[1].status_code == 200
    values = [value for page in pages for value in SVG_GEOMETRY.findall(page.content.decode())]
    fractions = [value for value in values if "." in value]
    assert fractions  # bars a third of the width: the numbers that would take a comma
    for value in values:
        assert re.fullmatch(r"-?\d+(\.\d+)?( -?\d+(\.\d+)?)*", value), value


def test_every_role_gets_the_same_figures(client, records, editor, reporter):
    anonymous = rows(figures(get(client))["sentences"])
    for user in (reporter, editor):
        signed_in = Client()
        signed_in.force_login(user)
        assert rows(figures(get(signed_in))["sentences"]) == anonymous


# CSVs.


def test_csv_of_each_chart(client, records):
    assert csv_rows(client, "sentences") == [
        ["Year of the verdict", "Prison", "Restricted freedom", "Fine", "Sentence not reported"],
        ["2024", "2", "1", "0", "0"],
        ["2025", "2", "0", "1", "0"],
        ["Year not reported", "1", "0", "0", "1"],
    ]
    assert csv_rows(client, "organizations") == [
        ["Organization", "Members prosecuted"],
        ["Koshe Party", "3"],
        ["Rights Bureau", "2"],
    ]
    assert csv_rows(client, "countries")[1:] == [["Kazakhstan", "3"], ["Belarus", "1"]]
    assert csv_rows(client, "cities")[1:] == [
        ["Almaty", "2"],
        ["City not reported", "1"],
        ["Minsk", "1"],
    ]
    terms = csv_rows(client, "terms")
    assert terms[0] == [
        "Length of the term",
        "Whole term in this band",
        "Term range reaches this band",
    ]
    assert ["1 to under 2 years", "1", "1"] in terms
    in_prison = csv_rows(client, "in-prison")
    assert in_prison[0] == ["Month (first day)", "In prison", "May be in prison (not certain)"]
    assert in_prison[-1] == ["today", "1", "2"]


def test_csv_takes_the_filters(client, records):
    assert csv_rows(client, "sentences", {"country": "by"}) == [
        ["Year of the verdict", "Prison", "Fine"],
        ["2025", "2", "1"],
    ]


# Filters.


def test_organization_filter(client, records):
    response = get(client, {"organization": "koshe-party"})
    charts = figures(response)
    assert rows(charts["sentences"]) == {"2024": [2, 1]}
    assert rows(charts["in-prison"])["today"] == [1, 0]
    assert rows(charts["organizations"]) == {"Koshe Party": [3]}
    assert rows(charts["countries"]) == {"Kazakhstan": [1]}
    assert "Organization: Koshe Party" in page_text(response)


def test_country_filter(client, records):
    charts = figures(get(client, {"country": "by"}))
    assert rows(charts["sentences"]) == {"2025": [2, 1]}
    assert rows(charts["terms"])["1 to under 2 years"] == [1, 0]
    assert rows(charts["terms"])["3 to under 5 years"] == [1, 0]
    assert rows(charts["in-prison"])["today"] == [0, 1]
    assert rows(charts["cities"]) == {"Minsk": [1]}


def test_sentence_and_year_filters(client, records):
    charts = figures(get(client, {"sentence": "fine"}))
    assert rows(charts["countries"]) == {"Belarus": [1]}
    charts = figures(get(client, {"year": "2024"}))
    # The Almaty case and the acquittal: 2024 verdicts.
    assert rows(charts["countries"]) == {"Kazakhstan": [2]}
    assert rows(charts["sentences"]) == {"2024": [2, 1]}


@pytest.mark.parametrize(
    "params, message",
    [
        ({"organization": "no-such-party"}, "No organization on this site has the address"),
        ({"year": "12"}, "Enter a year of four digits"),
        ({"min_years": "many"}, "Enter a number."),
        ({"country": "Kazakhstan"}, "Enter a country as a two-letter ISO code"),
        ({"min_years": "5", "max_years": "2"}, "The longest term cannot be shorter"),
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, records, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert "Statistics" in text
    assert "People in prison over time" not in text
    csv_response = client.get(reverse("statistics:csv", kwargs={"chart": "sentences"}), params)
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_unknown_chart_is_a_404(client, records):
    assert client.get("/statistics/nothing.csv").status_code == 404


# Figures that agree.


def test_home_statistics_people_filter_and_organization_page_agree(client, records):
    home = client.get("/")
    assert home.status_code == 200
    assert (home.context["imprisoned_count"], home.context["maybe_imprisoned_count"]) == (1, 2)
    text = page_text(home)
    assert "1 person in prison now" in text and "2 more who may be" in text
    assert rows(figures(get(client))["in-prison"])["today"] == [1, 2]
    people = client.get(reverse("people:list"), {"status": "imprisoned"})
    assert people.context["paginator"].count == 1
    maybe = client.get(reverse("people:list"), {"status": "maybe_imprisoned"})
    assert maybe.context["paginator"].count == 2


def test_organization_page_shows_its_own_charts(client, records):
    response = client.get(records["koshe"].get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "In figures" in text
    assert "1 person in prison now in the cases concerning it or its members" in text
    assert rows(figures(response)["sentences"]) == {"2024": [2, 1]}
    assert rows(figures(response)["terms"])["5 to under 7 years"] == [1, 0]
    html = response.content.decode()
    assert 'href="/statistics/sentences.csv?organization=koshe-party"' in html
    assert 'href="/statistics/?organization=koshe-party"' in html
    assert "Secret Name" not in text


def test_organization_page_counts_sentences_as_the_statistics_page_does(client, records):
    """The organization page counts the sentences of its few defendants another way
    (count_sentenced_per_year_and_kind(few=True)): the same figure as
    /statistics/?organization=, with a verdict of each year and none, an acquittal, a sentence
    not reported, a sentence of two parts, a hidden person and an unpublished case."""
    koshe = records["koshe"]
    later = CaseFactory(title="Koshe 2025 case", verdict_date=PartialDate(2025, 2, 3))
    later.organizations.add(koshe)
    defendant(
        later, PersonFactory(name="Erlan Named"), (Kind.SUSPENDED, 24, 24), (Kind.FINE, None, None)
    )
    defendant(later, PersonFactory(name="Farida Named"), verdict=Defendant.Verdict.ACQUITTED)
    defendant(later, PersonFactory(name="Gulnar Named"))
    defendant(later, PersonFactory(name="Hidden Person", is_public=False), (Kind.PRISON, 48, 48))
    undated = CaseFactory(title="Koshe undated case", city="", verdict_date=None)
    undated.organizations.add(koshe)
    defendant(
        undated, PersonFactory(name="Ilyas Named"), (Kind.HOUSE_ARREST, 6, 6), (Kind.PRISON, 12, 12)
    )
    response = client.get(koshe.get_absolute_url())
    assert response.status_code == 200
    on_page = figures(response)["sentences"]
    on_statistics = figures(get(client, {"organization": "koshe-party"}))["sentences"]
    assert on_page.columns == [
        "Prison",
        "Restricted freedom",
        "Suspended sentence",
        "Sentence not reported",
    ]
    assert rows(on_page) == {
        "2024": [2, 1, 0, 0],  # Anel, the unnamed; the withheld person's restricted freedom
        "2025": [0, 0, 1, 1],  # Erlan's suspended sentence (and fine); Gulnar
        "Year not reported": [1, 0, 0, 0],  # Ilyas: house arrest, then prison
    }
    assert (on_page.columns, on_page.rows, on_page.summary) == (
        on_statistics.columns,
        on_statistics.rows,
        on_statistics.summary,
    )


def test_organization_figures_read_only_the_parts_and_people_of_its_defendants(client, records):
    """An organization's figures ask for each of its defendants' sentence parts by key, and, on
    PostgreSQL, whether it is among the few hidden people and unpublished cases, rather than
    join every part and (on PostgreSQL) every person and case of the database: at 100,000
    people PostgreSQL scanned them all for an organization's thousand defendants."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(records["koshe"].get_absolute_url())
    assert response.status_code == 200
    assert rows(figures(response)["sentences"]) == {"2024": [2, 1]}
    counted = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "cases_defendant"' in query["sql"] and "COUNT(" in query["sql"]
    ]
    assert len(counted) == 3  # in prison now, sentences, prison terms
    assert not [sql for sql in counted if 'JOIN "cases_sentencepart"' in sql]
    if connection.vendor == "postgresql":
        assert not [sql for sql in counted if 'JOIN "people_person"' in sql]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's choice of index, without planner statistics"
)
def test_filtered_sentences_are_read_through_the_cases_asked_about(client, records):
    """Asked to pick the convicted first, SQLite read every convicted defendant of the database
    through the verdict index, whatever the filter (the statistics of one organization: 18 ms
    against 7 at 100,000 people). The sentences of the cases asked about are read instead."""
    with CaptureQueriesContext(connection) as queries:
        response = get(client, {"organization": "koshe-party"})
    assert rows(figures(response)["sentences"]) == {"2024": [2, 1]}
    (counted,) = [q["sql"] for q in queries.captured_queries if "verdict_year" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {counted}")
        steps = [row[-1] for row in cursor.fetchall()]
    assert not [step for step in steps if "verdict=?" in step], steps
    assert any("(case_id=?)" in step or "(organization_id=?)" in step for step in steps), steps


# A fixed number of queries.


def cases_with_prisoners(count):
    organization = OrganizationFactory(slug=f"org-{count}")
    for number in range(count):
        case = CaseFactory(
            verdict_date=PartialDate(2020 + number % 5, 1 + number % 12), city=f"City {number}"
        )
        record = defendant(case, PersonFactory(), (Kind.PRISON, 12 * (1 + number % 8), 12 * 9))
        MembershipFactory(person=record.person, organization=organization)


@pytest.mark.parametrize("params", [{}, {"organization": "org-5"}])
def test_query_count_does_not_grow_with_the_number_of_cases(client, params):
    cases_with_prisoners(5)
    few = count_queries(client, URL + ("?organization=org-5" if params else ""))
    cases_with_prisoners(45)
    many = count_queries(client, URL + ("?organization=org-5" if params else ""))
    assert few == many
    assert many <= 12


def test_query_count_is_bounded_with_50_cases(client, django_assert_max_num_queries):
    cases_with_prisoners(50)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
