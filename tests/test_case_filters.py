"""The case list's filters (issue 3): the URL contract of design.md, facet counts, bad input."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, SentencePart
from newsroom.management.commands.load_demo import ALMATY_CASE_SLUG
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
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
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("cases:list")
DVK = "democratic-choice-of-kazakhstan"


def listed_slugs(response):
    return [case.slug for case in response.context["object_list"]]


def facet_counts(response, name):
    return {option.value: option.count for option in response.context["facets"][name]}


def sentenced_case(title, kind=SentencePart.Kind.PRISON, months=(60, 60), **case_fields):
    case = CaseFactory(title=title, **case_fields)
    defendant = DefendantFactory(case=case)
    SentencePartFactory(
        defendant=defendant, kind=kind, term_min_months=months[0], term_max_months=months[1]
    )
    return case


@pytest.fixture
def several_cases():
    """Three organizations and four cases with different sentences, terms and links."""
    movement = OrganizationFactory(name="Street Movement", slug="street-movement")
    party = OrganizationFactory(name="Open Party", slug="open-party")
    ngo = OrganizationFactory(name="Rights Bureau", slug="rights-bureau")
    long_prison = sentenced_case("Long prison", months=(96, 96), verdict_date="2023-05")
    long_prison.organizations.add(movement)
    fined = sentenced_case(
        "Fined", kind=SentencePart.Kind.FINE, months=(None, None), verdict_date="2024"
    )
    fined.organizations.add(movement, party)
    restricted = sentenced_case(
        "Restricted", kind=SentencePart.Kind.RESTRICTED_FREEDOM, months=(12, 24), country="RU"
    )
    # Linked to the party only through a defendant who is a member.
    MembershipFactory(person=restricted.defendants.get().person, organization=party)
    short_prison = sentenced_case("Short prison", months=(6, 6), verdict_date="2024-02-01")
    SentencePartFactory(
        defendant=short_prison.defendants.get(),
        kind=SentencePart.Kind.FINE,
        term_min_months=None,
        term_max_months=None,
    )
    short_prison.organizations.add(ngo)
    return {
        "movement": movement,
        "party": party,
        "ngo": ngo,
        "long_prison": long_prison,
        "fined": fined,
        "restricted": restricted,
        "short_prison": short_prison,
    }


# The acceptance checks of issue 3 on the demo data.


def test_demo_case_is_listed_by_organization_and_prison(client, demo):
    response = client.get(LIST_URL, {"organization": DVK, "sentence": "prison"})
    assert response.status_code == 200
    assert listed_slugs(response) == [ALMATY_CASE_SLUG]


def test_demo_case_is_not_listed_for_fines(client, demo):
    response = client.get(LIST_URL, {"sentence": "fine"})
    assert response.status_code == 200
    assert "Sentence: Fine" in page_text(response)
    assert "No cases match these filters." in page_text(response)
    assert ALMATY_CASE_SLUG not in listed_slugs(response)


def test_demo_case_is_listed_for_terms_of_four_years_or_more(client, demo):
    response = client.get(LIST_URL, {"min_years": "4"})
    assert ALMATY_CASE_SLUG in listed_slugs(response)


def test_demo_case_is_not_listed_for_terms_of_half_a_year_or_less(client, demo):
    response = client.get(LIST_URL, {"max_years": "0.5"})
    assert response.status_code == 200
    assert "Term up to 0.5 years" in page_text(response)
    assert "No cases match these filters." in page_text(response)
    assert ALMATY_CASE_SLUG not in listed_slugs(response)


def test_demo_option_counts_apply_the_other_filters(client, demo):
    response = client.get(LIST_URL, {"sentence": "prison"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Democratic Choice of Kazakhstan (1)" in text
    assert "Koshe party (1)" in text
    # The sentence facet ignores the sentence filter itself: every kind keeps its count.
    assert facet_counts(response, "sentence")["restricted_freedom"] == 1
    assert facet_counts(response, "sentence")["fine"] == 0


def test_demo_unfiltered_counts_include_the_in_absentia_case_of_the_leader(client, demo):
    response = client.get(LIST_URL)
    counts = facet_counts(response, "organization")
    assert counts[DVK] == 2  # the Almaty trial, and Ablyazov's case through his membership
    assert counts["koshe-party"] == 1
    assert facet_counts(response, "sentence")["prison"] == 1


def test_demo_row_shows_court_verdict_date_defendants_and_sentences(client, demo):
    text = page_text(client.get(LIST_URL))
    assert "Court not named, Almaty, Kazakhstan" in text
    assert "Date not reported" in text
    assert "13 defendants, 4 named" in text
    assert "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom" in text


def test_result_count_is_shown(client, demo):
    assert "2 cases" in page_text(client.get(LIST_URL))
    assert "1 case" in page_text(client.get(LIST_URL, {"sentence": "prison"}))


# Facet counts on a factory-built set.


def test_organization_counts_with_no_filter(client, several_cases):
    counts = facet_counts(client.get(LIST_URL), "organization")
    assert counts == {"street-movement": 2, "open-party": 2, "rights-bureau": 1}


def test_organization_counts_apply_the_sentence_filter(client, several_cases):
    counts = facet_counts(client.get(LIST_URL, {"sentence": "fine"}), "organization")
    assert counts == {"street-movement": 1, "open-party": 1, "rights-bureau": 1}


def test_sentence_counts_apply_the_organization_filter(client, several_cases):
    response = client.get(LIST_URL, {"organization": "open-party"})
    assert response.status_code == 200
    counts = facet_counts(response, "sentence")
    assert counts["fine"] == 1
    assert counts["restricted_freedom"] == 1
    assert counts["prison"] == 0


def test_sentence_counts_apply_the_term_to_the_same_sentence_part(client, several_cases):
    response = client.get(LIST_URL, {"min_years": "1"})
    assert response.status_code == 200
    counts = facet_counts(response, "sentence")
    # The short prison case has a fine too, but its prison term is below one year.
    assert counts["prison"] == 1
    assert counts["restricted_freedom"] == 1
    assert counts["fine"] == 0


def test_status_year_and_country_counts(client, several_cases):
    response = client.get(LIST_URL)
    assert facet_counts(response, "status") == {
        "investigation": 0,
        "trial": 0,
        "sentenced": 4,
        "appeal": 0,
        "closed": 0,
    }
    assert facet_counts(response, "year") == {"2024": 2, "2023": 1}
    assert facet_counts(response, "country") == {"kz": 3, "ru": 1}


def test_each_option_count_is_the_number_of_results_it_gives(client, several_cases):
    active = {"sentence": "prison"}
    counts = facet_counts(client.get(LIST_URL, active), "organization")
    for slug, count in counts.items():
        response = client.get(LIST_URL, {**active, "organization": slug})
        assert response.context["paginator"].count == count, slug


# How parameters combine.


def test_repeated_parameter_values_are_ored(client, several_cases):
    response = client.get(LIST_URL + "?sentence=restricted_freedom&sentence=fine")
    assert sorted(listed_slugs(response)) == sorted(
        [
            several_cases["fined"].slug,
            several_cases["restricted"].slug,
            several_cases["short_prison"].slug,
        ]
    )


def test_repeated_organizations_are_ored(client, several_cases):
    response = client.get(LIST_URL + "?organization=rights-bureau&organization=open-party")
    assert sorted(listed_slugs(response)) == sorted(
        [
            several_cases["fined"].slug,
            several_cases["restricted"].slug,
            several_cases["short_prison"].slug,
        ]
    )


def test_an_empty_value_of_a_repeatable_parameter_selects_nothing(client, demo):
    response = client.get(LIST_URL + "?organization=&sentence=&status=&min_years=&q=")
    assert response.context["filters_valid"]
    assert len(listed_slugs(response)) == 2


def test_different_parameters_are_anded(client, several_cases):
    response = client.get(LIST_URL, {"organization": "street-movement", "sentence": "prison"})
    assert listed_slugs(response) == [several_cases["long_prison"].slug]


def test_organization_matches_cases_through_a_member_defendant(client, several_cases):
    response = client.get(LIST_URL, {"organization": "open-party"})
    assert several_cases["restricted"].slug in listed_slugs(response)


def test_a_range_term_overlapping_the_range_matches(client, several_cases):
    response = client.get(LIST_URL, {"min_years": "1.5", "max_years": "3"})
    assert listed_slugs(response) == [several_cases["restricted"].slug]


def test_a_term_not_reported_never_matches_a_term_range(client, several_cases):
    response = client.get(LIST_URL, {"min_years": "0"})
    assert response.status_code == 200
    # Every case with a reported term is found from 0 years; the fine without one is not.
    assert sorted(listed_slugs(response)) == sorted(
        several_cases[name].slug for name in ("long_prison", "restricted", "short_prison")
    )
    assert several_cases["fined"].slug not in listed_slugs(response)


def test_an_open_ended_term_matches_every_range_it_may_fall_in(client):
    case = sentenced_case("At least ten years", months=(120, None))
    assert listed_slugs(client.get(LIST_URL, {"min_years": "20"})) == [case.slug]


def test_kind_and_term_describe_the_same_sentence_part(client, several_cases):
    # short_prison has a 6-month prison term and a fine: no fine of at least 3 months.
    response = client.get(LIST_URL, {"sentence": "fine", "min_years": "0.25"})
    assert response.status_code == 200
    assert "No cases match these filters." in page_text(response)
    assert listed_slugs(response) == []
    # The fine alone finds it, and so does the term alone: only together do they not match.
    fines = client.get(LIST_URL, {"sentence": "fine"})
    assert several_cases["short_prison"].slug in listed_slugs(fines)
    terms = client.get(LIST_URL, {"min_years": "0.25"})
    assert several_cases["short_prison"].slug in listed_slugs(terms)


def test_status_year_and_country_filters(client, several_cases):
    assert listed_slugs(client.get(LIST_URL, {"country": "ru"})) == [
        several_cases["restricted"].slug
    ]
    assert sorted(listed_slugs(client.get(LIST_URL + "?year=2023&year=2024"))) == sorted(
        [
            several_cases["long_prison"].slug,
            several_cases["fined"].slug,
            several_cases["short_prison"].slug,
        ]
    )
    on_trial = client.get(LIST_URL, {"status": "trial"})
    assert on_trial.status_code == 200
    assert "Status: On trial" in page_text(on_trial)
    assert "No cases match these filters." in page_text(on_trial)
    assert listed_slugs(on_trial) == []


def test_text_search_matches_title_city_and_any_spelling_of_a_defendant(client, demo):
    assert listed_slugs(client.get(LIST_URL, {"q": "almaty 13"})) == [ALMATY_CASE_SLUG]
    assert listed_slugs(client.get(LIST_URL, {"q": "Kairat Kylyshev"})) == [ALMATY_CASE_SLUG]
    assert listed_slugs(client.get(LIST_URL, {"q": "Қылышев"})) == [ALMATY_CASE_SLUG]


def test_text_search_never_matches_a_withheld_name(client):
    case = CaseFactory(title="A closed trial")
    person = PersonFactory(name="Secretname Hidden", name_status=Person.NameStatus.WITHHELD)
    PersonNameFactory(person=person, name="Secretalias")
    DefendantFactory(case=case, person=person)
    assert listed_slugs(client.get(LIST_URL, {"q": "closed trial"})) == [case.slug]
    for word in ("Secretname", "Secretalias"):
        response = client.get(LIST_URL, {"q": word})
        assert response.status_code == 200
        assert "No cases match these filters." in page_text(response)
        assert listed_slugs(response) == []


# Active filters and pagination.


def test_each_active_filter_has_a_link_removing_just_it(client, demo):
    response = client.get(LIST_URL + "?organization=koshe-party&sentence=prison&sentence=fine")
    removals = {active.label: active.remove_query for active in response.context["active_filters"]}
    assert removals["Sentence: Fine"] == "?organization=koshe-party&sentence=prison"
    assert removals["Organization: Koshe party"] == "?sentence=prison&sentence=fine"
    # The link leads back to the results (#results), as Apply does.
    assert f'href="{LIST_URL}?organization=koshe-party&amp;sentence=prison#results"' in (
        response.content.decode()
    )


def test_pagination_links_keep_the_filters(client):
    for number in range(25):
        sentenced_case(f"Trial {number:02d}")
    response = client.get(LIST_URL, {"sentence": "prison"})
    assert "?sentence=prison&amp;page=2" in response.content.decode()
    second = client.get(LIST_URL, {"sentence": "prison", "page": "2"})
    assert len(second.context["object_list"]) == 5


# Bad input: a clear message about the field and no results, never a 500.

INVALID_PARAMETERS = [
    ("min_years=abc", "min_years"),
    ("max_years=-1", "max_years"),
    ("min_years=3&max_years=1", "max_years"),
    ("min_years=NaN", "min_years"),
    ("sentence=nonsense", "sentence"),
    ("organization=no-such-slug", "organization"),
    ("status=x", "status"),
    ("year=abc", "year"),
    ("year=20245", "year"),
    ("country=zz1", "country"),
    ("country=KZ", "country"),
    ("organization=" + "x" * 5000, "organization"),
    ("min_years=1&min_years=2", "min_years"),
    ("q=a&q=b", "q"),
]


@pytest.mark.parametrize(("query", "field"), INVALID_PARAMETERS)
def test_invalid_value_shows_the_field_message_and_no_results(client, demo, query, field):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert list(response.context["object_list"]) == []
    text = page_text(response)
    assert "Some filters are not valid, so no results are shown" in text
    assert "0 cases" in text


@pytest.mark.parametrize("page", ["999999", "-1", "abc", "0"])
def test_a_page_that_does_not_exist_is_not_found(client, demo, page):
    assert client.get(LIST_URL, {"page": page}).status_code == 404


def test_a_repeated_page_number_is_not_found(client, demo):
    assert client.get(LIST_URL + "?page=1&page=2").status_code == 404


def test_a_private_organization_is_not_an_option_nor_a_valid_filter(client, demo):
    hidden = OrganizationFactory(name="Hidden Group", slug="hidden-group", is_public=False)
    Case.objects.get(slug=ALMATY_CASE_SLUG).organizations.add(hidden)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert facet_counts(response, "organization")[DVK] == 2
    assert "Democratic Choice of Kazakhstan (2)" in page_text(response)
    assert "hidden-group" not in facet_counts(response, "organization")
    assert "Hidden Group" not in page_text(response)
    filtered = client.get(LIST_URL, {"organization": "hidden-group"})
    assert filtered.status_code == 200
    assert "organization" in filtered.context["filter"].form.errors


# Only published and public data, in the list and in the counts.


def test_an_unpublished_case_is_never_listed_nor_counted(client, several_cases):
    draft = sentenced_case("Draft case", kind=SentencePart.Kind.SUSPENDED, is_published=False)
    draft.organizations.add(several_cases["ngo"])
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(listed_slugs(response)) == 4
    assert draft.slug not in listed_slugs(response)
    assert facet_counts(response, "sentence")["suspended"] == 0
    assert facet_counts(response, "organization")["rights-bureau"] == 1
    searched = client.get(LIST_URL, {"q": "Draft"})
    assert searched.status_code == 200
    assert "No cases match these filters." in page_text(searched)
    assert "Draft case" not in page_text(searched)


def test_a_not_public_defendant_gives_no_sentence_and_no_membership_link(client):
    case = CaseFactory(title="Trial with a private record")
    private = PersonFactory(name="Private Person", is_public=False)
    defendant = DefendantFactory(case=case, person=private)
    SentencePartFactory(defendant=defendant, kind=SentencePart.Kind.HOUSE_ARREST)
    party = OrganizationFactory(name="Some Party", slug="some-party")
    MembershipFactory(person=private, organization=party)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert listed_slugs(response) == [case.slug]  # the case itself is public
    assert facet_counts(response, "sentence")["house_arrest"] == 0
    assert "some-party" not in facet_counts(response, "organization")
    for query in ({"q": "Private Person"}, {"sentence": "house_arrest"}):
        filtered = client.get(LIST_URL, query)
        assert filtered.status_code == 200
        assert "No cases match these filters." in page_text(filtered)
        assert listed_slugs(filtered) == []


# Bounded queries.


def make_cases(count):
    organization = OrganizationFactory()
    for number in range(count):
        case = sentenced_case(f"Case {number:02d}", verdict_date=PartialDate(2024, 1))
        case.organizations.add(organization)
        named, unnamed = (
            case.defendants.get(),
            DefendantFactory(
                case=case, person=PersonFactory(name_status=Person.NameStatus.NOT_REPORTED)
            ),
        )
        MembershipFactory(person=named.person, organization=organization)
        SentencePartFactory(defendant=unnamed, kind=SentencePart.Kind.RESTRICTED_FREEDOM)


def count_queries(client, query):
    cache.clear()  # the same queries each time, the cached organization list included
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"sentence": "prison", "min_years": "1", "q": "Case"}])
def test_the_number_of_queries_does_not_grow_with_the_results(client, query):
    make_cases(3)
    few = count_queries(client, query)
    make_cases(27)
    assert count_queries(client, query) == few


# The charge filter (issue 7): `charge=<key>` such as by-cc-293, repeatable, with counts.


@pytest.fixture
def charged_cases():
    """Four published cases: one per charge, one with both, one with none; charges of Belarus's
    and Kazakhstan's criminal codes."""
    riots = ChargeFactory(
        country="BY", legal_code="Criminal Code", article="293", description="Mass riots"
    )
    discord = ChargeFactory(
        country="KZ", legal_code="Criminal Code", article="174", description="Inciting discord"
    )
    minsk = CaseFactory(title="Minsk riots trial", country="BY")
    DefendantChargeFactory(defendant=DefendantFactory(case=minsk), charge=riots)
    almaty = CaseFactory(title="Almaty discord trial")
    DefendantChargeFactory(defendant=DefendantFactory(case=almaty), charge=discord)
    both = CaseFactory(title="Two charges trial", country="BY")
    DefendantChargeFactory(defendant=DefendantFactory(case=both), charge=riots)
    DefendantChargeFactory(defendant=DefendantFactory(case=both), charge=discord)
    CaseFactory(title="Uncharged trial")
    return {"riots": riots, "discord": discord, "minsk": minsk, "almaty": almaty, "both": both}


