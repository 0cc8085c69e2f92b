"""Records' addresses from their slugs (newsroom/record_urls.py): the text reverse() gives,
worked out once per URL pattern, under whatever script prefix the site is served."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from newsroom.record_urls import slug_url
from tests.factories import (
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

RECORD_VIEWS = [
    "people:detail",
    "organizations:detail",
    "cases:detail",
    "newsroom:article_detail",
    "newsroom:page",
]


@pytest.fixture
def script_prefix():
    """Set a script prefix for the test, and put the usual one back after it."""
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("viewname", RECORD_VIEWS)
@pytest.mark.parametrize("slug", ["aidos-sadykov", "trial-2024_2", "x", "A-1"])
def test_the_address_is_the_one_reverse_gives(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})
    # A second time, from what the first worked out.
    assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_each_script_prefix_and_language_has_its_own_address(script_prefix):
    assert slug_url("people:detail", "aidos-sadykov") == "/people/aidos-sadykov/"
    script_prefix("/newsroom/")
    assert slug_url("people:detail", "aidos-sadykov") == "/newsroom/people/aidos-sadykov/"
    with translation.override("ru"):
        assert slug_url("people:detail", "aidos-sadykov") == reverse(
            "people:detail", kwargs={"slug": "aidos-sadykov"}
        )
    script_prefix("/")
    assert slug_url("people:detail", "aidos-sadykov") == "/people/aidos-sadykov/"


@pytest.mark.parametrize("slug", ["", "a/b", "a b", "айдос", "a?b=1"])
def test_a_slug_the_address_cannot_hold_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        reverse("people:detail", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        slug_url("people:detail", slug)


def test_pages_served_under_a_script_prefix_link_records_under_it(client, script_prefix):
    person = PersonFactory(name="Aidos Sadykov")
    organization = OrganizationFactory(name="Koshe Party")
    MembershipFactory(person=person, organization=organization)
    case = CaseFactory(title="Almaty trial")
    DefendantFactory(person=person, case=case)

    # As the WSGI handler sets it from SCRIPT_NAME (the test client does not).
    script_prefix("/newsroom/")
    response = client.get("/people/")
    assert response.status_code == 200
    assert 'href="/newsroom/people/aidos-sadykov/"' in response.text
    assert 'href="/newsroom/organizations/koshe-party/"' in response.text
    assert f'href="/newsroom/cases/{case.slug}/"' in response.text

    script_prefix("/")
    response = client.get("/people/")
    assert response.status_code == 200
    assert 'href="/people/aidos-sadykov/"' in response.text
    assert f'href="/cases/{case.slug}/"' in response.text
    assert "/newsroom/people/" not in response.text
