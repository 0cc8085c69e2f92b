"""The public site never betrays a hidden record: a withheld or hidden person's photo leaves the
public media folder, a hidden person never pushes a public namesake to "name-2", and the case,
person and organization pages say nothing about parts that are not public."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, re_path
from django.views.static import serve
from PIL import Image
from reversion.models import Version

from cases.models import Case
from newsroom.images import rendition_name, rendition_widths
from newsroom.models import Article
from newsroom.slugs import is_neutral_slug
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.history_forms import admin_url, form_data

pytestmark = pytest.mark.django_db


def serve_media(request, path):
    """What `static(MEDIA_URL, document_root=MEDIA_ROOT)` serves in development, reading the
    MEDIA_ROOT of the running test."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# This module is also the URLconf of its tests: development media serving from the test's
# MEDIA_ROOT (first: the site's own static() pattern, if DEBUG added it, reads the real one),
# then the site.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("", include("newsroom.urls")),
]


@pytest.fixture
def reader():
    """An anonymous reader (`editor_client` is the `client` fixture, signed in)."""
    return Client()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = __name__
    return settings.MEDIA_ROOT


def photo_upload(size=(900, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(buffer, "JPEG")
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


def open_form(client, obj):
    page = client.get(admin_url(type(obj), "change", obj.pk))
    assert page.status_code == 200
    return form_data(page, f"{obj._meta.model_name}_form")


def post_form(client, obj, data):
    response = client.post(admin_url(type(obj), "change", obj.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    obj.refresh_from_db()
    return response


def files_under(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def photo_urls(person):
    name = person.photo.name
    with Image.open(person.photo.path) as image:
        widths = rendition_widths(image.width)
    return [person.photo.url] + [f"/media/{rendition_name(name, width)}" for width in widths]


@pytest.fixture
def person_with_published_photo(editor_client, reader):
    """A public, named person whose photo an editor uploaded through the admin, and whose page
    has published the photo's address."""
    person = PersonFactory(name="Galym Photographed", summary="An activist.")
    post_form(editor_client, person, {**open_form(editor_client, person), "photo": photo_upload()})
    assert person.photo
    page = reader.get(person.get_absolute_url())
    assert page.status_code == 200
    assert f'property="og:image" content="http://testserver{person.photo.url}"' in page.text
    urls = photo_urls(person)
    for url in urls:
        assert reader.get(url).status_code == 200
    return person, urls


# The photo of a withheld or hidden person


def test_withholding_the_name_deletes_the_published_photo_and_its_renditions(
    editor_client, reader, media_root, person_with_published_photo
):
    person, urls = person_with_published_photo
    data = open_form(editor_client, person)
    data["name_status"] = Person.NameStatus.WITHHELD

    post_form(editor_client, person, data)

    assert not person.photo
    for url in urls:
        assert reader.get(url).status_code == 404
    assert not [name for name in files_under(media_root) if name.startswith("people/")]
    page = reader.get(person.get_absolute_url())
    assert page.status_code == 200
    assert "Name withheld" in page.text
    assert "Galym" not in page.text


def test_making_the_person_not_public_deletes_the_published_photo(
    editor_client, reader, media_root, person_with_published_photo
):
    person, urls = person_with_published_photo
    data = open_form(editor_client, person)
    del data["is_public"]  # the unticked box

    post_form(editor_client, person, data)

    assert not person.photo
    for url in urls:
        assert reader.get(url).status_code == 404
    assert not [name for name in files_under(media_root) if name.startswith("people/")]
    assert reader.get(person.get_absolute_url()).status_code == 404


def test_the_unpublish_action_deletes_the_published_photo(
    editor_client, reader, media_root, person_with_published_photo
):
    person, urls = person_with_published_photo
    response = editor_client.post(
        admin_url(Person, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_public
    assert not person.photo
    for url in urls:
        assert reader.get(url).status_code == 404


def test_editing_a_public_person_keeps_the_photo(
    editor_client, reader, person_with_published_photo
):
    person, urls = person_with_published_photo
    data = open_form(editor_client, person)
    data["summary"] = "An activist and a blogger."

    post_form(editor_client, person, data)

    assert person.photo
    for url in urls:
        assert reader.get(url).status_code == 200


def test_the_photo_of_a_person_not_yet_public_is_kept_when_they_are_published(
    editor_client, reader, media_root
):
    """Records are prepared hidden: a photo that was never published is not deleted."""
    person = PersonFactory(name="Dana Prepared", is_public=False)
    post_form(editor_client, person, {**open_form(editor_client, person), "photo": photo_upload()})
    stored = files_under(media_root)
    assert stored

    data = open_form(editor_client, person)
    data["summary"] = "Checked."
    post_form(editor_client, person, data)
    assert files_under(media_root) == stored

    post_form(editor_client, person, {**open_form(editor_client, person), "is_public": "on"})
    assert person.photo
    page = reader.get(person.get_absolute_url())
    assert page.status_code == 200
    assert person.photo.url in page.text
    assert reader.get(person.photo.url).status_code == 200


# Slugs


def add_person(client, **fields):
    page = client.get(admin_url(Person, "add"))
    assert page.status_code == 200
    data = form_data(page, "person_form")
    data.update(country="KZ", **fields)
    response = client.post(admin_url(Person, "add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return Person.objects.latest("pk")


def test_a_hidden_person_does_not_push_a_public_namesake_to_a_numbered_address(
    editor_client, reader
):
    hidden = add_person(editor_client, name="Ivan Petrov")
    assert not hidden.is_public
    assert "petrov" not in hidden.slug

    public = add_person(editor_client, name="Ivan Petrov", is_public="on")

    assert public.slug == "ivan-petrov"
    page = reader.get("/people/ivan-petrov/")
    assert page.status_code == 200
    assert "Ivan Petrov" in page.text
    assert reader.get(hidden.get_absolute_url()).status_code == 404


def test_a_hidden_person_gets_the_name_address_when_published_and_keeps_it(editor_client, reader):
    person = add_person(editor_client, name="Aliya Nurova")
    post_form(editor_client, person, {**open_form(editor_client, person), "is_public": "on"})
    assert person.slug == "aliya-nurova"

    data = open_form(editor_client, person)
    data["name"] = "Aliya Nurova-Sadykova"
    post_form(editor_client, person, data)

    assert person.slug == "aliya-nurova"
    page = reader.get("/people/aliya-nurova/")
    assert page.status_code == 200
    assert "Aliya Nurova-Sadykova" in page.text


def test_a_person_made_hidden_frees_the_name_address(editor_client, reader):
    first = add_person(editor_client, name="Marat Ospanov", is_public="on")
    assert first.slug == "marat-ospanov"
    data = open_form(editor_client, first)
    del data["is_public"]
    post_form(editor_client, first, data)
    assert "ospanov" not in first.slug
    assert reader.get("/people/marat-ospanov/").status_code == 404

    namesake = add_person(editor_client, name="Marat Ospanov", is_public="on")

    assert namesake.slug == "marat-ospanov"
    page = reader.get("/people/marat-ospanov/")
    assert page.status_code == 200
    assert "Marat Ospanov" in page.text


def test_two_public_namesakes_are_told_apart_by_number(editor_client):
    add_person(editor_client, name="Asel Bekova", is_public="on")
    second = add_person(editor_client, name="Asel Bekova", is_public="on")
    assert second.slug == "asel-bekova-2"


def test_a_withheld_name_still_gets_a_neutral_address(editor_client):
    person = add_person(
        editor_client,
        name="Secret Name",
        name_status=Person.NameStatus.WITHHELD,
        is_public="on",
    )
    assert re.fullmatch(r"person-[0-9a-f]{10}", person.slug)


# Pages say nothing about hidden parts

HIDDEN_COURT = "Closed District Court"
HIDDEN_PERSON = "Yerlan Hiddenperson"
HIDDEN_ORGANIZATION = "Unpublished Movement"
DRAFT_STORY = "Draft about the hidden trial"
NOT_PUBLIC_HINTS = ["not yet public", "not public", "court record"]


@pytest.fixture
def case_with_hidden_parts():
    court = OrganizationFactory(name=HIDDEN_COURT, is_public=False)
    case = CaseFactory(title="Trial of the bloggers", court=court)
    DefendantFactory(case=case, person=PersonFactory(name="Public Defendant"))
    DefendantFactory(case=case, person=PersonFactory(name=HIDDEN_PERSON, is_public=False))
    hidden_organization = OrganizationFactory(name=HIDDEN_ORGANIZATION, is_public=False)
    case.organizations.add(hidden_organization)
    CaseEventFactory(case=case, organization=court, description="The hearing was closed.")
    story = ArticleFactory(headline=DRAFT_STORY, status=Article.Status.DRAFT, publish_at=None)
    story.cases.add(case)
    return case


def assert_says_nothing_hidden(text):
    for secret in [HIDDEN_COURT, HIDDEN_PERSON, HIDDEN_ORGANIZATION, DRAFT_STORY]:
        assert secret not in text
    for hint in NOT_PUBLIC_HINTS:
        assert hint not in text


def test_a_case_page_shows_a_hidden_court_as_an_unnamed_one(client, case_with_hidden_parts):
    response = client.get(case_with_hidden_parts.get_absolute_url())
    assert response.status_code == 200
    assert "Trial of the bloggers" in response.text
    assert "court not named in reports" in response.text
    assert "Public Defendant" in response.text
    assert "The hearing was closed." in response.text
    assert_says_nothing_hidden(response.text)


def test_a_person_page_shows_the_hidden_court_of_their_case_as_an_unnamed_one(
    client, case_with_hidden_parts
):
    person = Person.objects.get(name="Public Defendant")
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert "Trial of the bloggers" in response.text
    assert "court not named in reports" in response.text
    assert "1 co-defendant" not in response.text  # the hidden one is not counted
    assert_says_nothing_hidden(response.text)


def test_an_organization_page_says_nothing_about_hidden_members_and_cases(client):
    organization = OrganizationFactory(name="Public Movement")
    MembershipFactory(organization=organization, person=PersonFactory(name="Public Member"))
    MembershipFactory(
        organization=organization, person=PersonFactory(name=HIDDEN_PERSON, is_public=False)
    )
    hidden_case = CaseFactory(title="Unpublished trial", is_published=False)
    hidden_case.organizations.add(organization)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert "Public Member" in response.text
    assert "Unpublished trial" not in response.text
    assert "No case recorded." in response.text
    assert_says_nothing_hidden(response.text)


def test_a_hidden_case_does_not_push_a_published_namesake_to_a_numbered_address(
    editor_client, reader
):
    hidden = CaseFactory(title="Viasna case", slug="viasna-case", is_published=False)
    page = editor_client.get(admin_url(Case, "add"))
    data = form_data(page, "case_form")
    data.update(title="Viasna case", slug="", status="sentenced", country="BY", is_published="on")

    assert editor_client.post(admin_url(Case, "add"), data).status_code == 302

    published = Case.objects.get(title="Viasna case", is_published=True)
    hidden.refresh_from_db()
    assert published.slug == "viasna-case"
    assert is_neutral_slug(hidden.slug, "case")
    page = reader.get("/cases/viasna-case/")
    assert page.status_code == 200
    assert "Viasna case" in page.text


@pytest.mark.parametrize(
    ("factory", "hidden_fields", "public_fields", "url"),
    [
        (
            OrganizationFactory,
            {"name": "Viasna", "slug": "viasna", "is_public": False},
            {"name": "Viasna", "slug": "", "is_public": True},
            "/organizations/viasna/",
        ),
        (
            ArticleFactory,
            {"headline": "Verdict", "slug": "verdict", "status": "draft"},
            {"headline": "Verdict", "slug": ""},
            "/stories/verdict/",
        ),
    ],
)
def test_a_hidden_record_never_pushes_a_public_one_created_in_code_to_a_numbered_address(
    reader, factory, hidden_fields, public_fields, url
):
    """As an importer creates records: the address comes from the name, in save()."""
    hidden = factory(**hidden_fields)
    public = factory(**public_fields)

    hidden.refresh_from_db()
    assert public.slug == url.strip("/").split("/")[-1]
    assert is_neutral_slug(hidden.slug, hidden._meta.model_name)
    response = reader.get(url)
    assert response.status_code == 200
    assert hidden_fields.get("name", hidden_fields.get("headline")) in response.text


def test_restoring_a_withheld_version_deletes_the_photo_published_since(
    editor_client, reader, media_root
):
    """History restores write rows directly; the photo published while the person was named
    must still go, and the address made from the name with it."""
    person = PersonFactory(name="Galym Photographed", name_status=Person.NameStatus.WITHHELD)
    post_form(editor_client, person, open_form(editor_client, person))
    withheld_version = Version.objects.get_for_object(person).first()
    data = open_form(editor_client, person)
    data.update(name_status=Person.NameStatus.NAMED, photo=photo_upload())
    post_form(editor_client, person, data)
    named_url, urls = person.get_absolute_url(), photo_urls(person)
    assert reader.get(named_url).status_code == 200
    assert all(reader.get(url).status_code == 200 for url in urls)

    restore_url = admin_url(Person, "revision", person.pk, withheld_version.pk)
    restore_form = form_data(editor_client.get(restore_url), "person_form")
    assert editor_client.post(restore_url, restore_form).status_code == 302

    person.refresh_from_db()
    assert person.name_status == Person.NameStatus.WITHHELD
    for url in [named_url, *urls]:
        assert reader.get(url).status_code == 404
    assert not [name for name in files_under(media_root) if name.startswith("people/")]
    page = reader.get(person.get_absolute_url())
    assert page.status_code == 200
    assert "Name withheld" in page.text
    assert "Galym" not in page.text
