"""Filters on a 390 x 844 phone (issue 13): the results come first, the filters open from a
disclosure, Apply lands on the results (with JavaScript on or off), tap targets are at least
44 px high, and the list pages keep no WCAG A/AA violation with the filters open."""

import re

import pytest

from tests.browser.pages import visit
from tests.browser.test_accessibility import RUN_AXE, WCAG_A_AND_AA, describe

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MIN_TAP_TARGET = 44


def first_result(page):
    return page.locator("#results .result-list > li").first


def open_filters(page):
    summary = page.locator("summary.filters-disclosure__summary")
    assert not page.get_by_role("button", name="Apply filters").is_visible()
    summary.click()
    apply = page.get_by_role("button", name="Apply filters")
    assert apply.is_visible()
    return apply


def height(locator):
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box["height"]


def apply_prison_and_find_the_first_result_on_the_first_screen(page, site):
    page.set_viewport_size(PHONE)
    visit(page, site, "/cases/")
    # Results first: the first case is on the first screen before any filter is applied.
    assert first_result(page).bounding_box()["y"] < PHONE["height"]

    apply = open_filters(page)
    page.locator('input[name="sentence"][value="prison"]').check()
    apply.click()
    page.wait_for_url(re.compile(r"/cases/\?(.*&)?sentence=prison(&.*)?#results$"))

    result = first_result(page)
    assert "Almaty trial of 13 opposition activists" in result.inner_text()
    box = result.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], f"first result at {box['y']} px"
    # The reader landed on the results, whose heading is at the top of the screen.
    heading = page.locator("#results-heading").bounding_box()
    assert 0 <= heading["y"] < 100
    assert page.locator("summary.filters-disclosure__summary").inner_text().strip() == (
        "Filters: Prison"
    )


def test_a_phone_reader_applies_a_filter_and_sees_the_first_result_at_once(page, site):
    apply_prison_and_find_the_first_result_on_the_first_screen(page, site)
    # Nothing the page needs is blocked by the Content-Security-Policy (no inline style).
    assert not [error for error in page.log.console_errors if "Content Security Policy" in error]
    assert not page.log.page_errors


def test_the_same_with_javascript_turned_off(no_script_page, site):
    apply_prison_and_find_the_first_result_on_the_first_screen(no_script_page, site)


@pytest.mark.parametrize("path", ["/cases/", "/people/"])
def test_filter_tap_targets_are_at_least_44_pixels_high(page, site, path):
    page.set_viewport_size(PHONE)
    visit(page, site, path)
    assert height(page.locator("summary.filters-disclosure__summary")) >= MIN_TAP_TARGET
    apply = open_filters(page)
    for more in page.locator("details.filter__more > summary").all():
        assert height(more) >= MIN_TAP_TARGET
        more.click()
    rows = page.locator(".filter__option")
    assert rows.count() > 5
    too_small = {}
    for row in rows.all():
        label = row.locator("label")
        for name, part in (("row", row), ("label", label)):
            if height(part) < MIN_TAP_TARGET:
                too_small[f"{label.inner_text()} ({name})"] = height(part)
        checkbox = row.locator('input[type="checkbox"]').bounding_box()
        if checkbox["width"] < 24 or checkbox["height"] < 24:
            too_small[f"{label.inner_text()} (checkbox)"] = checkbox
    assert not too_small, f"tap targets under {MIN_TAP_TARGET} px: {too_small}"
    assert height(apply) >= MIN_TAP_TARGET
    assert height(page.locator(".filters__actions a")) >= MIN_TAP_TARGET
    for text_box in page.locator('.filter--field input[type="text"]').all():
        assert height(text_box) >= MIN_TAP_TARGET


def test_options_with_no_results_are_folded_and_can_still_be_chosen(page, site):
    page.set_viewport_size(PHONE)
    visit(page, site, "/cases/")
    apply = open_filters(page)
    fine = page.locator('input[name="sentence"][value="fine"]')
    assert not fine.is_visible()
    page.locator("details.filter__more", has=fine).locator("summary").click()
    fine.check()
    apply.click()
    page.wait_for_url(re.compile(r"sentence=fine(&.*)?#results$"))
    assert page.get_by_text("No cases match these filters.").is_visible()


@pytest.mark.parametrize("path", ["/cases/", "/people/", "/cases/?min_years=1,5"])
def test_the_list_pages_have_no_wcag_violation_with_the_filters_closed_or_open(
    axe_page, axe_source, site, path
):
    axe_page.set_viewport_size(PHONE)
    visit(axe_page, site, path)
    axe_page.add_script_tag(content=axe_source)
    only = {"type": "tag", "values": WCAG_A_AND_AA}
    closed = axe_page.evaluate(RUN_AXE, only)["violations"]
    assert not closed, f"{path}, filters closed:\n{describe(closed)}"
    axe_page.locator("summary.filters-disclosure__summary").click()
    for more in axe_page.locator("details.filter__more > summary").all():
        more.click()
    opened = axe_page.evaluate(RUN_AXE, only)["violations"]
    assert not opened, f"{path}, filters open:\n{describe(opened)}"
