"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every page a test opens is held to two rules: no request leaves our origin, and no console
error (which includes Content Security Policy violations) appears. Screenshots of each
journey's end state are written to var/screenshots/ for people to look at.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database
# set-up refuses to run inside one without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent
SCREENSHOTS = BROWSER_DIR.parent.parent / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MISSING = f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"


def chromium_missing():
    return not os.access(CHROMIUM, os.X_OK)


def pytest_report_header(config):
    if chromium_missing():
        return MISSING


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if BROWSER_DIR in Path(item.path).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        # The live server sees only committed data; restore the migrations' data afterwards.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
    if browser_items and chromium_missing():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(f"REQUIRE_BROWSER=1, but no Chromium at {CHROMIUM}.")
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class Visit:
    """A browser tab that records what would break our rules while a test uses it."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin
        self.foreign_requests = []
        self.console_errors = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def expect_console_error(self, pattern):
        """Forget console errors a test caused on purpose (e.g. visiting a 404 page)."""
        self.console_errors = [e for e in self.console_errors if not re.search(pattern, e)]


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


@contextmanager
def guarded_visit(browser, live_server, label, **context_options):
    """A browser context on the live server; at the end, no foreign request, no console error."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(live_server.url))
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    visit = Visit(page, origin)

    def guard(route):
        url = route.request.url
        if url.startswith(origin) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            visit.foreign_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    try:
        yield visit
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", label)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()
    assert visit.foreign_requests == [], f"requests left our origin: {visit.foreign_requests}"
    assert visit.console_errors == [], f"console errors: {visit.console_errors}"


@pytest.fixture
def visit(browser, live_server, viewport, request):
    """A fresh browser tab on the live server at the test's viewport, checked at the end."""
    with guarded_visit(browser, live_server, request.node.name, viewport=viewport) as tab:
        yield tab


@pytest.fixture
def another_visit(browser, live_server, viewport, request):
    """Open another guarded browser context beside `visit`, for a second person or a browser
    with JavaScript off: `with another_visit("moderator") as moderator: ...`, or
    `another_visit("without-javascript", java_script_enabled=False)`.

    It has the test's viewport, and motion reduced: smooth scrolling would slow every click.
    """

    def open_context(who, **context_options):
        label = f"{request.node.name}-{who}"
        options = {"viewport": viewport, "reduced_motion": "reduce", **context_options}
        return guarded_visit(browser, live_server, label, **options)

    return open_context


@pytest.fixture
def demo_content(transactional_db):
    from django.core.management import call_command

    call_command("load_demo_content", verbosity=0)
