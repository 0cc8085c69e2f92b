import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Defendant, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    PersonFactory,
    PersonNameFactory,
    SentencePartFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"newsroom", "people", "cases"}
    ),
    key=lambda model: model._meta.label,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_changelist_and_add_page_renders_for_an_editor(editor_client, demo, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_change_page_renders_for_an_editor(editor_client, demo, model):
    obj = model.objects.first()
    if obj is None:  # Corrections are not part of the demo.
        obj = ArticleFactory().corrections.create(text="A fix.")
    assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "query", ["Қайрат Қылышев", "Kairat Kylyshev", "qairat", "Qairat Kylyshev"]
)
def test_admin_search_finds_a_person_by_any_spelling(editor_client, demo, query):
    response = editor_client.get(admin_url(Person, "changelist"), {"q": query})
    assert list(response.context["cl"].result_list) == [Person.objects.get(slug="qairat-qylyshev")]


def changelist_queries(client, model, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Person, Defendant.case.field.related_model, Defendant])
def test_changelist_queries_do_not_grow_with_the_number_of_rows(editor_client, model):
    def make(count):
        for _ in range(count):
            defendant = DefendantFactory()
            SentencePartFactory(defendant=defendant)
            PersonNameFactory(person=defendant.person)
            MembershipFactory(person=defendant.person)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(admin_url(model, "changelist")).status_code == 200
        return len(queries)

    make(5)
    with_five = count_queries()
    make(45)
    assert count_queries() == with_five


def test_case_change_form_queries_do_not_grow_with_the_number_of_defendants(
    editor_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = CaseFactory()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(admin_url(type(case), "change", case.pk)).status_code == 200
        return len(queries)

    for _ in range(3):
        DefendantFactory(case=case)
    # The first request of a process also reads what Django caches once (content types and
    # the like): run alone, this test counted those.
    count_queries()
    with_three = count_queries()
    for _ in range(27):
        DefendantFactory(case=case)
    assert count_queries() == with_three


def inline_management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def defendant_form_data(defendant, **part):
    data = {
        "case": defendant.case.pk,
        "person": defendant.person.pk,
        "position": "1",
        "verdict": "convicted",
        "plea": "unknown",
        "term_counted_from": "verdict",
        "release_date": "",
        "notes": "",
        "source": "",
        **inline_management("sentence_parts", total=0),
        **inline_management("defendantcharge_set", total=0),
    }
    if part:
        data.update(inline_management("sentence_parts"))
        data.update({f"sentence_parts-0-{key}": value for key, value in part.items()})
        data["sentence_parts-0-defendant"] = defendant.pk
    return data


def test_a_term_whose_minimum_is_above_its_maximum_gets_a_form_error(editor_client):
    defendant = DefendantFactory()
    data = defendant_form_data(defendant, kind="prison", term="3 to 1 years")
    response = editor_client.post(admin_url(Defendant, "change", defendant.pk), data)
    assert response.status_code == 200
    assert "The shortest term cannot be longer than the longest term." in response.text
    assert not SentencePart.objects.exists()


def test_a_valid_sentence_part_is_saved_through_the_defendant_form(editor_client):
    defendant = DefendantFactory()
    data = defendant_form_data(defendant, kind="prison", term="1 to 3 years")
    response = editor_client.post(admin_url(Defendant, "change", defendant.pk), data)
    assert response.status_code == 302
    assert SentencePart.objects.get().describe() == "1 to 3 years in prison"


def test_a_duplicate_defendant_gets_a_form_error_and_nothing_is_saved(editor_client):
    existing = DefendantFactory()
    data = defendant_form_data(existing)
    response = editor_client.post(admin_url(Defendant, "add"), data)
    assert response.status_code == 200
    assert "This person is already a defendant in this case." in response.text
    assert Defendant.objects.count() == 1


def test_a_duplicate_defendant_in_the_case_inline_gets_a_form_error(editor_client):
    case = CaseFactory()
    person = PersonFactory()
    data = {
        "title": case.title,
        "slug": case.slug,
        "status": case.status,
        "country": "KZ",
        "hearing_format": "unknown",
        **inline_management("defendants", total=2),
        **inline_management("events", total=0),
    }
    for index in range(2):
        data.update(
            {
                f"defendants-{index}-person": person.pk,
                f"defendants-{index}-position": str(index),
                f"defendants-{index}-verdict": "pending",
                f"defendants-{index}-plea": "unknown",
                f"defendants-{index}-term_counted_from": "verdict",
            }
        )
    response = editor_client.post(admin_url(type(case), "change", case.pk), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.text
    assert not Defendant.objects.exists()


def test_a_partial_date_that_does_not_exist_gets_a_form_error(editor_client):
    designation = DesignationFactory(designated_on=PartialDate(2018, 3))
    organization = designation.organization
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "kind": organization.kind,
        "country": "KZ",
        **inline_management("alternate_names", total=0),
        **inline_management("memberships", total=0),
        **inline_management("designations", total=1, initial=1),
        "designations-0-id": designation.pk,
        "designations-0-organization": organization.pk,
        "designations-0-label": "extremist",
        "designations-0-authority": "A court",
        "designations-0-designated_on": "2018-02-30",
    }
    response = editor_client.post(admin_url(type(organization), "change", organization.pk), data)
    assert response.status_code == 200
    assert "February 2018 has no day 30." in response.text
    designation.refresh_from_db()
    assert designation.designated_on == PartialDate(2018, 3)


def test_a_withheld_person_gets_a_neutral_slug_even_if_an_editor_typed_the_name(editor_client):
    data = {
        "name_status": "withheld",
        "name": "Secret Name",
        "slug": "secret-name",
        "country": "",
        **inline_management("alternate_names", total=0),
        **inline_management("memberships", total=0),
        **inline_management("recognitions", total=0),
        **inline_management("redirects", total=0),
        **inline_management("merged_people", total=0),
    }
    response = editor_client.post(admin_url(Person, "add"), data)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.slug.startswith("person-") and "secret" not in person.slug