def test_charges_have_keys_of_country_code_initials_and_article(charged_cases):
    assert charged_cases["riots"].slug == "by-cc-293"
    assert charged_cases["discord"].slug == "kz-cc-174"


def test_the_charge_filter_lists_cases_with_a_defendant_charged_under_it(client, charged_cases):
    response = client.get(LIST_URL, {"charge": "by-cc-293"})
    assert response.status_code == 200
    assert sorted(listed_slugs(response)) == sorted(
        [charged_cases["minsk"].slug, charged_cases["both"].slug]
    )
    assert "2 cases" in page_text(response)


def test_repeated_charges_are_ored(client, charged_cases):
    response = client.get(LIST_URL + "?charge=by-cc-293&charge=kz-cc-174")
    assert sorted(listed_slugs(response)) == sorted(
        charged_cases[key].slug for key in ("minsk", "almaty", "both")
    )


def test_charge_options_are_labelled_and_counted_with_the_other_filters(client, charged_cases):
    response = client.get(LIST_URL)
    assert facet_counts(response, "charge") == {"by-cc-293": 2, "kz-cc-174": 2}
    labels = {option.value: option.label for option in response.context["facets"]["charge"]}
    assert labels["by-cc-293"] == "Mass riots (article 293 of the Criminal Code of Belarus)"
    assert "Inciting discord (article 174 of the Criminal Code of Kazakhstan)" in page_text(
        response
    )
    in_belarus = client.get(LIST_URL, {"country": "by", "charge": "kz-cc-174"})
    # The charge counts apply the country filter, not the charge filter itself.
    assert facet_counts(in_belarus, "charge") == {"by-cc-293": 2, "kz-cc-174": 1}
    assert listed_slugs(in_belarus) == [charged_cases["both"].slug]
    # And the other facets apply the charge filter.
    assert facet_counts(in_belarus, "country") == {"by": 1, "kz": 1}


