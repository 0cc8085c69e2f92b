"""The demo's pages, one of each page type, by their contract URLs (design.md "Public URLs"),
and how the browser tests open and watch them."""

from dataclasses import dataclass, field

from newsroom.management.commands.load_demo import demo_person_slug

STORY_PATH = "/stories/almaty-court-sentences-thirteen-opposition-activists/"
PERSON_PATH = "/people/abai-begimbetov/"
ORGANIZATION_PATH = "/organizations/democratic-choice-of-kazakhstan/"
CASE_PATH = "/cases/almaty-trial-of-thirteen-opposition-activists/"
PAGE_TYPES = {
    "home": "/",
    "story list": "/stories/",
    "story": STORY_PATH,
    "people list": "/people/",
    "person": PERSON_PATH,
    "unnamed person": f"/people/{demo_person_slug(1)}/",
    "organization list": "/organizations/",
    "organization": ORGANIZATION_PATH,
    "case list": "/cases/",
    "filtered case list": "/cases/?organization=democratic-choice-of-kazakhstan&sentence=prison",
    "case": CASE_PATH,
    "search results": "/search/?q=Begimbetov",
    "open data": "/data/",
    "404 page": "/no-such-page/",
}


def visit(page, site, path):
    """Open `path` (until its load event); it must answer as its page type does."""
    response = page.goto(site + path)
    expected = 404 if path == PAGE_TYPES["404 page"] else 200
    assert response.status == expected, f"{path} answered {response.status}, not {expected}"
    return response


@dataclass
class PageLog:
    """What a page did while it was open: every request, console error and uncaught error."""

    origin: str
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def outside_requests(self):
        return [
            url
            for url in self.requests
            if not (url == self.origin or url.startswith(self.origin + "/"))
            and not url.startswith("data:")
        ]


def watched_page(context, origin):
    """A new page in `context`, with its PageLog as `page.log`."""
    page = context.new_page()
    log = page.log = PageLog(origin)
    page.on("request", lambda request: log.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and log.console_errors.append(f"{message.text} (at {message.location.get('url')})")
        ),
    )
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return page
