"""An editor enters a whole trial on one case page, in Chromium, as they would by hand: signs in
through the sign-in page, fills the case form (sentences and charges typed as text), creates the
court in the "+" pop-up, publishes, and the public pages show it.

Every field filled (a text box typed in or a list chosen from) and every click is counted by the
helpers below; issue 7 asks for the six-defendant trial in at most 40 fields and 60 clicks.
"""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Organization, Person
from tests.browser.pages import watched_page
from tests.browser.test_admin_layout import LAPTOP, editor_group

PASSWORD = "a long and unguessable passphrase"
MAX_FIELDS, MAX_CLICKS = 40, 60


class CountingPage:
    """The page, with every field filled and every click counted."""

    def __init__(self, page):
        self.page = page
        self.fields = 0
        self.clicks = 0

    def fill(self, selector, value):
        self.page.fill(selector, value)
        self.fields += 1

    def select(self, selector, value):
        self.page.select_option(selector, value)
        self.fields += 1

    def click(self, selector):
        self.page.click(selector)
        self.clicks += 1

    def add(self, other):
        """Count what was done in another window (a pop-up) too."""
        self.fields += other.fields
        self.clicks += other.clicks


@pytest.fixture
def editor_page(chromium, site, django_user_model):
    """A 1366 x 768 page (CSP applies) and an editor who has not signed in yet."""
    editor = django_user_model.objects.create_user("desk-editor", password=PASSWORD, is_staff=True)
    editor.groups.add(editor_group())
    context = chromium.new_context(viewport=LAPTOP)
    context.set_default_timeout(10_000)
    yield watched_page(context, site)
    context.close()


def sign_in(counting, site):
    counting.page.goto(f"{site}/admin/login/?next=/admin/")
    counting.fill("#id_username", "desk-editor")
    counting.fill("#id_password", PASSWORD)
    counting.click("input[type=submit]")
    expect(counting.page.locator("#site-name")).to_be_visible()


def imprisoned_figure(page, site):
    page.goto(f"{site}/")
    item = page.locator("li", has_text="in prison now")
    return int(item.locator(".figure-number").inner_text())


def add_defendant_row(counting, index):
    """The "Add another Defendant" link, for every row after the first (the form shows one)."""
    if index:
        counting.click("#defendants-group .add-row a")
    expect(counting.page.locator(f"#id_defendants-{index}-new_person_name")).to_be_visible()


def script_errors(page):
    """Errors of the page's scripts, failed loads and Content-Security-Policy refusals."""
    return page.log.page_errors + page.log.console_errors


def report(name, counting):
    print(f"\n{name}: {counting.fields} fields filled, {counting.clicks} clicks")


