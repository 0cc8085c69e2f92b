"""Expected release windows (issue 11): worked out from the verdict, the start of the term or the
arrest, at the precision of the dates, overridden by a recorded release; and "in prison now"
(certain, or "may be") on the home page, the people filter and the person and case pages."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import Defendant, DefendantQuerySet, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import CaseFactory, DefendantFactory, PersonFactory, SentencePartFactory
from tests.history_forms import admin_url as history_admin_url
from tests.history_forms import open_change_form
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

PRISON = SentencePart.Kind.PRISON


def sentenced(verdict_date, *terms, name="Jailed Person", **defendant_fields):
    """A public defendant convicted on verdict_date with one prison part per (min, max) term."""
    case = CaseFactory(verdict_date=verdict_date)
    defendant = DefendantFactory(case=case, person=PersonFactory(name=name), **defendant_fields)
    for shortest, longest in terms:
        SentencePartFactory(
            defendant=defendant, kind=PRISON, term_min_months=shortest, term_max_months=longest
        )
    defendant.refresh_from_db()
    return defendant


def release_line(defendant):
    return Defendant.objects.get(pk=defendant.pk).release_line()


# The table of cases: (verdict date, terms, other defendant fields, expected line).
WINDOWS = [
    # Day precision: the exact day.
    (PartialDate(2019, 3, 15), [(60, 60)], {}, "expected release on 15 March 2024"),
    # Month precision, exact term: the month (the day is not known).
    (PartialDate(2019, 3), [(60, 60)], {}, "expected release in March 2024"),
    # Month precision, a range: a window of months.
    (
        PartialDate(2019, 3),
        [(48, 60)],
        {},
        "expected release between March 2023 and March 2024",
    ),
    # Year precision, exact term: the year.
    (PartialDate(2019), [(60, 60)], {}, "expected release in 2024"),
    # Year precision, a 1-year range: two years.
    (PartialDate(2019), [(60, 72)], {}, "expected release in 2024 or 2025"),
    # Day precision, a range.
    (
        PartialDate(2020, 1, 31),
        [(12, 25)],
        {},
        "expected release between 31 January 2021 and 28 February 2022",
    ),
    # Unknown verdict date.
    (None, [(60, 60)], {}, "expected release: cannot be worked out: verdict date not reported"),
    # Two consecutive parts add up: 3 years + 1 to 2 years.
    (PartialDate(2019, 3), [(36, 36), (12, 24)], {}, "between March 2023 and March 2024"),
    # Counted from the arrest (pre-trial detention counts).
    (
        PartialDate(2020, 6),
        [(60, 60)],
        {"term_counted_from": "arrest", "arrest_date": PartialDate(2019, 1, 10)},
        "expected release on 10 January 2024",
    ),
    (
        PartialDate(2020, 6),
        [(60, 60)],
        {"term_counted_from": "arrest"},
        "expected release: cannot be worked out: arrest date not reported",
    ),
    # Counted from the start of the term.
    (
        PartialDate(2020, 6),
        [(24, 24)],
        {"term_counted_from": "term_start", "term_start_date": PartialDate(2020, 9)},
        "expected release in September 2022",
    ),
    # Term not reported.
    (PartialDate(2020, 6), [(None, None)], {}, "expected release: term not reported"),
    # Recorded releases override the estimate.
    (
        PartialDate(2019, 3),
        [(60, 60)],
        {"release_date": PartialDate(2021, 7), "release_reason": "early"},
        "released in July 2021 (early or conditional release)",
    ),
    (
        PartialDate(2019, 3),
        [(60, 60)],
        {"release_reason": "pardon"},
        "released (pardon), date not reported",
    ),
    (
        PartialDate(2019, 3),
        [(60, 60)],
        {"release_date": PartialDate(2020, 2, 3), "release_reason": "death"},
        "released on 3 February 2020 (died in custody)",
    ),
    # In absentia: no release line at all (never in prison).
    (PartialDate(2019, 3), [(60, 60)], {"in_absentia": True}, ""),
]


@pytest.mark.parametrize("verdict_date, terms, fields, expected", WINDOWS)
def test_release_window_table(verdict_date, terms, fields, expected):
    defendant = sentenced(verdict_date, *terms, **fields)
    line = release_line(defendant)
    if expected:
        assert expected in line
    else:
        assert line == ""


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False
    )


def statuses(defendant, day):
    """(window status, certainly in prison by SQL, may be by SQL, Person methods) on a day."""
    window = Defendant.objects.get(pk=defendant.pk).prison_status_on(day)
    certain = Defendant.objects.in_prison_on(day).filter(pk=defendant.pk).exists()
    maybe = Defendant.objects.maybe_in_prison_on(day).filter(pk=defendant.pk).exists()
    person_certain = Person.objects.imprisoned(day).filter(pk=defendant.person_id).exists()
    person_maybe = Person.objects.maybe_imprisoned(day).filter(pk=defendant.person_id).exists()
    assert (certain, maybe) == (person_certain, person_maybe)
    assert window == ("in_prison" if certain else "maybe" if maybe else "out")
    return window


def test_month_window_certain_before_maybe_within_and_out_after():
    """March 2019 + 4 to 5 years: release between March 2023 and March 2024."""
    defendant = sentenced(PartialDate(2019, 3), (48, 60))
    assert statuses(defendant, datetime.date(2019, 2, 28)) == "out"  # before the verdict
    assert statuses(defendant, datetime.date(2019, 3, 15)) == "maybe"  # verdict day unknown
    assert statuses(defendant, datetime.date(2019, 3, 31)) == "in_prison"
    assert statuses(defendant, datetime.date(2023, 2, 28)) == "in_prison"
    assert statuses(defendant, datetime.date(2023, 3, 1)) == "maybe"
    assert statuses(defendant, datetime.date(2024, 3, 30)) == "maybe"
    assert statuses(defendant, datetime.date(2024, 3, 31)) == "out"


def test_in_absentia_is_never_in_prison():
    defendant = sentenced(PartialDate(2019, 3), (60, 60), in_absentia=True)
    assert statuses(defendant, datetime.date(2020, 1, 1)) == "out"


def test_unknown_verdict_date_is_may_be_until_a_release_is_recorded():
    defendant = sentenced(None, (60, 60))
    assert statuses(defendant, datetime.date(2030, 1, 1)) == "maybe"
    defendant.release_reason = "pardon"
    defendant.save()
    assert statuses(defendant, datetime.date.today()) == "out"


def test_pardon_without_date_ends_the_estimate_when_recorded():
    """Pardoned at some time between the verdict and the day the pardon was recorded."""
    defendant = sentenced(PartialDate(2019, 3), (60, 60))
    with at(datetime.date(2021, 5, 1)):
        defendant.release_reason = "pardon"
        defendant.save()
    assert statuses(defendant, datetime.date(2019, 2, 1)) == "out"
    assert statuses(defendant, datetime.date(2020, 5, 1)) == "maybe"
    assert statuses(defendant, datetime.date(2021, 4, 30)) == "maybe"
    assert statuses(defendant, datetime.date(2021, 5, 1)) == "out"


def test_early_release_ends_the_term_on_its_date():
    defendant = sentenced(PartialDate(2019, 3, 1), (60, 60), release_date=PartialDate(2021, 7, 20))
    assert statuses(defendant, datetime.date(2021, 7, 19)) == "in_prison"
    assert statuses(defendant, datetime.date(2021, 7, 20)) == "out"


def test_windows_follow_changes_to_the_case_and_the_parts():
    defendant = sentenced(None, (60, 60))
    assert statuses(defendant, datetime.date(2020, 1, 1)) == "maybe"
    case = defendant.case
    case.verdict_date = PartialDate(2019, 6, 1)
    case.save()
    assert statuses(defendant, datetime.date(2020, 1, 1)) == "in_prison"
    part = defendant.sentence_parts.get()
    part.term_min_months = part.term_max_months = 6
    part.save()
    assert statuses(defendant, datetime.date(2020, 1, 1)) == "out"
    part.delete()
    assert Defendant.objects.get(pk=defendant.pk).prison_status == ""
    assert statuses(defendant, datetime.date(2019, 7, 1)) == "out"


def home_figures(client):
    response = client.get("/")
    assert response.status_code == 200
    return page_text(response)


def test_home_people_filter_and_pages_move_across_the_window_start_and_end(client):
    """Verdict 10 March 2020, 3 to 4 years: certainly in prison until 10 March 2023, may be
    until 10 March 2024, out after. The home page, the people filter and the person page
    follow the clock."""
    defendant = sentenced(PartialDate(2020, 3, 10), (36, 48), name="Window Prisoner")
    sentenced(PartialDate(2020, 3, 10), (120, 120), name="Long Prisoner")
    person_url = defendant.person.get_absolute_url()
    people_url = reverse("people:list")

    with at(datetime.date(2023, 3, 9)):
        assert "2 people in prison now" in home_figures(client)
        listed = page_text(client.get(people_url, {"status": "imprisoned"}))
        assert "Window Prisoner" in listed and "Long Prisoner" in listed
        page = client.get(person_url)
        assert page.status_code == 200
        text = page_text(page)
        assert "expected release between 10 March 2023 and 10 March 2024" in text
        assert "In prison now" in text

    with at(datetime.date(2023, 3, 10)):
        text = home_figures(client)
        assert "1 person in prison now" in text
        assert "1 more who may be" in text
        response = client.get(people_url, {"status": "imprisoned"})
        assert response.status_code == 200
        assert "Long Prisoner" in page_text(response)
        assert "Window Prisoner" not in page_text(response)
        maybe = page_text(client.get(people_url, {"status": "maybe_imprisoned"}))
        assert "Window Prisoner" in maybe and "Long Prisoner" not in maybe
        assert "May be in prison now" in page_text(client.get(person_url))

    with at(datetime.date(2024, 3, 10)):
        text = home_figures(client)
        assert "1 person in prison now" in text
        assert "may be" not in text
        response = client.get(people_url, {"status": "maybe_imprisoned"})
        assert response.status_code == 200
        assert "Window Prisoner" not in page_text(response)


def test_case_page_shows_each_named_defendants_release_window(client):
    defendant = sentenced(PartialDate(2019, 3), (60, 60), name="Case Prisoner")
    response = client.get(defendant.case.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "Case Prisoner" in text
    assert "expected release in March 2024" in text


def test_in_absentia_person_page_has_no_release_line(client):
    defendant = sentenced(PartialDate(2019, 3), (60, 60), name="Absent Person", in_absentia=True)
    response = client.get(defendant.person.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "Absent Person" in text
    assert "expected release" not in text
    assert "in prison now" not in text.lower()


# Editors set what the term counts from in the admin; the window follows the saved form.


def test_editor_counts_the_term_from_the_arrest_in_the_case_form(editor_client):
    """The case's change form, read from the page and posted back whole, with the defendant's
    term counted from the arrest: the person page shows the new window at once."""
    defendant = sentenced(PartialDate(2020, 6), (60, 60), name="Arrested Early")
    case = defendant.case
    data = open_change_form(editor_client, case)
    prefix = next(
        name.removesuffix("-id")
        for name, value in data.items()
        if name.startswith("defendants-") and name.endswith("-id") and value == str(defendant.pk)
    )
    data[f"{prefix}-term_counted_from"] = "arrest"
    data[f"{prefix}-arrest_date"] = "2019-01-10"
    response = editor_client.post(history_admin_url(type(case), "change", case.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Defendant.objects.get(pk=defendant.pk)
    assert saved.term_counted_from == "arrest"
    assert saved.release_earliest == datetime.date(2024, 1, 10)
    page = Client().get(defendant.person.get_absolute_url())
    assert page.status_code == 200
    assert "expected release on 10 January 2024" in page_text(page)


def test_the_migration_fills_the_windows_of_existing_records(transactional_db):
    """Records written before the release window fields existed get their window from the
    migration, by the same rule as a save."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    # Every app as it is now, but cases before the release window migration.
    before = [node for node in latest if node[0] != "cases"] + [
        ("cases", "0003_sentencepart_fine_unit")
    ]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Case = apps.get_model("cases", "Case")
    Person = apps.get_model("people", "Person")
    OldDefendant = apps.get_model("cases", "Defendant")
    OldPart = apps.get_model("cases", "SentencePart")
    case = Case.objects.create(
        title="Old case",
        slug="old-case",
        country="KZ",
        status="sentenced",
        verdict_date=20190300,
        is_published=True,
    )
    person = Person.objects.create(name="Old Prisoner", slug="old-prisoner", is_public=True)
    old = OldDefendant.objects.create(case=case, person=person, verdict="convicted")
    OldPart.objects.create(defendant=old, kind="prison", term_min_months=48, term_max_months=60)

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    migrated = Defendant.objects.get(pk=old.pk)
    assert migrated.prison_status == "serving"
    assert (migrated.release_earliest, migrated.release_latest) == (
        datetime.date(2023, 3, 1),
        datetime.date(2024, 3, 31),
    )


