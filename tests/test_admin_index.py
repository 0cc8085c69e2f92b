"""The admin index lists every model of newsroom, people and cases once, under a name of its own.

("Charges" and "Alternate names" each appeared twice: Charge and DefendantCharge, PersonName and
OrganizationName.)
"""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.history_forms import admin_url

pytestmark = pytest.mark.django_db

APPS = ["newsroom", "people", "cases"]


class _AppListParser(HTMLParser):
    """The model rows of the index's app list: [(row id "app-model", link href, name)]."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.row = None
        self.in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th" and attrs.get("scope") == "row":
            self.row = [attrs.get("id"), None, ""]
        elif tag == "a" and self.row is not None:
            self.row[1] = attrs.get("href")
            self.in_link = True

    def handle_data(self, data):
        if self.in_link:
            self.row[2] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_link = False
        elif tag == "th" and self.row is not None:
            row_id, href, name = self.row
            self.rows.append((row_id, href, " ".join(name.split())))
            self.row = None


def listed_models(response):
    parser = _AppListParser()
    parser.feed(response.content.decode())
    return parser.rows


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def test_the_admin_index_lists_each_model_once_under_its_own_name(editor_client):
    response = editor_client.get(admin_url_index())
    assert response.status_code == 200
    rows = listed_models(response)
    names = Counter(name.casefold() for _, _, name in rows)

    assert "Cases" in [name for _, _, name in rows]
    assert [name for name, count in names.items() if count > 1] == []
    assert sorted(row_id for row_id, _, _ in rows) == sorted(
        f"{model._meta.app_label}-{model._meta.model_name}" for model in registered_models()
    )


def test_every_listed_model_opens_for_an_editor(editor_client):
    rows = listed_models(editor_client.get(admin_url_index()))
    expected = {admin_url(model, "changelist") for model in registered_models()}
    assert {href for _, href, _ in rows} == expected
    for _, href, name in rows:
        assert editor_client.get(href).status_code == 200, name


def test_every_model_of_the_three_apps_is_listed_or_edited_in_a_listed_ones_form(rf, editor):
    """A model nobody can reach from the index cannot be edited: each one is listed, is an inline
    of a listed model's form, or is the link table of a many-to-many field in such a form (e.g.
    the stories of a person)."""
    request = rf.get("/admin/")
    request.user = editor
    listed = set(registered_models())
    reachable = set(listed)
    for model in listed:
        model_admin = admin.site._registry[model]
        reachable.update(inline_class.model for inline_class in model_admin.inlines)
        model_fields = {field.name: field for field in model._meta.get_fields()}
        for name in model_admin.get_fields(request):
            field = model_fields.get(name)  # None for a value the admin computes.
            if field is not None and field.many_to_many and not field.auto_created:
                reachable.add(field.remote_field.through)
    every_model = [
        model
        for app_label in APPS
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    ]
    assert len(every_model) > len(listed)
    # Written by the site alone, never by an editor: the page cache's version.
    internal = {"newsroom.ContentVersion"}
    unreachable = [model._meta.label for model in every_model if model not in reachable]
    assert [label for label in unreachable if label not in internal] == []


def admin_url_index():
    return reverse("admin:index")
