"""A reader on a phone (390 x 844): the demo story's links after the story fit in one screen,
and the unnamed defendants no longer swamp the story, case and people pages."""

import pytest

from tests.browser.pages import CASE_PATH, STORY_PATH, visit

pytestmark = pytest.mark.browser

SCREEN = {"width": 390, "height": 844}

# Heights (px) of the story (the <article> element, headline to corrections) and of the rest
# of <main>, i.e. the people, organizations and cases listed after it.
HEIGHTS = """() => {
  const height = (element) => element ? element.getBoundingClientRect().height : 0;
  const main = document.querySelector("main");
  return {main: height(main), article: height(main.querySelector("article")),
          page: document.documentElement.scrollHeight};
}"""


def screens(pixels):
    return round(pixels / SCREEN["height"], 2)


def test_story_links_fit_in_one_screen_after_the_story(page, site):
    page.set_viewport_size(SCREEN)
    visit(page, site, STORY_PATH)
    heights = page.evaluate(HEIGHTS)
    story, rest = screens(heights["article"]), screens(heights["main"] - heights["article"])
    print(f"story page at 390 px: story {story} screens, links after it {rest} screens")
    assert story > 2  # the whole story is there
    assert 0 < rest <= 1
    links = page.locator("section[aria-labelledby=people-in-story]").inner_text()
    assert "Abai Begimbetov" in links
    assert links.count("whose names were not reported") == 1
    assert "name not reported" not in links


@pytest.mark.parametrize("path, max_screens", [(STORY_PATH, 5), (CASE_PATH, 4.5), ("/people/", 3)])
def test_phone_pages_are_no_longer_swamped_by_unnamed_defendants(page, site, path, max_screens):
    """Before grouping, at 390 px: story 7.6 screens, case 6.7, people 6.2 (whole pages)."""
    page.set_viewport_size(SCREEN)
    visit(page, site, path)
    heights = page.evaluate(HEIGHTS)
    print(f"{path} at 390 px: page {screens(heights['page'])}, main {screens(heights['main'])}")
    assert "whose names were not reported" in page.locator("main").inner_text()
    assert screens(heights["page"]) <= max_screens


FACT_BOXES = """() => [...document.querySelectorAll(".facts dt")].map((label) => {
  const fact = label.nextElementSibling.getBoundingClientRect();
  const box = label.getBoundingClientRect();
  const below = fact.top >= box.bottom - 1;
  return {label: label.textContent.trim(), left: [box.left, fact.left], below};
})"""


def test_on_a_phone_each_fact_stands_under_its_label(page, site):
    """Beside its label, a long fact (the co-defendants of a trial of dozens) ran down a column
    a third of a phone's width; under it, it has the whole width."""
    page.set_viewport_size(SCREEN)
    visit(page, site, "/people/abai-begimbetov/")
    facts = page.evaluate(FACT_BOXES)
    assert "Co-defendants" in [fact["label"] for fact in facts]
    for fact in facts:
        assert fact["left"][0] == fact["left"][1] and fact["below"], fact
    page.set_viewport_size({"width": 1280, "height": 800})
    beside = page.evaluate(FACT_BOXES)
    assert all(fact["left"][1] > fact["left"][0] for fact in beside)
