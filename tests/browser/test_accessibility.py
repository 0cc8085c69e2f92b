"""axe-core (from npm, read from node_modules) on every page type: no WCAG 2.0, 2.1 or 2.2
level A or AA violation, and the page structure issue 3 asks for (landmarks, one h1, heading
order, a skip link); plus what axe cannot see: the keyboard's first stop and reflow on a
narrow phone."""

import pytest

from tests.browser.pages import PAGE_TYPES, visit

pytestmark = pytest.mark.browser

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# axe's best-practice rules for what issue 3 names: landmarks, skip link, heading order.
STRUCTURE_RULES = [
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-unique",
    "region",
    "page-has-heading-one",
    "heading-order",
    "skip-link",
]

RUN_AXE = """only => axe.run(document, {runOnly: only, resultTypes: ["violations"]})"""


def run_axe(page, axe_source, site, path, only):
    visit(page, site, path)
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE, only)["violations"]


def describe(violations):
    """axe's violations as a reader of a failed test wants them: rule, impact, where, why."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {target}: {summary}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def axe_report(axe_page, axe_source, site, only):
    """axe's violations on every page type, described page by page ("" when there are none)."""
    problems = []
    for name, path in PAGE_TYPES.items():
        violations = run_axe(axe_page, axe_source, site, path, only)
        if violations:
            problems.append(f"{name} ({path}):\n{describe(violations)}")
    return "\n\n".join(problems)


def test_no_page_type_has_a_wcag_a_or_aa_violation(axe_page, axe_source, site):
    problems = axe_report(axe_page, axe_source, site, {"type": "tag", "values": WCAG_A_AND_AA})
    assert not problems, "axe-core found WCAG A/AA violations:\n" + problems


def test_every_page_type_has_landmarks_one_h1_ordered_headings_and_a_skip_link(
    axe_page, axe_source, site
):
    problems = axe_report(axe_page, axe_source, site, {"type": "rule", "values": STRUCTURE_RULES})
    assert not problems, "axe-core found structure problems:\n" + problems


def test_no_page_type_scrolls_sideways_on_a_320_pixel_wide_screen(browser_context, site):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels, nothing needs horizontal scrolling of the page
    (a wide table may scroll inside its own container)."""
    page = browser_context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for name, path in PAGE_TYPES.items():
        visit(page, site, path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            too_wide[f"{name} ({path})"] = f"{width}px wide, widest: {widest(page)}"
    assert not too_wide, f"pages wider than the screen: {too_wide}"


def widest(page):
    """The deepest element that sticks out past the right edge, to name in a failure."""
    return page.evaluate(
        """() => {
            const out = [...document.body.querySelectorAll("*")].filter(
                e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1);
            const leaf = out.filter(e => !out.some(o => o !== e && e.contains(o)));
            return leaf.slice(0, 3).map(e => e.outerHTML.slice(0, 120));
        }"""
    )


FOCUS_STYLE = """() => {
    const style = getComputedStyle(document.activeElement);
    return {
        element: document.activeElement.outerHTML.slice(0, 120),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
    };
}"""


def test_every_keyboard_stop_on_the_case_list_shows_where_the_focus_is(page, site):
    """WCAG 2.4.7 Focus Visible, on the page with the most controls, its filters opened (they
    are behind a disclosure, with the options that give no results under "more"): each of the
    first 30 tab stops has an outline or a focus shadow."""
    visit(page, site, "/cases/")
    page.locator("summary.filters-disclosure__summary").click()
    for more in page.locator("details.filter__more > summary").all():
        more.click()
    page.locator("main").focus()
    invisible = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if not (focus["outline"] or focus["shadow"]):
            invisible.append(focus["element"])
    assert not invisible, f"focus not visible on: {invisible}"


def test_the_first_tab_stop_is_a_visible_skip_link_to_the_main_content(page, site):
    visit(page, site, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused["href"] == "#main", f"the first tab stop is {focused}"
    assert page.locator(":focus").is_visible()
    page.keyboard.press("Enter")
    # The fragment navigation is asynchronous: wait for it (a loaded machine is slow) rather
    # than read the address at once.
    page.wait_for_url("**#main")
    assert page.url.endswith("#main")
