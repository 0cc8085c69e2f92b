"""A reader in a real browser: following the demo story's links, filtering cases with the form,
and pages that load only from the site itself, with no console or CSP error."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.pages import (
    CASE_PATH,
    ORGANIZATION_PATH,
    PAGE_TYPES,
    PERSON_PATH,
    STORY_PATH,
    visit,
    watched_page,
)

pytestmark = pytest.mark.browser

STORY_HEADLINE = "Almaty court sentences 13 opposition activists on extremism charges"
CASE_TITLE = "Almaty trial of 13 opposition activists"

# Chromium logs the failed main document of an error page; that one is the page's point.
NOT_FOUND_LOG = "Failed to load resource: the server responded with a status of 404"


def main_link(page, path, text):
    """The first link in the page's main content to `path` whose words include `text`."""
    return page.locator("main").locator(f'a[href$="{path}"]', has_text=text).first


def follow(page, path, text):
    link = main_link(page, path, text)
    link.click()
    page.wait_for_url(f"**{path}")


def expect_text(page, *facts):
    """Each fact appears in the page's main content, exactly as written."""
    content = page.locator("main").inner_text()
    missing = [fact for fact in facts if fact not in content]
    assert not missing, f"{page.url} does not say {missing}"


def test_a_reader_follows_the_demo_story_to_a_defendant_his_movement_his_trial_and_back(page, site):
    visit(page, site, "/stories/")
    follow(page, STORY_PATH, STORY_HEADLINE)
    expect_text(page, STORY_HEADLINE, "Abai Begimbetov", "4 sentenced to 5 years in prison")
    expect_text(page, "9 people whose names were not reported")
    expect_text(page, "7 of them also to 100 hours of compulsory labour a year")

    follow(page, PERSON_PATH, "Abai Begimbetov")
    expect_text(page, "Abai Begimbetov", "Democratic Choice of Kazakhstan", CASE_TITLE)
    expect_text(page, "5 years in prison", "verdict date not reported")

    follow(page, ORGANIZATION_PATH, "Democratic Choice of Kazakhstan")
    expect_text(
        page, "Democratic Choice of Kazakhstan", "extremist", "March 2018", "Abai Begimbetov"
    )
    expect_text(page, "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom")

    follow(page, CASE_PATH, CASE_TITLE)
    expect_text(page, CASE_TITLE, "Almaty", "13 defendants, 4 named")
    expect_text(page, "9 people whose names were not reported", "5 years in prison")
    expect_text(page, "verdict date not reported", "Extremism-related charges")

    follow(page, STORY_PATH, STORY_HEADLINE)
    assert page.locator("h1").first.inner_text().strip() == STORY_HEADLINE


def test_the_home_page_leads_to_the_demo_story(page, site):
    visit(page, site, "/")
    follow(page, STORY_PATH, STORY_HEADLINE)
    expect_text(page, STORY_HEADLINE)


def test_a_reader_finds_a_defendant_with_the_header_search_in_another_spelling(page, site):
    visit(page, site, "/")
    search = page.get_by_role("search").first
    search.get_by_label("Search").fill("Kairat Kylyshev")
    search.get_by_label("Search").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    follow(page, "/people/qairat-qylyshev/", "Qairat Qylyshev")
    expect_text(page, "Qairat Qylyshev", "5 years in prison")


def choose(form, name, value):
    """Pick `value` for the field `name`, whether the form shows it as a select or as boxes."""
    field = form.locator(f'[name="{name}"]').first
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        selector = f'[name="{name}"][value="{value}"]'
        box = form.locator(selector)
        if not box.is_visible():  # an option with no results, folded under "more"
            folded = form.page.locator(selector)
            form.locator("details.filter__more", has=folded).locator("summary").click()
        box.check()


def submit(form):
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first.click()


def filter_form(page):
    """The list's filter form, opened from its disclosure (closed at first, so that the
    results come first on a phone)."""
    disclosure = page.locator("details.filters-disclosure")
    if disclosure.get_attribute("open") is None:
        disclosure.locator("summary").first.click()
    return page.locator("form", has=page.locator('[name="organization"]')).first


def test_the_case_filter_form_narrows_to_dvk_prison_sentences_with_a_shareable_url(page, site):
    visit(page, site, "/cases/")
    form = filter_form(page)
    choose(form, "organization", "democratic-choice-of-kazakhstan")
    choose(form, "sentence", "prison")
    submit(form)
    page.wait_for_url(re.compile(r"/cases/\?"))

    query = parse_qs(urlsplit(page.url).query)
    assert query["organization"] == ["democratic-choice-of-kazakhstan"]
    assert query["sentence"] == ["prison"]
    assert main_link(page, CASE_PATH, CASE_TITLE).is_visible()


def test_the_case_filter_form_works_with_javascript_turned_off(no_script_page, site):
    page = no_script_page
    visit(page, site, "/cases/")
    form = filter_form(page)
    choose(form, "organization", "democratic-choice-of-kazakhstan")
    submit(form)
    page.wait_for_url(re.compile(r"organization=democratic-choice-of-kazakhstan"))
    assert main_link(page, CASE_PATH, CASE_TITLE).is_visible()


def test_the_case_filter_form_leaves_out_the_almaty_case_for_fines(page, site):
    visit(page, site, "/cases/")
    form = filter_form(page)
    choose(form, "sentence", "fine")
    submit(form)
    page.wait_for_url(re.compile(r"sentence=fine"))

    # The results page itself, saying there are none (not an error page).
    assert page.get_by_text("No cases match these filters.").is_visible()
    assert page.get_by_text("Sentence: Fine").first.is_visible()
    assert main_link(page, CASE_PATH, CASE_TITLE).count() == 0


def report(problems):
    """Each page type's problems, one block per page, for a failed assertion."""
    return "\n".join(f"{name}: {problem}" for name, problem in problems.items())


def test_no_page_type_makes_a_request_outside_the_site(browser_context, site):
    problems = {}
    for name, path in PAGE_TYPES.items():
        page = watched_page(browser_context, site)
        visit(page, site, path)
        if not page.log.requests:
            problems[f"{name} ({path})"] = "no request recorded: is the browser watched?"
        elif page.log.outside_requests():
            problems[f"{name} ({path})"] = page.log.outside_requests()
        page.close()
    assert not problems, "requests outside the site:\n" + report(problems)


def test_every_page_type_renders_under_its_content_security_policy_without_console_errors(
    browser_context, site
):
    problems = {}
    for name, path in PAGE_TYPES.items():
        page = watched_page(browser_context, site)
        response = visit(page, site, path)
        errors = [
            error
            for error in page.log.console_errors + page.log.page_errors
            if not (error.startswith(NOT_FOUND_LOG) and f"at {site}{path})" in error)
        ]
        if not response.headers.get("content-security-policy"):
            errors.insert(0, "served without a Content-Security-Policy header")
        if errors:
            problems[f"{name} ({path})"] = errors
        page.close()
    assert not problems, "CSP or console errors:\n" + report(problems)


def test_the_browser_blocks_and_reports_an_inline_script_on_a_page(page, site):
    """The check above can see a violation: the site's CSP stops an injected inline script, and
    Chromium reports it in the console."""
    visit(page, site, STORY_PATH)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'ran'";
            document.head.appendChild(script);
        }"""
    )
    assert page.locator("body").get_attribute("data-injected") is None
    assert any("Content Security Policy" in error for error in page.log.console_errors)