def record_prison_terms_of_every_kind():
    """A range, a year, an undated term, one released early, and a person sentenced twice: on
    1 April 2020 two people are certainly in prison (the one released in February 2021, and
    the person sentenced twice, for the 2019 term) and three may be (the range and year
    prisoners' windows, and the undated one)."""
    twice = PersonFactory(name="Twice Sentenced")
    sentenced(PartialDate(2019, 3), (12, 24), name="Range Prisoner")
    sentenced(PartialDate(2020), (36, 36), name="Year Prisoner")
    sentenced(None, (60, 60), name="Undated Prisoner")
    sentenced(PartialDate(2019, 5, 1), (60, 60), release_date=PartialDate(2021, 2))
    for verdict in (PartialDate(2018, 1, 1), PartialDate(2019, 6, 1)):
        record = DefendantFactory(case=CaseFactory(verdict_date=verdict), person=twice)
        SentencePartFactory(defendant=record, kind=PRISON, term_min_months=24, term_max_months=36)


def test_many_days_counted_in_python_agree_with_sql_day_by_day():
    """The over-time chart counts many days in one pass in Python; each day must give what
    the SQL conditions give for that day alone (a person with two terms counts once)."""
    record_prison_terms_of_every_kind()
    days = [datetime.date(year, month, 1) for year in range(2017, 2026) for month in (1, 4, 7, 10)]
    defendants = Defendant.objects.public()
    many = defendants.count_people_in_prison_on(days)
    assert len(days) > DefendantQuerySet.MAX_DAYS_COUNTED_IN_SQL
    for day in days:
        assert many[day] == defendants.count_people_in_prison_on([day])[day], day
    assert many[datetime.date(2020, 4, 1)] == (2, 3)


def test_few_defendants_counted_without_picking_prison_terms_first_agree(db):
    """An organization's page counts its few defendants each (few=True) rather than first
    picking the prison terms that can count: the counts must be the same on every day."""
    record_prison_terms_of_every_kind()
    DefendantFactory(person=PersonFactory(name="Not Sentenced To Prison"))
    defendants = Defendant.objects.public()
    days = [datetime.date(year, month, 1) for year in range(2017, 2026) for month in (1, 7)]
    for day in days:
        assert defendants.count_people_in_prison_on(
            [day], few=True
        ) == defendants.count_people_in_prison_on([day]), day
    assert defendants.count_people_in_prison_on([datetime.date(2020, 4, 1)], few=True) == {
        datetime.date(2020, 4, 1): (2, 3)
    }
