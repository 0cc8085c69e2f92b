import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Defendant, SentencePart
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    PersonNameFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, links, page_text

ABAI_URL = "/people/abai-begimbetov/"


def test_person_page_shows_names_in_other_scripts_and_spellings(client, demo):
    text = page_text(client.get(ABAI_URL))
    assert "Abai Begimbetov" in text
    assert "Абай Бегимбетов" in text
    assert "Abay Begimbetov" in text


def test_person_page_shows_memberships_with_organization_and_role(client, demo):
    response = client.get(ABAI_URL)
    text = page_text(response)
    assert "Democratic Choice of Kazakhstan, activist" in text
    assert "Koshe party, activist" in text
    assert (
        "/organizations/democratic-choice-of-kazakhstan/",
        "Democratic Choice of Kazakhstan",
    ) in (links(response))


def test_person_page_shows_membership_dates_at_their_precision_and_ended(client, db):
    person = PersonFactory()
    MembershipFactory(person=person, organization__name="Old Party", start_date=PartialDate(2015))
    MembershipFactory(
        person=person,
        organization__name="Gone Movement",
        start_date=PartialDate(2018, 3),
        end_date=PartialDate(2020),
        has_ended=True,
    )
    MembershipFactory(person=person, organization__name="Quiet Group", has_ended=True)
    text = page_text(client.get(person.get_absolute_url()))
    assert "Old Party, member (since 2015)" in text
    assert "Gone Movement, member (March 2018 to 2020)" in text
    assert "Quiet Group, member (ended)" in text


def test_person_page_shows_the_case_with_court_place_charges_verdict_and_sentence(client, demo):
    response = client.get(ABAI_URL)
    text = page_text(response)
    assert "Almaty trial of 13 opposition activists" in text
    assert "court not named in reports" in text
    assert "Almaty, Kazakhstan" in text
    assert "Extremism-related charges (article not reported)" in text
    assert "Convicted (verdict date not reported)" in text
    assert "5 years in prison" in text


def test_person_page_counts_co_defendants_and_names_only_the_named(client, demo):
    text = page_text(client.get(ABAI_URL))
    assert (
        "12 co-defendants: Askhat Zheksebaev, Qairat Qylyshev, Noyan Rakhymzhanov; "
        "9 others whose names were not reported"
    ) in text


def test_in_a_trial_of_hundreds_a_person_page_names_twenty_co_defendants_and_counts_all(client, db):
    """A person page names the first twenty named co-defendants, in the case's order, and links
    the rest to the case page, which lists them all; the counts take in every public one. In a
    trial of 300 it runs the same queries as in one of 30, and its text stays as long."""
    case = CaseFactory(title="Mass trial")
    person = PersonFactory(name="Aigerim Main")
    DefendantFactory(case=case, person=person, position=0)

    def add_defendants(named, first_position):
        for number in range(named):
            other = PersonFactory(name=f"Named Co-defendant {first_position + number:03d}")
            DefendantFactory(case=case, person=other, position=first_position + number)

    add_defendants(24, 1)
    for position, status in [(30, "not_reported"), (31, "not_reported"), (32, "withheld")]:
        DefendantFactory(
            case=case, position=position, person=PersonFactory(name="", name_status=status)
        )
    DefendantFactory(case=case, position=33, person=PersonFactory(name="Hidden", is_public=False))

    def read_page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(person.get_absolute_url())
        assert response.status_code == 200
        return response, len(queries)

    response, queries = read_page()
    text = page_text(response)
    shown = ", ".join(f"Named Co-defendant {number:03d}" for number in range(1, 21))
    assert (
        f"27 co-defendants: {shown} and 4 more named; "
        "2 others whose names were not reported; 1 other whose name is withheld"
    ) in text
    assert (case.get_absolute_url() + "#defendants", "and 4 more named") in links(response)
    assert "Named Co-defendant 021" not in text and "Hidden" not in text

    add_defendants(270, 100)
    many, many_queries = read_page()
    assert f"297 co-defendants: {shown} and 274 more named; " in page_text(many)
    assert many_queries == queries
    assert len(page_text(many)) == len(text) + 3  # "27" -> "297", "4" -> "274"


