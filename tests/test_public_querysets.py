"""What readers may see, rule by rule: every public()/published() QuerySet method of the project
returns exactly its visible rows.

Each test builds one row that must be returned and, separately, one row per reason it must not
be (a draft story, a hidden person, a hidden organization, an unpublished case...), then asserts
the exact set returned, so that a method returning hidden rows (or dropping visible ones) fails.
The last test finds these methods on the models' QuerySets, so a new one cannot be forgotten.
"""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.db.models import QuerySet

from cases.models import Case, CaseEvent, Defendant
from newsroom.models import Article, Page
from people.models import Designation, Membership, Organization, Person, Recognition
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    PageFactory,
    PersonFactory,
    RecognitionFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)
Status = Article.Status
NameStatus = Person.NameStatus


def returned(queryset, rows):
    """The names (keys of `rows`) of the rows the queryset returns, among those built here."""
    names = {row.pk: name for name, row in rows.items()}
    return {names[pk] for pk in queryset.values_list("pk", flat=True) if pk in names}


@pytest.fixture
def people():
    return {
        "public named": PersonFactory(is_public=True),
        "public, name withheld": PersonFactory(is_public=True, name_status=NameStatus.WITHHELD),
        "public, name not reported": PersonFactory(
            is_public=True, name="", name_status=NameStatus.NOT_REPORTED
        ),
        "not public": PersonFactory(is_public=False),
        "not public, name withheld": PersonFactory(
            is_public=False, name_status=NameStatus.WITHHELD
        ),
    }


@pytest.fixture
def visible_and_hidden():
    """A public and a hidden person, a public and a hidden organization, a published and an
    unpublished case: the parents whose visibility decides that of the rows below them."""
    return {
        "person": PersonFactory(is_public=True),
        "hidden person": PersonFactory(is_public=False),
        "organization": OrganizationFactory(is_public=True),
        "hidden organization": OrganizationFactory(is_public=False),
        "case": CaseFactory(is_published=True),
        "unpublished case": CaseFactory(is_published=False),
    }


# Stories


def test_published_stories_are_those_published_with_a_publish_time_passed():
    with time_machine.travel(NOW, tick=False):
        stories = {
            "published an hour ago": ArticleFactory(
                status=Status.PUBLISHED, publish_at=NOW - datetime.timedelta(hours=1)
            ),
            "published this very second": ArticleFactory(status=Status.PUBLISHED, publish_at=NOW),
            "draft": ArticleFactory(status=Status.DRAFT, publish_at=None),
            "draft with a past publish time": ArticleFactory(
                status=Status.DRAFT, publish_at=NOW - datetime.timedelta(days=1)
            ),
            "in review": ArticleFactory(status=Status.REVIEW, publish_at=None),
            "in review with a past publish time": ArticleFactory(
                status=Status.REVIEW, publish_at=NOW - datetime.timedelta(days=1)
            ),
            "scheduled a second ahead": ArticleFactory(
                status=Status.PUBLISHED, publish_at=NOW + datetime.timedelta(seconds=1)
            ),
            "scheduled next year": ArticleFactory(
                status=Status.PUBLISHED, publish_at=NOW + datetime.timedelta(days=365)
            ),
            "published without a publish time": ArticleFactory(
                status=Status.PUBLISHED, publish_at=None
            ),
        }

        assert returned(Article.objects.published(), stories) == {
            "published an hour ago",
            "published this very second",
        }


def test_a_scheduled_story_is_published_once_its_time_has_come():
    story = ArticleFactory(status=Status.PUBLISHED, publish_at=NOW)

    with time_machine.travel(NOW - datetime.timedelta(microseconds=1), tick=False):
        assert returned(Article.objects.published(), {"story": story}) == set()
    with time_machine.travel(NOW, tick=False):
        assert returned(Article.objects.published(), {"story": story}) == {"story"}


# People and organizations


def test_public_people_are_those_marked_public_whatever_their_name_status(people):
    assert returned(Person.objects.public(), people) == {
        "public named",
        "public, name withheld",
        "public, name not reported",
    }


def test_searchable_people_are_public_and_named(people):
    assert returned(Person.objects.searchable(), people) == {"public named"}


def test_public_organizations_are_those_marked_public():
    organizations = {
        "public": OrganizationFactory(is_public=True),
        "not public": OrganizationFactory(is_public=False),
    }

    assert returned(Organization.objects.public(), organizations) == {"public"}


