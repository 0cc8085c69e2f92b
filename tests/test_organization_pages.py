from cases.models import SentencePart
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from people.models import Designation, Person
from people.views import OrganizationDetailView
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, href_for, links, page_text

DVK_URL = "/organizations/democratic-choice-of-kazakhstan/"


def test_organization_page_shows_the_designation_with_its_real_precision(client, demo):
    response = client.get(DVK_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Designated extremist by Government of Kazakhstan, March 2018" in text
    assert "1 March 2018" not in text


def test_organization_page_shows_a_designation_known_only_to_the_year(client, db):
    designation = DesignationFactory(
        label=Designation.Label.FOREIGN_AGENT,
        authority="Ministry of Justice",
        designated_on=PartialDate(2021),
    )
    text = page_text(client.get(designation.organization.get_absolute_url()))
    assert "Designated foreign agent by Ministry of Justice, 2021" in text


def test_organization_page_shows_alternate_names(client, demo):
    text = page_text(client.get(DVK_URL))
    assert "Демократический выбор Казахстана" in text
    assert "Demokraticheskiy Vybor Kazakhstana" in text


def test_organization_page_lists_named_members_and_counts_unnamed_ones(client, demo):
    response = client.get(DVK_URL)
    text = page_text(response)
    assert "Abai Begimbetov, activist" in text
    assert "Mukhtar Ablyazov, leader" in text
    assert "9 members whose names were not reported" in text
    assert ("/people/abai-begimbetov/", "Abai Begimbetov") in links(response)


def test_organization_page_summarises_the_sentences_in_its_members_cases(client, demo):
    text = page_text(client.get(DVK_URL))
    assert (
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "7 of them also to 100 hours of compulsory labour a year"
    ) in text
    assert text.count("Almaty trial of 13 opposition activists") == 1


def test_organization_page_lists_cases_of_members_even_when_not_linked_to_the_case(client, db):
    organization = OrganizationFactory()
    member = PersonFactory()
    MembershipFactory(person=member, organization=organization)
    defendant = DefendantFactory(person=member, case__title="Trial of a member")
    SentencePartFactory(
        defendant=defendant, kind=SentencePart.Kind.FINE, term_min_months=None, term_max_months=None
    )
    text = page_text(client.get(organization.get_absolute_url()))
    assert "Trial of a member" in text
    assert "1 sentenced to a fine, amount not reported" in text


def test_organization_page_shows_a_withheld_member_only_as_name_withheld(client, db):
    organization = OrganizationFactory()
    person = PersonFactory(name="Secret Activistname", name_status=Person.NameStatus.WITHHELD)
    MembershipFactory(person=person, organization=organization)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert "1 member whose name is withheld" in page_text(response)
    assert "Activistname" not in response.content.decode()


def test_organization_page_leaves_out_records_readers_may_not_see(client, db):
    organization = OrganizationFactory()
    hidden = PersonFactory(name="Hidden Member", is_public=False)
    MembershipFactory(person=hidden, organization=organization)
    unpublished = CaseFactory(title="Unpublished Trial", is_published=False)
    unpublished.organizations.add(organization)
    organization.stories.add(ArticleFactory(headline="Draft Story", status=Article.Status.DRAFT))
    # One visible record of each kind, which the page must show.
    MembershipFactory(person=PersonFactory(name="Shown Member"), organization=organization)
    CaseFactory(title="Published Trial").organizations.add(organization)
    organization.stories.add(ArticleFactory(headline="Published Story"))
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    for shown in ("Shown Member", "Published Trial", "Published Story"):
        assert shown in text
    body = response.content.decode()
    for hidden in ("Hidden Member", "Unpublished Trial", "Draft Story"):
        assert hidden not in body


def test_organization_page_lists_its_stories(client, demo):
    response = client.get(DVK_URL)
    assert (
        "/stories/almaty-court-sentences-thirteen-opposition-activists/",
        "Almaty court sentences 13 opposition activists on extremism charges",
    ) in links(response)


def test_not_public_organization_is_not_found(client, db):
    organization = OrganizationFactory(is_public=False)
    assert client.get(organization.get_absolute_url()).status_code == 404


def test_unknown_organization_is_not_found(client, db):
    assert client.get("/organizations/no-such-organization/").status_code == 404


def test_organization_list_shows_public_organizations_with_designations(client, demo):
    OrganizationFactory(name="Hidden Movement", is_public=False)
    response = client.get("/organizations/")
    assert response.status_code == 200
    text = page_text(response)
    assert (DVK_URL, "Democratic Choice of Kazakhstan") in links(response)
    assert "Designated extremist by Government of Kazakhstan, March 2018" in text
    assert "Hidden Movement" not in text


def test_organization_list_paginates(client, db):
    OrganizationFactory.create_batch(51)
    response = client.get("/organizations/")
    assert "Page 1 of 2" in page_text(response)
    assert client.get("/organizations/", {"page": 2}).status_code == 200


def build_organization_with_members(count):
    organization = OrganizationFactory()
    DesignationFactory(organization=organization)
    case = CaseFactory()
    case.organizations.add(organization)
    for number in range(count):
        status = [Person.NameStatus.NAMED, Person.NameStatus.NOT_REPORTED][number % 2]
        person = PersonFactory(name_status=status)
        MembershipFactory(person=person, organization=organization)
        defendant = DefendantFactory(person=person, case=CaseFactory() if number % 3 else case)
        SentencePartFactory(defendant=defendant)
        OrganizationNameFactory(organization=organization)
        organization.stories.add(ArticleFactory())
    return organization


def test_organization_page_runs_the_same_queries_for_3_or_30_members(client, db):
    few = count_queries(client, build_organization_with_members(3).get_absolute_url())
    many = count_queries(client, build_organization_with_members(30).get_absolute_url())
    assert few == many


def test_organization_list_runs_the_same_queries_for_3_or_30_organizations(client, db):
    for organization in OrganizationFactory.create_batch(3):
        DesignationFactory(organization=organization)
    few = count_queries(client, "/organizations/")
    for organization in OrganizationFactory.create_batch(27):
        DesignationFactory(organization=organization)
    many = count_queries(client, "/organizations/")
    assert few == many


def organization_with_cases(count):
    """An organization with `count` cases: half about it, half of its members' trials, with
    verdicts a month apart (case 0 the oldest)."""
    organization = OrganizationFactory()
    for number in range(count):
        case = CaseFactory(
            title=f"Trial {number:02d}",
            verdict_date=PartialDate(2000 + number // 12, 1 + number % 12),
        )
        if number % 2:
            case.organizations.add(organization)
        else:
            member = PersonFactory()
            MembershipFactory(person=member, organization=organization)
            DefendantFactory(person=member, case=case)
    return organization


def test_organization_page_lists_the_newest_verdicts_and_links_to_all_its_cases(client, db):
    organization = organization_with_cases(23)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "20 of 23 cases, newest verdicts first." in text
    listed = [number for number in range(23) if f"Trial {number:02d}" in text]
    assert listed == list(range(3, 23))
    href = href_for(response, "All 23 cases concerning it or its members")
    assert href == f"/cases/?organization={organization.slug}"
    all_cases = client.get(href)
    assert all_cases.status_code == 200
    assert all_cases.context["paginator"].count == 23


def test_organization_page_with_few_cases_lists_them_all_without_the_link(client, db):
    organization = organization_with_cases(3)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert all(f"Trial {number:02d}" in text for number in range(3))
    assert "newest verdicts first" not in text
    assert not [label for _, label in links(response) if label.startswith("All 3 cases")]
    assert "Cases concerning it or its members" in text


def test_organization_page_runs_the_same_queries_for_3_or_60_cases(client, db):
    few = count_queries(client, organization_with_cases(3).get_absolute_url())
    many = count_queries(client, organization_with_cases(60).get_absolute_url())
    assert few == many


MEMBERS_SHOWN = OrganizationDetailView.MEMBERS_SHOWN


def organization_with_named_members(count):
    """An organization with `count` public named members, "Member Surname00" and on, made in
    an order other than their names' (so that the page's order is the name's, not the
    record's)."""
    organization = OrganizationFactory()
    numbers = sorted(range(count), key=lambda number: (number % 7, number))
    for number in numbers:
        person = PersonFactory(name=f"Member Surname{number:02d}")
        MembershipFactory(person=person, organization=organization, role="activist")
    return organization


def listed_members(response):
    """The names of the people the member list links to, in the page's order."""
    return [text for href, text in links(response) if text.startswith("Member Surname")]


def test_organization_page_lists_the_first_named_members_and_links_to_all_its_members(client, db):
    organization = organization_with_named_members(MEMBERS_SHOWN + 3)
    for _ in range(2):
        person = PersonFactory(name="", name_status=Person.NameStatus.NOT_REPORTED)
        MembershipFactory(person=person, organization=organization)
    withheld = PersonFactory(name="Aaa Withheldname", name_status=Person.NameStatus.WITHHELD)
    MembershipFactory(person=withheld, organization=organization)
    # Sorts first by name, but readers may not see them: never listed, never counted.
    hidden = PersonFactory(name="Aaa Hiddenname", is_public=False)
    MembershipFactory(person=hidden, organization=organization)

    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert listed_members(response) == [
        f"Member Surname{number:02d}" for number in range(MEMBERS_SHOWN)
    ]
    assert f"Member Surname{MEMBERS_SHOWN - 1:02d}, activist" in text
    assert f"{MEMBERS_SHOWN} of {MEMBERS_SHOWN + 3} named members, by name." in text
    assert "2 members whose names were not reported" in text
    assert "1 member whose name is withheld" in text
    body = response.content.decode()
    assert "Withheldname" not in body
    assert "Hiddenname" not in body

    all_members = MEMBERS_SHOWN + 3 + 2 + 1
    href = href_for(response, f"All {all_members} members, named or not")
    assert href == f"/people/?organization={organization.slug}"
    people = client.get(href)
    assert people.status_code == 200
    assert people.context["paginator"].count == all_members
    listed_people = {person.pk for person in people.context["paginator"].object_list}
    assert withheld.pk in listed_people
    assert hidden.pk not in listed_people


def test_organization_page_counts_a_member_with_two_memberships_once(client, db):
    organization = organization_with_named_members(MEMBERS_SHOWN)
    twice = organization.memberships.get(person__name="Member Surname00").person
    MembershipFactory(person=twice, organization=organization, role="chair")
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    # Each membership is a line; the counts are of people, as the people list counts them.
    assert "Member Surname00, chair" in text
    assert "Member Surname00, activist" in text
    assert len(listed_members(response)) == MEMBERS_SHOWN
    assert f"{MEMBERS_SHOWN - 1} of {MEMBERS_SHOWN} named members, by name." in text
    href = href_for(response, f"All {MEMBERS_SHOWN} members, named or not")
    assert client.get(href).context["paginator"].count == MEMBERS_SHOWN


def test_organization_page_with_few_members_lists_them_all_without_the_link(client, db):
    organization = organization_with_named_members(3)
    withheld = PersonFactory(name="Aaa Withheldname", name_status=Person.NameStatus.WITHHELD)
    MembershipFactory(person=withheld, organization=organization)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert listed_members(response) == ["Member Surname00", "Member Surname01", "Member Surname02"]
    assert "1 member whose name is withheld" in text
    assert "named members, by name" not in text
    assert not [label for _, label in links(response) if label.startswith("All 4 members")]
    assert "Withheldname" not in response.content.decode()


def test_organization_page_with_as_many_named_members_as_it_shows_has_no_link(client, db):
    organization = organization_with_named_members(MEMBERS_SHOWN)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert len(listed_members(response)) == MEMBERS_SHOWN
    assert "named members, by name" not in page_text(response)


def test_organization_page_runs_the_same_queries_for_5_or_80_members(client, db):
    few = organization_with_named_members(5)
    many = organization_with_named_members(80)
    for organization in (few, many):
        withheld = PersonFactory(name_status=Person.NameStatus.WITHHELD)
        MembershipFactory(person=withheld, organization=organization)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )
