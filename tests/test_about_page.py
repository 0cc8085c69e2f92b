"""The /about/ page: the site's inclusion criteria and sources, as editors keep them in the admin
(newsroom.Page), linked from every page's footer; a 404 for readers while unpublished."""

import pytest
from django.test import Client
from django.urls import reverse

from newsroom.models import Page
from tests.factories import PageFactory
from tests.history_forms import admin_url, form_data
from tests.page_helpers import count_queries, links, page_text

pytestmark = pytest.mark.django_db

ABOUT_URL = reverse("newsroom:about")


def test_the_about_url_is_slash_about():
    assert ABOUT_URL == "/about/"


def test_the_demo_about_page_says_whom_the_site_lists_and_on_whose_word(client, demo):
    response = client.get(ABOUT_URL)

    assert response.status_code == 200
    text = page_text(response)
    assert "About us: whom we list, and on whose word" in text
    assert "people prosecuted for their views" in text
    assert "named human-rights organization" in text
    assert "does not mean that we consider someone a political prisoner" in text
    assert "<h2>Sources</h2>" in response.content.decode()  # Markdown rendered


def test_every_page_links_to_about_from_its_footer(client, demo):
    for url in ["/", reverse("people:list"), reverse("cases:list")]:
        response = client.get(url)
        assert response.status_code == 200
        assert (ABOUT_URL, "About us: whom we list, and on whose word") in links(response)


def test_an_editor_changes_the_text_in_the_admin_and_readers_see_it(editor_client, demo):
    page = Page.objects.get(slug="about")
    url = admin_url(Page, "change", page.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    data = form_data(response, "page_form")
    assert data["is_published"] == "on"
    data["body"] = "## Criteria\n\nWe list people recognised by Viasna or Memorial."

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    public = Client().get(ABOUT_URL)  # a reader, not signed in
    assert public.status_code == 200
    assert "We list people recognised by Viasna or Memorial." in page_text(public)
    assert "<h2>Criteria</h2>" in public.content.decode()
    assert "Whom we list" not in page_text(public)


def test_an_unpublished_page_is_a_404_for_readers_and_a_preview_for_editors(editor_client):
    PageFactory(slug="about", title="About us", is_published=False)

    assert Client().get(ABOUT_URL).status_code == 404
    preview = editor_client.get(ABOUT_URL)
    assert preview.status_code == 200
    assert preview.context["preview"] is True
    assert "About us" in page_text(preview)


def test_a_published_page_is_public_and_an_unpublished_one_is_not(client):
    PageFactory(slug="about", title="About us", body="Who we are.", is_published=True)
    hidden = PageFactory(slug="draft-page", is_published=False)

    response = client.get(ABOUT_URL)
    assert response.status_code == 200
    assert "Who we are." in page_text(response)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_no_about_page_yet_is_a_404_not_a_500(client):
    assert client.get(ABOUT_URL).status_code == 404


def test_a_reporter_drafts_a_page_but_cannot_publish_it(reporter):
    reporter_client = Client()
    reporter_client.force_login(reporter)
    url = admin_url(Page, "add")
    response = reporter_client.get(url)
    assert response.status_code == 200
    data = form_data(response, "page_form")
    data.update(title="About us", slug="about", body="Draft criteria.", is_published="on")

    response = reporter_client.post(url, data)

    assert response.status_code == 302
    page = Page.objects.get(slug="about")
    assert page.body == "Draft criteria."
    assert page.is_published is False
    assert Client().get(ABOUT_URL).status_code == 404


def test_a_reporter_cannot_change_the_published_page(editor_client, reporter, demo):
    page = Page.objects.get(slug="about")
    url = admin_url(Page, "change", page.pk)
    data = {**form_data(editor_client.get(url), "page_form"), "body": "Planted."}
    reporter_client = Client()
    reporter_client.force_login(reporter)

    assert reporter_client.post(url, data).status_code == 403
    page.refresh_from_db()
    assert page.body != "Planted."


def test_a_script_in_the_text_is_not_run(client):
    PageFactory(slug="about", body="Criteria.\n\n<script>alert(1)</script>")
    response = client.get(ABOUT_URL)
    assert response.status_code == 200
    assert "Criteria." in page_text(response)
    assert "<script>alert" not in response.content.decode()


def test_the_about_page_runs_few_queries(client, demo):
    assert count_queries(client, ABOUT_URL) <= 3


def test_the_editorial_groups_hold_the_page_and_recognition_permissions(editor, reporter):
    """Editors publish and delete pages and recognitions; reporters add and change them only."""
    for user in (editor, reporter):
        user.refresh_from_db()  # no cached permissions
    for codename in ["add_page", "change_page", "publish_page", "delete_page"]:
        assert editor.has_perm(f"newsroom.{codename}"), codename
    for codename in ["add_recognition", "change_recognition", "delete_recognition"]:
        assert editor.has_perm(f"people.{codename}"), codename
    assert reporter.has_perm("newsroom.change_page")
    assert reporter.has_perm("people.add_recognition")
    assert reporter.has_perm("people.change_recognition")
    assert not reporter.has_perm("newsroom.publish_page")
    assert not reporter.has_perm("newsroom.delete_page")
    assert not reporter.has_perm("people.delete_recognition")
