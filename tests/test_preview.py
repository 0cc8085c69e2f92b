"""Staff preview of unpublished stories and records at their real URL; a 404 for anyone else."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Article
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

BANNER = "Preview: not public"
NOINDEX = '<meta name="robots" content="noindex">'

HIDDEN = {
    "draft story": lambda: ArticleFactory(status=Article.Status.DRAFT, publish_at=None),
    "story in review": lambda: ArticleFactory(status=Article.Status.REVIEW, publish_at=None),
    "scheduled story": lambda: ArticleFactory(
        publish_at=timezone.now() + datetime.timedelta(days=1)
    ),
    "not-public person": lambda: PersonFactory(is_public=False),
    "not-public organization": lambda: OrganizationFactory(is_public=False),
    "unpublished case": lambda: CaseFactory(is_published=False),
}
PUBLIC = {
    "story": ArticleFactory,
    "person": PersonFactory,
    "organization": OrganizationFactory,
    "case": CaseFactory,
}


@pytest.fixture(params=HIDDEN.values(), ids=HIDDEN.keys())
def hidden(request):
    return request.param()


@pytest.fixture(params=PUBLIC.values(), ids=PUBLIC.keys())
def public(request):
    return request.param()


@pytest.fixture
def preview(editor_client, hidden):
    return editor_client.get(hidden.get_absolute_url())


def test_staff_see_an_unpublished_page_at_its_real_url(preview):
    assert preview.status_code == 200


def test_the_preview_shows_a_banner(preview):
    assert BANNER in preview.text


def test_the_preview_tells_search_engines_not_to_index_it(preview):
    assert NOINDEX in preview.text
    assert preview["X-Robots-Tag"] == "noindex"


def test_the_preview_is_never_cached(preview):
    cache_control = preview["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in cache_control


def test_anonymous_readers_get_a_404_for_an_unpublished_page(client, hidden):
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_signed_in_user_who_is_not_staff_gets_a_404(client, django_user_model, hidden):
    user = django_user_model.objects.create_user("reader", password="not-used")
    # Even with the view permission: preview is for staff.
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_staff_without_the_view_permission_get_a_404(client, django_user_model, hidden):
    user = django_user_model.objects.create_user("intern", password="not-used", is_staff=True)
    client.force_login(user)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_reporter_may_preview_too(client, reporter, hidden):
    client.force_login(reporter)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in response.text


def test_a_public_page_seen_by_staff_is_an_ordinary_page(editor_client, public):
    response = editor_client.get(public.get_absolute_url())
    assert response.status_code == 200
    assert f"<h1>{public}</h1>" in response.text
    assert BANNER not in response.text
    assert NOINDEX not in response.text
    assert "X-Robots-Tag" not in response
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_unknown_slug_is_a_404_for_staff_too(editor_client):
    url = reverse("newsroom:article_detail", kwargs={"slug": "no-such-story"})
    assert editor_client.get(url).status_code == 404


def test_the_preview_of_an_unpublished_case_lists_its_public_defendants(editor_client):
    case = CaseFactory(is_published=False)
    DefendantFactory(case=case, person=PersonFactory(name="Visible Defendant"))
    DefendantFactory(case=case, person=PersonFactory(name="Private Defendant", is_public=False))
    response = editor_client.get(case.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert BANNER in text
    assert "Visible Defendant" in text
    assert "Private Defendant" not in text
