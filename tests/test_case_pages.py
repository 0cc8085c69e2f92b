from cases.models import CaseEvent, Defendant, SentencePart
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
    SourceFactory,
)
from tests.page_helpers import count_queries, links, page_text

CASE_URL = "/cases/almaty-trial-of-thirteen-opposition-activists/"


def test_case_page_shows_court_place_status_and_hearing_format(client, demo):
    text = page_text(client.get(CASE_URL))
    assert "Court court not named in reports" in text
    assert "City Almaty" in text
    assert "Country Kazakhstan" in text
    assert "Status Sentenced" in text
    assert "Hearing Online (defendants by video link)" in text


def test_case_page_says_the_verdict_date_was_not_reported(client, demo):
    assert "Verdict date verdict date not reported" in page_text(client.get(CASE_URL))


def test_case_page_shows_a_known_verdict_date_at_its_precision(client, db):
    case = CaseFactory(verdict_date=PartialDate(2024, 3))
    assert "Verdict date March 2024" in page_text(client.get(case.get_absolute_url()))


def test_case_page_shows_charges_and_says_when_the_article_is_not_reported(client, demo):
    assert "Extremism-related charges (article not reported)" in page_text(client.get(CASE_URL))


def test_case_page_shows_the_article_of_a_charge_when_known(client, db):
    charge = ChargeFactory(
        description="Inciting discord", article="174", legal_code="Criminal Code"
    )
    defendant = DefendantChargeFactory(charge=charge).defendant
    text = page_text(client.get(defendant.case.get_absolute_url()))
    # The factory's jurisdiction is Kazakhstan: the code is named with its country.
    assert "Inciting discord (article 174 of the Criminal Code of Kazakhstan)" in text


def test_case_page_counts_defendants_named_and_unnamed(client, demo):
    assert "13 defendants, 4 named" in page_text(client.get(CASE_URL))


def test_case_page_gives_the_reported_count_when_records_differ(client, db):
    case = CaseFactory(reported_defendant_count=5)
    DefendantFactory.create_batch(2, case=case)
    assert "2 defendants, 2 named (reports give 5 defendants)" in page_text(
        client.get(case.get_absolute_url())
    )


def test_case_page_lists_each_defendant_with_verdict_and_sentence(client, demo):
    response = client.get(CASE_URL)
    text = page_text(response)
    assert "Abai Begimbetov Convicted 5 years in prison" in text
    # The nine whose names were not reported: one row, described once, that stories link to.
    assert (
        "9 people whose names were not reported 9 sentenced to 1 to 2 years of restricted "
        "freedom, 7 of them also to 100 hours of compulsory labour a year; may not change "
        "residence or leave the Almaty city limits"
    ) in text
    assert text.count("people whose names were not reported") == 1
    assert 'id="unnamed-defendants"' in response.content.decode()
    assert ("/people/abai-begimbetov/", "Abai Begimbetov") in links(response)


def test_case_page_summarises_the_sentences(client, demo):
    text = page_text(client.get(CASE_URL))
    assert (
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "7 of them also to 100 hours of compulsory labour a year"
    ) in text


def test_case_page_shows_a_withheld_defendant_only_as_name_withheld(client, db):
    case = CaseFactory()
    person = PersonFactory(name="Secret Activistname", name_status=Person.NameStatus.WITHHELD)
    SentencePartFactory(defendant__case=case, defendant__person=person)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "1 person whose name is withheld 1 sentenced to 5 years in prison" in text
    assert "1 defendant, 0 named" in text
    assert "Activistname" not in response.content.decode()


def test_case_page_shows_pending_and_acquitted_verdicts_without_a_sentence(client, db):
    case = CaseFactory()
    DefendantFactory(case=case, verdict=Defendant.Verdict.ACQUITTED)
    DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING)
    text = page_text(client.get(case.get_absolute_url()))
    assert "1 acquitted; 1 awaiting a verdict" in text


def test_case_page_shows_the_timeline_with_dates_and_who_acted(client, demo):
    response = client.get(CASE_URL)
    text = page_text(response)
    assert "Hearing, date not reported" in text
    assert (
        "Statement, date not reported — Kazakhstan International Bureau for Human Rights and the "
        "Rule of Law"
    ) in text
    assert (
        "/organizations/kazakhstan-international-bureau-for-human-rights-and-the-rule-of-law/",
        "Kazakhstan International Bureau for Human Rights and the Rule of Law",
    ) in links(response)


def test_case_page_shows_event_dates_at_their_precision(client, db):
    event = CaseEventFactory(kind=CaseEvent.Kind.ARREST, date=PartialDate(2023, 11, 2))
    text = page_text(client.get(event.case.get_absolute_url()))
    assert "Arrest, 2 November 2023" in text


def test_case_page_links_organizations_sources_and_stories(client, demo):
    response = client.get(CASE_URL)
    hrefs = links(response)
    assert (
        "/organizations/democratic-choice-of-kazakhstan/",
        "Democratic Choice of Kazakhstan",
    ) in (hrefs)
    story_url = "/stories/almaty-court-sentences-thirteen-opposition-activists/"
    headline = "Almaty court sentences 13 opposition activists on extremism charges"
    assert (story_url, headline) in hrefs
    assert "Sources" in page_text(response)


def test_case_page_leaves_out_records_readers_may_not_see(client, db):
    case = CaseFactory(
        court=OrganizationFactory(name="Hidden Court", kind="court", is_public=False)
    )
    DefendantFactory(case=case, person__name="Hidden Defendant", person__is_public=False)
    DefendantFactory(case=case, person__name="Shown Defendant")
    case.organizations.add(OrganizationFactory(name="Hidden Movement", is_public=False))
    CaseEventFactory(
        case=case, organization=OrganizationFactory(name="Hidden NGO", is_public=False)
    )
    draft = ArticleFactory(headline="Draft Story", status=Article.Status.DRAFT)
    case.stories.add(draft)
    case.sources.add(SourceFactory(title="Our draft", article=draft))
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 defendant, 1 named" in page_text(response)
    assert "Shown Defendant" in page_text(response)
    for hidden in (
        "Hidden Court",
        "Hidden Defendant",
        "Hidden Movement",
        "Hidden NGO",
        "Draft Story",
    ):
        assert hidden not in body
    assert draft.get_absolute_url() not in body


def test_unpublished_case_is_not_found(client, db):
    case = CaseFactory(is_published=False)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_unknown_case_is_not_found(client, db):
    assert client.get("/cases/no-such-case/").status_code == 404


def build_case_with_defendants(count):
    case = CaseFactory(court=OrganizationFactory(kind="court"))
    charge = ChargeFactory()
    for number in range(count):
        defendant = DefendantFactory(case=case)
        SentencePartFactory(defendant=defendant)
        SentencePartFactory(
            defendant=defendant,
            kind=SentencePart.Kind.RESTRICTED_FREEDOM,
            term_min_months=12,
            term_max_months=24,
            conditions="may not leave the city",
        )
        DefendantChargeFactory(
            defendant=defendant, charge=charge if number % 2 else ChargeFactory()
        )
        CaseEventFactory(case=case, organization=OrganizationFactory())
        case.organizations.add(OrganizationFactory())
        case.sources.add(SourceFactory(article=ArticleFactory()))
        case.stories.add(ArticleFactory())
    return case


def test_case_page_runs_the_same_queries_for_3_or_30_defendants(client, db):
    few = count_queries(client, build_case_with_defendants(3).get_absolute_url())
    many = count_queries(client, build_case_with_defendants(30).get_absolute_url())
    assert few == many
