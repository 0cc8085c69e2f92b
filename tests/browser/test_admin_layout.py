"""The admin's change forms fit a 1,366 x 768 laptop screen: no sideways scrolling.

An editor signed in (the session of `Client.force_login`, handed to the browser as its cookie)
opens the demo's case, person, organization, defendant and story change forms, then the change
form of every other admin of the three apps. Each test saves a screenshot of the whole page and
prints its path, for a person to look at.
"""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client

from cases.models import Case, Defendant
from newsroom.models import Article
from people.models import Organization, Person
from tests.accounts import editorial_group
from tests.factories import CorrectionFactory
from tests.history_forms import admin_url

LAPTOP = {"width": 1366, "height": 768}
SCREENSHOTS = Path(tempfile.mkdtemp(prefix="admin-layout-"))

# The widest element of the page and how wide it is, to name the culprit when a page is too wide.
WIDEST_ELEMENT_JS = """() => {
    let widest = null;
    for (const element of document.querySelectorAll("body *")) {
        const right = element.getBoundingClientRect().right;
        if (!widest || right > widest.right) {
            const name = element.tagName.toLowerCase()
                + (element.id ? "#" + element.id : "")
                + (element.className && typeof element.className === "string"
                    ? "." + element.className.trim().split(/\\s+/).join(".") : "");
            widest = {right: Math.round(right), name};
        }
    }
    return widest;
}"""


# The forms of the issue first (the widest ones), then every other admin of the three apps.
NAMED_FORMS = [Case, Person, Organization, Defendant, Article]
OTHER_FORMS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"newsroom", "people", "cases"} and model not in NAMED_FORMS
    ),
    key=lambda model: model._meta.label,
)


def demo_record(model):
    """The demo's fullest record of `model` (a correction is made: the demo has none)."""
    named = {
        Case: lambda: Case.objects.get(slug="almaty-trial-of-thirteen-opposition-activists"),
        Person: lambda: Person.objects.get(slug="abai-begimbetov"),
        Organization: lambda: Organization.objects.get(slug="democratic-choice-of-kazakhstan"),
        Defendant: lambda: Defendant.objects.filter(sentence_parts__isnull=False).first(),
        Article: lambda: Article.objects.first(),
    }
    if model in named:
        return named[model]()
    return model.objects.first() or CorrectionFactory(article=Article.objects.first())


def editor_group():
    return editorial_group("Editor")


@pytest.fixture
def editor_page(chromium, site, django_user_model):
    """A 1366 x 768 page signed in as an editor."""
    editor = django_user_model.objects.create_user("layout-editor", is_staff=True)
    editor.groups.add(editor_group())
    client = Client()
    client.force_login(editor)
    context = chromium.new_context(viewport=LAPTOP)
    context.set_default_timeout(10_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site}])
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "model", NAMED_FORMS + OTHER_FORMS, ids=lambda model: model._meta.model_name
)
def test_the_change_form_fits_a_laptop_screen_without_scrolling_sideways(editor_page, site, model):
    record = demo_record(model)
    response = editor_page.goto(site + admin_url(model, "change", record.pk))
    assert response.status == 200
    assert editor_page.locator(f"#{model._meta.model_name}_form").is_visible()

    page_width = editor_page.evaluate("document.documentElement.scrollWidth")
    window_width = editor_page.evaluate("window.innerWidth")
    screenshot = SCREENSHOTS / f"{model._meta.model_name}-change-form-1366.png"
    editor_page.screenshot(path=screenshot, full_page=True)
    name = model._meta.model_name
    print(f"\n{name}: page {page_width}px in a {window_width}px window; {screenshot}")

    assert window_width == LAPTOP["width"]
    widest = editor_page.evaluate(WIDEST_ELEMENT_JS)
    assert page_width <= window_width, widest
    # Nor is anything cut off inside a box that scrolls sideways on its own.
    assert widest["right"] <= window_width, widest