def test_an_editor_enters_the_viasna_trial_on_one_page(editor_page, site):
    page = editor_page
    in_prison_before = imprisoned_figure(page, site)
    counting = CountingPage(page)

    sign_in(counting, site)
    counting.click('a[href="/admin/cases/case/add/"]')
    counting.fill("#id_title", "Viasna case")
    counting.select("#id_status", "sentenced")
    counting.click("#id_is_published")

    # The court is not in the records yet: the "+" next to the court opens a pop-up.
    with page.expect_popup() as popup_opened:
        counting.click("#add_id_court")
    popup = CountingPage(popup_opened.value)
    popup.fill("#id_name", "Leninski District Court of Minsk")
    popup.select("#id_kind", "court")
    popup.select("#id_country", "BY")
    with popup.page.expect_event("close"):
        popup.click('input[name="_save"]')
    counting.add(popup)
    expect(page.locator("#id_court option:checked")).to_have_text(
        "Leninski District Court of Minsk"
    )

    counting.fill("#id_city", "Minsk")
    counting.select("#id_country", "BY")
    counting.fill("#id_verdict_date", "2023-03-03")
    counting.fill(
        "#id_charges_for_all",
        "Art. 228 (smuggling); "
        "Art. 342 (financing group actions that grossly violate public order)",
    )
    defendants = [
        ("Ales Bialiatski", "10 years in a penal colony"),
        ("Valiantsin Stefanovich", "9 years in a penal colony"),
        ("Uladzimir Labkovich", "7 years in a penal colony"),
        ("Dzmitry Salauyou", "8 years in a penal colony in absentia"),
    ]
    for index, (name, sentence) in enumerate(defendants):
        add_defendant_row(counting, index)
        counting.fill(f"#id_defendants-{index}-new_person_name", name)
        counting.fill(f"#id_defendants-{index}-sentence", sentence)
    counting.click('input[name="_save"]')

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    report("Viasna case", counting)
    assert counting.fields <= MAX_FIELDS
    assert counting.clicks <= MAX_CLICKS
    assert not script_errors(page), script_errors(page)

    case = Case.objects.get(title="Viasna case")
    assert case.is_published and case.verdict_date == PartialDate(2023, 3, 3)
    assert case.court.name == "Leninski District Court of Minsk"
    assert case.court.kind == Organization.Kind.COURT
    # Added in the pop-up, the court became public with the published case that names it.
    assert case.court.is_public

    # The public case page, as a reader sees it.
    reader = page.context.browser.new_context()
    reader_page = reader.new_page()
    response = reader_page.goto(f"{site}/cases/{case.slug}/")
    assert response.status == 200
    text = reader_page.locator("main").inner_text()
    for name, _ in defendants:
        assert name in text
    for line in ["10 years in prison", "9 years in prison", "7 years in prison"]:
        assert line in text
    assert "Convicted, in absentia" in text
    assert "Leninski District Court of Minsk" in text
    assert "article 228 of the Criminal Code of Belarus" in text
    assert "article 342 of the Criminal Code of Belarus" in text

    # The case list's filters find it.
    for query in ["sentence=prison&min_years=9", "country=by"]:
        assert reader_page.goto(f"{site}/cases/?{query}").status == 200
        expect(reader_page.locator("main")).to_contain_text("Viasna case")
    assert reader_page.goto(f"{site}/cases/?sentence=prison&min_years=11").status == 200
    expect(reader_page.locator("main")).not_to_contain_text("Viasna case")

    # Three more people in prison now: Salauyou was sentenced in absentia.
    assert imprisoned_figure(reader_page, site) == in_prison_before + 3
    reader.close()


def test_an_editor_enters_three_defendants_whose_names_were_not_reported(editor_page, site):
    page = editor_page
    counting = CountingPage(page)

    sign_in(counting, site)
    counting.click('a[href="/admin/cases/case/add/"]')
    counting.fill("#id_title", "Trial of three unnamed activists")
    counting.select("#id_status", "sentenced")
    counting.click("#id_is_published")
    counting.select("#id_country", "KZ")
    counting.fill("#id_verdict_date", "2023-05")
    counting.fill("#id_unnamed_count", "3")
    counting.fill("#id_unnamed_sentence", "2 to 3 years of restricted freedom")
    counting.click('input[name="_save"]')

    expect(page.locator(".messagelist")).to_contain_text(
        "3 defendants whose names were not reported were added."
    )
    report("Three unnamed defendants", counting)
    assert counting.fields <= MAX_FIELDS and counting.clicks <= MAX_CLICKS
    assert not script_errors(page), script_errors(page)

    case = Case.objects.get(title="Trial of three unnamed activists")
    assert case.verdict_date == PartialDate(2023, 5)
    parts = SentencePart.objects.filter(defendant__case=case)
    assert [(p.kind, p.term_min_months, p.term_max_months) for p in parts] == [
        ("restricted_freedom", 24, 36)
    ] * 3
    people = Person.objects.filter(defendants__case=case)
    assert {p.name_status for p in people} == {Person.NameStatus.NOT_REPORTED}
    assert all(re.fullmatch(r"person-[0-9a-f]{10}", p.slug) for p in people)

    reader = page.context.browser.new_context()
    reader_page = reader.new_page()
    assert reader_page.goto(f"{site}/cases/{case.slug}/").status == 200
    text = reader_page.locator("main").inner_text()
    assert "3 defendants, 0 named" in text
    assert "3 sentenced to 2 to 3 years of restricted freedom" in text
    assert "3 people whose names were not reported" in text
    assert "May 2023" in text
    reader.close()
