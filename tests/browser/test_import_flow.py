"""An editor imports a spreadsheet in Chromium as by hand: signs in, follows "Import records"
from the admin index, uploads a CSV, corrects the guessed mapping, reads the preview, ticks
"create anyway" for a possible duplicate, imports, and reads the result. The preview passes
axe's WCAG checks. Screenshots go to NEWSROOM_SCREENSHOT_DIR when it is set."""

import os

import pytest
from playwright.sync_api import expect

from people.models import Person
from tests.browser.pages import watched_page
from tests.browser.test_accessibility import describe
from tests.browser.test_admin_layout import LAPTOP, editor_group
from tests.factories import OrganizationFactory, PersonFactory
from tests.test_import_files import records, write_csv

PASSWORD = "a long and unguessable passphrase"
# The page's own content: Django's admin breadcrumbs (white links in pale text) fail axe's
# link-in-text-block on every admin page, which is Django's style, not this page's.
RUN_AXE_ON_CONTENT = (
    """only => axe.run("#content-main", {runOnly: only, resultTypes: ["violations"]})"""
)


@pytest.fixture
def import_page(chromium, site, django_user_model, tmp_path, settings):
    settings.NEWSROOM_IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    editor = django_user_model.objects.create_user("desk-editor", password=PASSWORD, is_staff=True)
    editor.groups.add(editor_group())
    context = chromium.new_context(viewport=LAPTOP, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield watched_page(context, site)
    context.close()


def shot(page, name):
    folder = os.environ.get("NEWSROOM_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"import-{name}.png"), full_page=True)


def test_an_editor_imports_a_csv_through_the_admin_pages(import_page, site, tmp_path, axe_source):
    page = import_page
    OrganizationFactory(name="Democratic Choice of Kazakhstan")
    PersonFactory(name="Dana Zhaksybek")  # a namesake: the row is a possible duplicate
    path = write_csv(tmp_path / "prisoners.csv", records()[:4])
    people_before = Person.objects.count()

    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.click("#import-records-link a")
    page.set_input_files("#id_file", str(path))
    page.click("input[type=submit]")
    expect(page.locator("#id_column_name")).to_have_value("Name")
    page.select_option("#id_column_birth_date", "Born")
    page.select_option("#id_column_verdict_date", "Verdict")
    shot(page, "1-mapping")
    page.click("input[type=submit]")
    expect(page.locator("#import-summary")).to_contain_text(
        "4 rows: 2 to create, 0 to update, 0 to skip, 2 possible duplicates, 0 errors"
    )
    # Dana Zhaksybek above, and Abai Begimbetov of the demo story.
    expect(page.locator("tr.import-duplicate").nth(1)).to_contain_text("possible duplicate of Dana")
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(RUN_AXE_ON_CONTENT, ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"])[
        "violations"
    ]
    shot(page, "2-preview")
    for checkbox in page.locator("tr.import-duplicate input[type=checkbox]").all():
        checkbox.check()
    page.click("#import-plan ~ .submit-row input[type=submit]")
    expect(page.locator("#import-outcome")).to_contain_text("4 created, 0 updated, 0 skipped")
    shot(page, "3-result")
    assert Person.objects.count() == people_before + 4
    assert describe(violations) == ""
    assert page.log.page_errors == [] and page.log.outside_requests() == []
