"""The API's browsable documentation (/api/v1/docs/, Swagger UI) in a real browser: it shows
every endpoint, loads nothing from outside the site, and breaks no Content-Security-Policy."""

import pytest

pytestmark = pytest.mark.browser

DOCS_PATH = "/api/v1/docs/"


def test_the_api_docs_show_the_endpoints_from_the_site_alone(page, site):
    response = page.goto(site + DOCS_PATH)
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has read the schema and drawn one block per operation.
    page.locator(".opblock-summary-path", has_text="/api/v1/cases/").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/api/v1/cases/", "/api/v1/people/", "/api/v1/organizations/", "/api/v1/stories/"):
        assert any(text.strip() == path for text in paths), paths
    page.wait_for_load_state("networkidle")
    assert page.log.outside_requests() == []
    assert any(url.startswith(f"{site}/api/v1/schema/") for url in page.log.requests)
    assert page.log.console_errors == []
    assert page.log.page_errors == []


def test_trying_an_endpoint_in_the_docs_calls_the_api_on_the_site(page, site):
    page.goto(site + DOCS_PATH)
    operation = page.locator(".opblock-get", has_text="/api/v1/stories/").first
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    operation.locator(".responses-table .response-col_status", has_text="200").first.wait_for()
    assert any(url.startswith(f"{site}/api/v1/stories/") for url in page.log.requests)
    assert page.log.outside_requests() == []
    assert page.log.console_errors == []