def test_public_memberships_join_a_public_person_and_a_public_organization(visible_and_hidden):
    parents = visible_and_hidden
    memberships = {
        "public person, public organization": MembershipFactory(
            person=parents["person"], organization=parents["organization"]
        ),
        "hidden person": MembershipFactory(
            person=parents["hidden person"], organization=parents["organization"]
        ),
        "hidden organization": MembershipFactory(
            person=parents["person"], organization=parents["hidden organization"]
        ),
        "both hidden": MembershipFactory(
            person=parents["hidden person"], organization=parents["hidden organization"]
        ),
    }

    assert returned(Membership.objects.public(), memberships) == {
        "public person, public organization"
    }
    # The same rule asked through joins (the detail pages' prefetches).
    assert returned(Membership.objects.public(joined=True), memberships) == {
        "public person, public organization"
    }


def test_public_designations_are_those_of_public_organizations(visible_and_hidden):
    parents = visible_and_hidden
    designations = {
        "of a public organization": DesignationFactory(organization=parents["organization"]),
        "of a hidden organization": DesignationFactory(organization=parents["hidden organization"]),
    }

    assert returned(Designation.objects.public(), designations) == {"of a public organization"}


def test_public_recognitions_are_by_a_public_organization_of_a_public_person(
    visible_and_hidden,
):
    parents = visible_and_hidden
    recognitions = {
        "public person, public organization": RecognitionFactory(
            person=parents["person"], organization=parents["organization"]
        ),
        "hidden person": RecognitionFactory(
            person=parents["hidden person"], organization=parents["organization"]
        ),
        "hidden organization": RecognitionFactory(
            person=parents["person"], organization=parents["hidden organization"]
        ),
    }

    assert returned(Recognition.objects.public(), recognitions) == {
        "public person, public organization"
    }
    assert returned(Recognition.objects.public(joined=True), recognitions) == {
        "public person, public organization"
    }


# Pages


def test_published_pages_are_those_an_editor_published():
    pages = {
        "published": PageFactory(is_published=True),
        "unpublished": PageFactory(is_published=False),
    }

    assert returned(Page.objects.published(), pages) == {"published"}


# Cases


def test_published_cases_are_those_marked_published(visible_and_hidden):
    cases = {name: visible_and_hidden[name] for name in ("case", "unpublished case")}

    assert returned(Case.objects.published(), cases) == {"case"}


@pytest.fixture
def defendants(visible_and_hidden):
    parents = visible_and_hidden
    return {
        "public person, published case": DefendantFactory(
            person=parents["person"], case=parents["case"]
        ),
        "public person, unpublished case": DefendantFactory(
            person=parents["person"], case=parents["unpublished case"]
        ),
        "hidden person, published case": DefendantFactory(
            person=parents["hidden person"], case=parents["case"]
        ),
        "hidden person, unpublished case": DefendantFactory(
            person=parents["hidden person"], case=parents["unpublished case"]
        ),
        "public withheld person, published case": DefendantFactory(
            person=PersonFactory(is_public=True, name_status=NameStatus.WITHHELD),
            case=parents["case"],
        ),
    }


@pytest.mark.parametrize("joined", [False, True])
def test_public_defendants_are_public_people_in_published_cases(defendants, joined):
    """The same rows whether asked through subqueries or through joins (the detail pages'
    prefetches)."""
    assert returned(Defendant.objects.public(joined=joined), defendants) == {
        "public person, published case",
        "public withheld person, published case",
    }


@pytest.mark.parametrize("joined", [False, True])
def test_defendants_public_once_the_case_is_published_are_the_public_people(defendants, joined):
    assert returned(Defendant.objects.public_once_case_published(joined=joined), defendants) == {
        "public person, published case",
        "public person, unpublished case",
        "public withheld person, published case",
    }


def test_the_public_defendants_lookup_of_cases_keeps_the_public_defendants_of_those_cases(
    defendants, visible_and_hidden
):
    """The facet counts join defendants straight to the listed cases with this lookup: it must
    keep what Defendant.objects.public() keeps, among the defendants of those cases."""
    every_case = Case.objects.all()
    only_the_unpublished = Case.objects.filter(pk=visible_and_hidden["unpublished case"].pk)

    assert returned(
        Defendant.objects.filter(**every_case.public_defendants_lookup()), defendants
    ) == returned(Defendant.objects.public(), defendants)
    assert (
        returned(
            Defendant.objects.filter(**only_the_unpublished.public_defendants_lookup()), defendants
        )
        == set()
    )


