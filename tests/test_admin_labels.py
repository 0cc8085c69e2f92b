"""Every related row in the admin has a label an editor can read.

The links between a story and its people, organizations and cases are Django's auto-created
through models, which printed as "Person_stories object (15)" above each row of the story form.
"""

import pytest
from django.contrib import admin
from django.utils.html import escape

from newsroom.models import Article
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
)
from tests.history_forms import admin_url

pytestmark = pytest.mark.django_db

APPS = {"newsroom", "people", "cases"}


def test_the_story_form_labels_linked_rows_by_the_person_organization_and_case(editor_client):
    story = ArticleFactory(headline="Court sentences activists")
    PersonFactory(name="Abai Begimbetov").stories.add(story)
    OrganizationFactory(name="Koshe party").stories.add(story)
    CaseFactory(title="Almaty trial").stories.add(story)

    response = editor_client.get(admin_url(Article, "change", story.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "_stories object" not in page
    inlines = {
        inline.formset.prefix: [str(form.instance) for form in inline.formset.initial_forms]
        for inline in response.context["inline_admin_formsets"]
    }
    assert inlines["Person_stories"] == ["Abai Begimbetov"]
    assert inlines["Organization_stories"] == ["Koshe party"]
    assert inlines["Case_stories"] == ["Almaty trial"]
    assert page.count("Abai Begimbetov") >= 2  # The row's label and its chosen person.


def test_the_demo_story_form_has_no_unreadable_row_label(editor_client, demo):
    story = Article.objects.get()
    response = editor_client.get(admin_url(Article, "change", story.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Abai Begimbetov" in page
    assert " object (" not in page


REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label,
)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_no_demo_change_form_labels_a_row_with_a_class_name_and_number(editor_client, demo, model):
    """Django's fallback label, "<Model> object (<pk>)", appears nowhere."""
    obj = model.objects.first() or CorrectionFactory(article=Article.objects.first())
    response = editor_client.get(admin_url(model, "change", obj.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert str(obj) in page or escape(str(obj)) in page
    assert " object (" not in page