def test_each_charge_count_is_the_number_of_results_it_gives(client, charged_cases):
    for option in client.get(LIST_URL).context["facets"]["charge"]:
        response = client.get(LIST_URL, {"charge": option.value})
        assert response.context["result_count"] == option.count > 0


def test_an_active_charge_filter_reads_as_the_charge_and_can_be_removed(client, charged_cases):
    response = client.get(LIST_URL + "?charge=by-cc-293&status=sentenced")
    removals = {active.label: active.remove_query for active in response.context["active_filters"]}
    assert removals["Charge: Mass riots (article 293 of the Criminal Code of Belarus)"] == (
        "?status=sentenced"
    )


@pytest.mark.parametrize("role", ["anonymous", "reporter", "editor"])
def test_a_charge_no_public_defendant_holds_is_neither_an_option_nor_a_filter(
    client, charged_cases, role, request
):
    """Held only by a person who is not public, or in a case that is not published."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    secret = ChargeFactory(
        country="KZ", legal_code="Criminal Code", article="405", description="Banned group"
    )
    hidden_person = PersonFactory(name="Hidden Defendant", is_public=False)
    DefendantChargeFactory(
        defendant=DefendantFactory(case=charged_cases["minsk"], person=hidden_person),
        charge=secret,
    )
    draft = CaseFactory(title="Draft trial", is_published=False)
    DefendantChargeFactory(defendant=DefendantFactory(case=draft), charge=secret)

    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert set(facet_counts(response, "charge")) == {"by-cc-293", "kz-cc-174"}
    assert "Banned group" not in page_text(response)
    assert "Mass riots" in page_text(response)
    filtered = client.get(LIST_URL, {"charge": secret.slug})
    assert filtered.status_code == 200
    assert "charge" in filtered.context["filter"].form.errors
    assert list(filtered.context["object_list"]) == []
    assert "Some filters are not valid" in page_text(filtered)


def test_an_unknown_charge_key_is_a_field_error_not_a_500(client, charged_cases):
    for value in ["no-such-charge", "x" * 5000, "\x00"]:
        response = client.get(LIST_URL, {"charge": value})
        assert response.status_code == 200
        assert "charge" in response.context["filter"].form.errors
        assert "0 cases" in page_text(response)


def test_the_number_of_queries_does_not_grow_with_the_charges(client, charged_cases):
    few = count_queries(client, {"charge": "by-cc-293"})
    for number in range(20):
        case = CaseFactory(title=f"More charges {number}")
        DefendantChargeFactory(defendant=DefendantFactory(case=case))
        riots = charged_cases["riots"]
        DefendantChargeFactory(defendant=DefendantFactory(case=case), charge=riots)
    assert count_queries(client, {"charge": "by-cc-293"}) == few