def test_the_published_keys_concerning_an_organization_are_those_of_concerning_any():
    """About the organization, or with a public defendant who is a public member of it; never
    an unpublished case, nor one reached only through a hidden person or organization."""
    organization = OrganizationFactory(is_public=True)
    hidden_organization = OrganizationFactory(is_public=False)
    member = PersonFactory(is_public=True)
    hidden_member = PersonFactory(is_public=False)
    MembershipFactory(person=member, organization=organization)
    MembershipFactory(person=hidden_member, organization=organization)
    outsider = PersonFactory(is_public=True)
    MembershipFactory(person=outsider, organization=hidden_organization)
    cases = {name: CaseFactory(is_published=True) for name in ("about it", "of a member")}
    cases["about it"].organizations.add(organization)
    DefendantFactory(person=member, case=cases["of a member"])
    # One case of each kind that must not be among them.
    hidden = {
        "unpublished, about it": CaseFactory(is_published=False),
        "unpublished, of a member": CaseFactory(is_published=False),
        "of a hidden member": CaseFactory(is_published=True),
        "of a member of another organization": CaseFactory(is_published=True),
    }
    hidden["unpublished, about it"].organizations.add(organization)
    DefendantFactory(person=member, case=hidden["unpublished, of a member"])
    DefendantFactory(person=hidden_member, case=hidden["of a hidden member"])
    DefendantFactory(person=outsider, case=hidden["of a member of another organization"])
    # Both routes to one case: listed once.
    cases["of a member"].organizations.add(organization)

    keys = Case.objects.published_keys_concerning(organization)
    assert keys == {case.pk for case in cases.values()}
    assert keys == set(
        Case.objects.published().concerning_any([organization]).values_list("pk", flat=True)
    )
    # A hidden organization's members are not public members: only the cases about it.
    cases["about it"].organizations.add(hidden_organization)
    assert Case.objects.published_keys_concerning(hidden_organization) == {cases["about it"].pk}
    assert set(
        Case.objects.published().concerning_any([hidden_organization]).values_list("pk", flat=True)
    ) == {cases["about it"].pk}


def test_the_published_cities_are_those_of_published_cases_each_once():
    """The cities a search compares with the query (CaseQuerySet.published_cities(), read off
    their index a city at a time): every city of a published case once, in order, and never
    one only an unpublished case is in."""
    for number, city in enumerate(["Shymkent", "Almaty", "Алматы", "Almaty", "", "Aktau"]):
        CaseFactory(title=f"Trial {number}", city=city, is_published=True)
    CaseFactory(title="A hidden trial", city="Taraz", is_published=False)
    CaseFactory(title="Another hidden trial", city="Aktau", is_published=False)

    assert Case.objects.published_cities() == ["Aktau", "Almaty", "Shymkent", "Алматы"]


def test_public_case_events_are_those_of_published_cases(visible_and_hidden):
    parents = visible_and_hidden
    events = {
        "of a published case": CaseEventFactory(case=parents["case"]),
        "of an unpublished case": CaseEventFactory(case=parents["unpublished case"]),
    }

    assert returned(CaseEvent.objects.public(), events) == {"of a published case"}


def test_the_public_methods_filter_a_queryset_already_narrowed(visible_and_hidden):
    """Called after another filter (as pages do), each still drops the hidden rows."""
    parents = visible_and_hidden
    hidden_designation = DesignationFactory(organization=parents["hidden organization"])
    hidden_event = CaseEventFactory(case=parents["unpublished case"])

    narrowed_designations = Designation.objects.filter(pk=hidden_designation.pk)
    narrowed_events = CaseEvent.objects.filter(pk=hidden_event.pk)

    assert narrowed_designations.exists() and narrowed_events.exists()
    assert not narrowed_designations.public().exists()
    assert not narrowed_events.public().exists()


# Coverage: every such method of the project is tested above.

TESTED_METHODS = {
    ("newsroom.Article", "published"),
    ("newsroom.Page", "published"),
    ("people.Recognition", "public"),
    ("people.Person", "public"),
    ("people.Person", "searchable"),
    ("people.Organization", "public"),
    ("people.Membership", "public"),
    ("people.Designation", "public"),
    ("cases.Case", "published"),
    ("cases.Case", "public_defendants_lookup"),
    ("cases.Case", "published_keys_concerning"),
    ("cases.Case", "published_cities"),
    ("cases.Defendant", "public"),
    ("cases.Defendant", "public_once_case_published"),
    ("cases.CaseEvent", "public"),
}


PROJECT_APPS = ("newsroom", "people", "cases")


def is_visibility_method(name):
    return name.startswith(("public", "published")) or name == "searchable"


def test_every_public_or_published_queryset_method_is_tested_here():
    found = set()
    for model in apps.get_models():
        queryset_class = type(model._default_manager.all())
        for klass in queryset_class.__mro__:
            if klass is QuerySet or not klass.__module__.startswith(PROJECT_APPS):
                continue
            found |= {
                (model._meta.label, name)
                for name, value in vars(klass).items()
                if callable(value) and is_visibility_method(name)
            }

    assert found == TESTED_METHODS
