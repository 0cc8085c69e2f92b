"""/statistics/ and an organization page's charts in a real browser (issue 11): no WCAG A/AA
violation (axe), no console or Content-Security-Policy error, no request outside the site, the
charts drawn without JavaScript; screenshots at 390 and 1280 px in /tmp/stats-shots/ for a
person to look at."""

from pathlib import Path

import pytest

from cases.models import SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Organization
from tests.browser.pages import ORGANIZATION_PATH
from tests.browser.test_accessibility import WCAG_A_AND_AA, describe
from tests.factories import (
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    PersonFactory,
    SentencePartFactory,
)

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/stats-shots")
STATISTICS_PATH = "/statistics/"
PATHS = [STATISTICS_PATH, "/statistics/?country=by", ORGANIZATION_PATH]
Kind = SentencePart.Kind


@pytest.fixture
def dated_site(site):
    """The demo, plus dated verdicts: prisoners with exact and range terms, in two countries,
    so that every chart has certain and uncertain numbers to draw."""
    dvk = Organization.objects.get(slug="democratic-choice-of-kazakhstan")
    plans = [
        ("Minsk trial", "Minsk", "BY", PartialDate(2021, 8), [(Kind.PRISON, 60, 60)] * 3),
        ("Astana trial", "Astana", "KZ", PartialDate(2022), [(Kind.PRISON, 24, 48)] * 2),
        ("Grodno trial", "Grodno", "BY", PartialDate(2023, 2, 14), [(Kind.PRISON, 18, 18)]),
        ("Shymkent trial", "Shymkent", "KZ", PartialDate(2024, 6), [(Kind.SUSPENDED, 24, 24)]),
    ]
    for title, city, country, verdict, parts in plans:
        case = CaseFactory(title=title, city=city, country=country, verdict_date=verdict)
        for kind, shortest, longest in parts:
            record = DefendantFactory(case=case, person=PersonFactory(country=country))
            SentencePartFactory(
                defendant=record, kind=kind, term_min_months=shortest, term_max_months=longest
            )
            if country == "KZ":
                MembershipFactory(person=record.person, organization=dvk)
    return site


def test_no_wcag_violation_on_statistics_and_an_organization_page(axe_page, axe_source, dated_site):
    problems = []
    for path in PATHS:
        response = axe_page.goto(dated_site + path)
        assert response.status == 200
        axe_page.add_script_tag(content=axe_source)
        violations = axe_page.evaluate(
            """only => axe.run(document, {runOnly: only, resultTypes: ["violations"]})""",
            WCAG_A_AND_AA,
        )["violations"]
        if violations:
            problems.append(f"{path}:\n{describe(violations)}")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_charts_under_the_csp_without_outside_requests_with_screenshots(page, dated_site, width):
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for path in PATHS:
        response = page.goto(dated_site + path)
        assert response.status == 200
        assert page.locator("svg.chart-svg").count() >= 2
        # Nothing wider than the screen: the charts scale down to a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} is {overflow} px wide at {width} px"
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # And as printed: the charts keep their patterns (screenshot for a person to look at).
    page.emulate_media(media="print")
    page.goto(dated_site + STATISTICS_PATH)
    assert page.locator("svg.chart-svg").count() == 6
    page.screenshot(path=str(SHOTS / f"statistics-print-{width}.png"), full_page=True)
    assert page.log.console_errors == []
    assert page.log.page_errors == []
    assert page.log.outside_requests() == []


def test_charts_and_tables_without_javascript(no_script_page, dated_site):
    response = no_script_page.goto(dated_site + STATISTICS_PATH)
    assert response.status == 200
    assert no_script_page.locator("svg.chart-svg").count() == 6
    no_script_page.locator("details.chart-table summary").first.click()
    assert no_script_page.locator("details.chart-table table").first.is_visible()
