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