def test_person_page_reads_the_sentences_and_charges_of_the_person_only(client, demo):
    """The co-defendants are named and counted, nothing more: their sentence parts and charges
    are not read (two queries fewer), while the person's own are shown."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ABAI_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "12 co-defendants: Askhat Zheksebaev" in text
    assert "5 years in prison" in text
    assert "Extremism-related charges (article not reported)" in text
    own_record = Defendant.objects.get(person__slug="abai-begimbetov")
    for table in ("cases_sentencepart", "cases_charge"):
        (read,) = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert re.findall(r'"defendant_id" IN \(([^)]*)\)', read) == [str(own_record.pk)]


def test_person_page_shows_a_verdict_in_absentia_without_inventing_a_sentence(client, demo):
    text = page_text(client.get("/people/mukhtar-ablyazov/"))
    assert "Convicted, in absentia" in text
    assert "sentence not reported" in text
    assert "Murder (article not reported)" in text
    assert "BTA Bank, head (ended)" in text


def test_person_page_shows_each_sentence_part(client, db):
    defendant = DefendantFactory()
    SentencePartFactory(
        defendant=defendant,
        kind=SentencePart.Kind.RESTRICTED_FREEDOM,
        term_min_months=12,
        term_max_months=24,
        conditions="may not leave the city",
    )
    SentencePartFactory(
        defendant=defendant,
        kind=SentencePart.Kind.COMPULSORY_LABOUR,
        hours_per_year=100,
        term_min_months=None,
        term_max_months=None,
    )
    text = page_text(client.get(defendant.person.get_absolute_url()))
    assert "restricted freedom, 1 to 2 years; may not leave the city" in text
    assert "100 hours of compulsory labour a year" in text


def test_person_page_lists_stories_about_the_person(client, demo):
    response = client.get(ABAI_URL)
    assert (
        "/stories/almaty-court-sentences-thirteen-opposition-activists/",
        "Almaty court sentences 13 opposition activists on extremism charges",
    ) in links(response)


def test_withheld_person_page_shows_only_name_withheld(client, db):
    person = PersonFactory(
        name="Secret Activistname",
        native_name="Секрет Активист",
        name_status=Person.NameStatus.WITHHELD,
        birth_date=PartialDate(1990, 5, 4),
    )
    PersonNameFactory(person=person, name="Sekret Aktivist")
    response = client.get(person.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Name withheld" in page_text(response)
    for secret in ("Activistname", "Секрет", "Sekret", "1990"):
        assert secret not in body


def test_unnamed_person_page_says_name_not_reported(client, demo):
    unnamed = Person.objects.filter(name_status=Person.NameStatus.NOT_REPORTED).first()
    text = page_text(client.get(unnamed.get_absolute_url()))
    assert "Name not reported" in text
    assert "restricted freedom, 1 to 2 years" in text


def test_person_page_leaves_out_records_readers_may_not_see(client, db):
    person = PersonFactory()
    MembershipFactory(
        person=person, organization__name="Hidden Movement", organization__is_public=False
    )
    DefendantFactory(person=person, case__title="Unpublished Trial", case__is_published=False)
    hidden_codefendant = PersonFactory(name="Hidden Codefendant", is_public=False)
    case = CaseFactory(title="Public Trial")
    DefendantFactory(person=person, case=case)
    DefendantFactory(person=hidden_codefendant, case=case)
    story = ArticleFactory(headline="Draft Story", status=Article.Status.DRAFT)
    person.stories.add(story)
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Public Trial" in body
    for hidden in ("Hidden Movement", "Unpublished Trial", "Hidden Codefendant", "Draft Story"):
        assert hidden not in body


def test_not_public_person_is_not_found(client, db):
    person = PersonFactory(is_public=False)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_unknown_person_is_not_found(client, db):
    assert client.get("/people/no-such-person/").status_code == 404


def build_person_with_cases(count):
    person = PersonFactory()
    charge = ChargeFactory()
    for _ in range(count):
        case = CaseFactory(court=OrganizationFactory(kind="court"))
        defendant = DefendantFactory(person=person, case=case)
        SentencePartFactory(defendant=defendant)
        DefendantChargeFactory(defendant=defendant, charge=charge)
        for _ in range(2):
            DefendantFactory(case=case)
        MembershipFactory(person=person)
        PersonNameFactory(person=person)
        person.stories.add(ArticleFactory())
    return person


def test_person_page_runs_the_same_queries_for_3_or_30_cases(client, db):
    few = count_queries(client, build_person_with_cases(3).get_absolute_url())
    many = count_queries(client, build_person_with_cases(30).get_absolute_url())
    assert few == many


def test_withheld_person_page_hides_the_summary_that_could_identify_them(client, db):
    person = PersonFactory(
        name="Secret Activistname",
        name_status=Person.NameStatus.WITHHELD,
        summary="Teaches at the village school in Zharkent.",
    )
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "Name withheld" in text
    assert "Country: Kazakhstan" in text
    assert "Zharkent" not in response.content.decode()
