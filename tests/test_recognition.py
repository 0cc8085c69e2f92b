"""Who is recognised as a political prisoner, and by whom: per person, a recognition by a named
organization, with its date and source. The people list's `recognised=1` filter, its count, the
number of results and the home page's "in prison now" figure agree; a person's page says in
plain words who recognised them, or that no organization in our records has.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Organization, Person, Recognition
from tests.factories import (
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
    RecognitionFactory,
    SentencePartFactory,
)
from tests.history_forms import add_inline_row, admin_url, form_data
from tests.page_helpers import count_queries, links, page_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("people:list")
NOT_RECOGNISED = "Not recognised as a political prisoner by any organization in our records."


def prisoner(name):
    # Sentenced a year ago to five years: certainly in prison now.
    verdict = PartialDate(timezone.localdate().year - 1, 1, 15)
    defendant = DefendantFactory(person=PersonFactory(name=name), case__verdict_date=verdict)
    SentencePartFactory(defendant=defendant, kind=SentencePart.Kind.PRISON)
    return defendant.person


@pytest.fixture
def records():
    """Three people in prison (one recognised by a public organization, one only by a hidden
    one, one by none), one free person recognised, and a hidden person recognised."""
    viasna = OrganizationFactory(name="Viasna", kind=Organization.Kind.NGO)
    hidden_organization = OrganizationFactory(name="Unchecked Group", is_public=False)
    recognised_prisoner = prisoner("Recognised Prisoner")
    RecognitionFactory(person=recognised_prisoner, organization=viasna)
    prisoner_recognised_by_hidden = prisoner("Hidden Recogniser")
    RecognitionFactory(person=prisoner_recognised_by_hidden, organization=hidden_organization)
    prisoner("Unrecognised Prisoner")
    recognised_free = PersonFactory(name="Free Recognised")
    RecognitionFactory(
        person=recognised_free, organization=viasna, kind=Recognition.Kind.PERSECUTED
    )
    hidden_person = prisoner("Hidden Person")
    Person.objects.filter(pk=hidden_person.pk).update(is_public=False)
    RecognitionFactory(person=hidden_person, organization=viasna)
    return {"viasna": viasna, "recognised prisoner": recognised_prisoner}


def listed_names(response):
    return sorted(person.name for person in response.context["object_list"])


def recognised_option_count(response):
    (option,) = response.context["facets"]["recognised"]
    return option.count


def test_the_recognised_filter_lists_people_recognised_by_a_public_organization(client, records):
    response = client.get(LIST_URL, {"recognised": "1"})

    assert response.status_code == 200
    assert listed_names(response) == ["Free Recognised", "Recognised Prisoner"]
    assert response.context["paginator"].count == 2
    assert recognised_option_count(response) == 2
    assert "Unrecognised Prisoner" not in page_text(response)


def test_the_filter_count_the_result_count_and_the_home_figure_agree(client, records):
    unfiltered = client.get(LIST_URL, {"status": "imprisoned"})
    filtered = client.get(LIST_URL, {"status": "imprisoned", "recognised": "1"})
    home = client.get("/")

    assert unfiltered.status_code == filtered.status_code == home.status_code == 200
    assert listed_names(filtered) == ["Recognised Prisoner"]
    assert recognised_option_count(unfiltered) == 1
    assert filtered.context["paginator"].count == 1
    assert home.context["imprisoned_count"] == unfiltered.context["paginator"].count == 3
    assert home.context["imprisoned_recognised_count"] == 1
    text = page_text(home)
    assert "3 people in prison now" in text
    assert (
        "1 of them recognised as a political prisoner or persecuted for their views by a "
        "named organization" in text
    )
    hrefs = [href for href, label in links(home) if label == "1 of them"]
    assert hrefs == [f"{LIST_URL}?status=imprisoned&recognised=1"]


def test_the_case_list_filters_and_counts_cases_with_a_recognised_defendant(client, records):
    recognised_case = records["recognised prisoner"].defendants.get().case
    all_cases = client.get("/cases/")
    filtered = client.get("/cases/", {"recognised": "1"})

    assert all_cases.status_code == filtered.status_code == 200
    # Four prisoners' cases (one defendant hidden); only one has a public defendant whom a
    # public organization recognises.
    assert all_cases.context["paginator"].count == 4
    assert list(filtered.context["object_list"]) == [recognised_case]
    assert recognised_option_count(all_cases) == 1
    assert recognised_case.title in page_text(filtered)
    bad = client.get("/cases/", {"recognised": "yes"})
    assert bad.status_code == 200
    assert "use recognised=1" in page_text(bad)


def test_the_recognised_option_shows_its_count_in_the_filter_form(client, records):
    text = page_text(client.get(LIST_URL))
    assert "Recognised as a political prisoner or persecuted for their views (2)" in text


def test_a_recognised_value_other_than_1_is_a_form_error_not_a_500(client, records):
    response = client.get(LIST_URL, {"recognised": "yes"})
    assert response.status_code == 200
    assert "use recognised=1" in page_text(response)


def test_a_person_page_names_the_organization_the_date_and_the_source(client, records):
    person = records["recognised prisoner"]
    Recognition.objects.filter(person=person).update(recognised_on=PartialDate(2023, 3))

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "Recognised as a political prisoner by Viasna (March 2023, source)" in text
    assert NOT_RECOGNISED not in text
    assert ("https://example.org/statements/political-prisoners", "source") in links(response)
    assert (records["viasna"].get_absolute_url(), "Viasna") in links(response)


def test_a_recognition_by_a_hidden_organization_is_not_shown(client, records):
    person = Person.objects.get(name="Hidden Recogniser")
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert NOT_RECOGNISED in text
    assert "Unchecked Group" not in text


def test_a_withheld_persons_page_gives_no_source_that_could_name_them(client):
    person = PersonFactory(name="Secret Name", name_status=Person.NameStatus.WITHHELD)
    RecognitionFactory(
        person=person,
        organization=OrganizationFactory(name="Viasna"),
        source_url="https://example.org/secret-name",
        statement="Secret Name is a political prisoner.",
    )
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert "Recognised as a political prisoner by Viasna (date not reported)" in text
    assert "secret-name" not in response.content.decode()
    assert "Secret Name" not in text


def test_the_person_page_query_count_does_not_grow_with_recognitions(client, records):
    person = records["recognised prisoner"]
    url = person.get_absolute_url()
    with_one = count_queries(client, url)
    for _ in range(5):
        RecognitionFactory(person=person)

    assert count_queries(client, url) == with_one
    response = client.get(url)
    assert page_text(response).count("Recognised as a political prisoner by") == 6


# The demo: Mukhtar Ablyazov, and an editor who adds a recognition with its source.


def test_ablyazovs_page_says_no_organization_in_our_records_recognises_him(client, demo):
    response = client.get(reverse("people:detail", kwargs={"slug": "mukhtar-ablyazov"}))
    assert response.status_code == 200
    text = page_text(response)
    assert "Mukhtar Ablyazov" in text
    assert NOT_RECOGNISED in text
    assert "Recognised as" not in text


def test_the_demo_lists_nobody_as_recognised(client, demo):
    """The demo's sources name no recognition: the filter finds no one, and says so."""
    response = client.get(LIST_URL, {"recognised": "1"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "No people match these filters" in page_text(response)


def recognition_form(client, person, organization):
    url = admin_url(Person, "change", person.pk)
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response, "person_form")
    add_inline_row(
        response,
        data,
        "person_form",
        "recognitions",
        organization=str(organization.pk),
        kind=Recognition.Kind.POLITICAL_PRISONER,
        recognised_on="2023-03",
        source_url="https://example.org/ablyazov-statement",
        statement="We consider him a political prisoner.",
    )
    return url, data


def test_an_editor_adds_a_recognition_in_the_person_form_and_the_page_says_so(editor_client, demo):
    ablyazov = Person.objects.get(slug="mukhtar-ablyazov")
    viasna = OrganizationFactory(name="Viasna", kind=Organization.Kind.NGO)
    url, data = recognition_form(editor_client, ablyazov, viasna)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    client = Client()  # a reader, not signed in
    page = client.get(ablyazov.get_absolute_url())
    assert page.status_code == 200
    text = page_text(page)
    assert "Recognised as a political prisoner by Viasna (March 2023, source)" in text
    assert "We consider him a political prisoner." in text
    assert NOT_RECOGNISED not in text
    assert ("https://example.org/ablyazov-statement", "source") in links(page)
    listed = client.get(LIST_URL, {"recognised": "1"})
    assert [person.slug for person in listed.context["object_list"]] == ["mukhtar-ablyazov"]


def test_a_reporter_cannot_add_a_recognition_to_a_public_person(editor_client, reporter, demo):
    ablyazov = Person.objects.get(slug="mukhtar-ablyazov")
    viasna = OrganizationFactory(name="Viasna", kind=Organization.Kind.NGO)
    url, data = recognition_form(editor_client, ablyazov, viasna)
    reporter_client = Client()
    reporter_client.force_login(reporter)

    assert reporter_client.post(url, data).status_code == 403
    assert not Recognition.objects.exists()


def test_a_recognition_is_in_the_persons_revision(editor_client):
    """Saved with the person, the recognition is part of the same history version."""
    from reversion.models import Version

    person = PersonFactory(name="Aigul Example")
    url, data = recognition_form(editor_client, person, OrganizationFactory(name="Viasna"))
    assert editor_client.post(url, data).status_code == 302
    version = Version.objects.get_for_object(person).first()
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"person", "recognition"} <= models
