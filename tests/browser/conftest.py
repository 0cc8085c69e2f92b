"""Browser tests: Playwright (Python, sync API) driving the system's Chromium against a live server.

Nothing is downloaded at run time: the browser is Debian's `chromium` (never `playwright
install`), and axe-core comes from node_modules (package-lock.json; `make test` runs `npm ci`).
When one of them is missing the tests are skipped with the reason, unless
NEWSROOM_REQUIRE_BROWSER=1 (set by .ci/run) says they must run: then they fail.
"""

import importlib.util
import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.pages import watched_page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Headless, as root in CI (no sandbox), and kept away from every outside host: no update
# checks, sync, component downloads or QUIC probes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--metrics-recording-only",
    # Belt and braces: no host but the live server's 127.0.0.1 resolves, so nothing leaves the
    # machine even if a page asks for it (the tests still see and report such a request).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# Local pages answer fast; a missing element should fail in seconds, naming its selector.
TIMEOUT_MS = 10_000


def missing_browser_tools():
    """Why the browser tests cannot run here, or None when everything is in place."""
    missing = []
    if shutil.which("chromium") is None:
        missing.append("no `chromium` on PATH (Debian package chromium; .ci/run installs it)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Python package `playwright` not installed (pip install '.[test]')")
    if not AXE_SCRIPT.is_file():
        missing.append(f"{AXE_SCRIPT.relative_to(REPO_ROOT)} missing (npm ci; `make test` runs it)")
    return "; ".join(missing) or None


def browser_required():
    return os.environ.get("NEWSROOM_REQUIRE_BROWSER", "") not in {"", "0"}


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (so that the setting below stays in the module)."""
    reason = missing_browser_tools()
    if reason and browser_required():
        pytest.fail(
            f"browser tests required (NEWSROOM_REQUIRE_BROWSER=1) but {reason}", pytrace=False
        )
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls from the test itself (load_demo, flushes) as "async unsafe". They are plain
    # synchronous calls, and the site under test runs in the live server's own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def axe_source(chromium):
    """axe-core's source, read from node_modules (after `chromium` checked that it is there)."""
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def site(chromium, live_server):
    """The live server's origin (http://127.0.0.1:port) with the demo story loaded."""
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def browser_context(chromium):
    """A context as a reader's browser has it: the site's Content-Security-Policy applies."""
    context = chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, site):
    """A reader's page (CSP applies), with its PageLog as `page.log`."""
    return watched_page(browser_context, site)


@pytest.fixture
def axe_page(chromium, site):
    """A page whose context ignores the site's CSP, so that the test can inject axe-core.

    Only for accessibility checks; CSP checks use `page`, where CSP applies.
    """
    context = chromium.new_context(bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_script_page(chromium, site):
    """A reader's page with JavaScript turned off."""
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()
