import io

import pytest
from django.core.management import call_command

from cases.models import Case, Charge, Defendant, SentencePart
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from people.models import Designation, Membership, Organization, Person

pytestmark = pytest.mark.django_db

ALMATY = "almaty-trial-of-thirteen-opposition-activists"


@pytest.fixture
def almaty(demo):
    return Case.objects.get(slug=ALMATY)


def test_the_almaty_case_has_thirteen_defendants_four_of_them_named(almaty):
    people = [defendant.person for defendant in almaty.defendants.all()]
    named = [person for person in people if person.is_named]
    assert (len(people), len(named), almaty.reported_defendant_count) == (13, 4, 13)


def test_the_four_named_defendants_are_those_of_the_report(almaty):
    names = set(
        almaty.defendants.filter(person__name_status="named").values_list("person__name", flat=True)
    )
    assert names == {
        "Abai Begimbetov",
        "Askhat Zheksebaev",
        "Qairat Qylyshev",
        "Noyan Rakhymzhanov",
    }


def test_nine_defendants_have_no_reported_name_and_a_neutral_slug(almaty):
    unnamed = Person.objects.filter(defendants__case=almaty, name_status="not_reported")
    assert unnamed.count() == 9
    assert all(p.name == "" and p.slug.startswith("person-") for p in unnamed)


def test_four_prison_terms_of_sixty_months(almaty):
    prison = SentencePart.objects.filter(defendant__case=almaty, kind="prison")
    assert sorted((p.term_min_months, p.term_max_months) for p in prison) == [(60, 60)] * 4
    assert {p.defendant.person.name for p in prison} == {
        "Abai Begimbetov",
        "Askhat Zheksebaev",
        "Qairat Qylyshev",
        "Noyan Rakhymzhanov",
    }


def test_nine_restricted_freedom_terms_of_twelve_to_twenty_four_months(almaty):
    parts = SentencePart.objects.filter(defendant__case=almaty, kind="restricted_freedom")
    assert [(p.term_min_months, p.term_max_months) for p in parts] == [(12, 24)] * 9
    assert all("may not change residence or leave the Almaty" in p.conditions for p in parts)
    assert all(not p.defendant.person.is_named for p in parts)


def test_seven_labour_parts_of_one_hundred_hours_a_year(almaty):
    labour = SentencePart.objects.filter(defendant__case=almaty, kind="compulsory_labour")
    assert [p.hours_per_year for p in labour] == [100] * 7


def test_the_charge_is_extremism_related_without_an_article_number(almaty):
    charges = Charge.objects.filter(defendants__case=almaty).distinct()
    assert [(c.description, c.article) for c in charges] == [("Extremism-related charges", "")]


def test_the_hearing_was_online_and_the_verdict_date_is_unknown(almaty):
    assert (almaty.hearing_format, almaty.verdict_date, almaty.court) == ("online", None, None)
    assert almaty.city == "Almaty" and almaty.country.code == "KZ"


def test_dvk_was_designated_extremist_in_march_2018_with_month_precision(demo):
    designation = Designation.objects.get(organization__slug="democratic-choice-of-kazakhstan")
    assert designation.label == "extremist"
    assert designation.designated_on == PartialDate(2018, 3)
    assert designation.designated_on.precision == "month"


def test_the_organizations_of_the_report_are_recorded(demo):
    assert set(Organization.objects.values_list("slug", flat=True)) == {
        "democratic-choice-of-kazakhstan",
        "koshe-party",
        "kazakhstan-international-bureau-for-human-rights-and-the-rule-of-law",
        "human-rights-watch",
        "bta-bank",
    }


def test_ablyazov_leads_dvk_and_was_convicted_in_absentia_of_murder_and_embezzlement(demo):
    ablyazov = Person.objects.get(slug="mukhtar-ablyazov")
    assert Membership.objects.filter(
        person=ablyazov, organization__short_name="DVK", role="leader"
    ).exists()
    (defendant,) = Defendant.objects.filter(person=ablyazov)
    assert defendant.in_absentia and defendant.verdict == "convicted"
    assert defendant.case.slug != ALMATY
    assert {c.description for c in defendant.charges.all()} == {"Murder", "Embezzlement"}
    assert ablyazov.memberships.get(organization__slug="bta-bank").has_ended


def test_alternate_names_are_recorded_in_both_scripts(demo):
    qylyshev = Person.objects.get(slug="qairat-qylyshev")
    assert {"Қайрат Қылышев", "Kairat Kylyshev"} <= set(
        qylyshev.alternate_names.values_list("name", flat=True)
    )
    ablyazov = Person.objects.get(slug="mukhtar-ablyazov")
    assert {"Мұхтар Әблязов", "Мухтар Аблязов", "Mukhtar Abliazov"} <= set(
        ablyazov.alternate_names.values_list("name", flat=True)
    )


def test_the_demo_story_is_published_and_linked_to_every_record(demo):
    story = Article.objects.published().get()
    assert story.people.count() == 14
    assert story.organizations.count() == 5
    assert story.cases.count() == 2


def test_a_second_load_creates_nothing_new(demo):
    from django.apps import apps

    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
