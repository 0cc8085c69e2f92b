"""Read public pages as a reader does: the visible text of <body>, and its links."""

import re
from html.parser import HTMLParser


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_body = False
        self.skip_depth = 0
        self.chunks = []
        self.links = []  # (href, text)
        self._link = None

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in ("script", "style"):
            self.skip_depth += 1
        if tag == "a":
            self._link = [dict(attrs).get("href"), []]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip_depth -= 1
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, collapse("".join(text))))
            self._link = None

    def handle_data(self, data):
        if self.in_body and not self.skip_depth:
            self.chunks.append(data)
            if self._link is not None:
                self._link[1].append(data)


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def read(response):
    reader = _PageReader()
    reader.feed(response.content.decode())
    return reader


def page_text(response):
    """The visible text of the page body, with whitespace collapsed."""
    return collapse("".join(read(response).chunks))


def links(response):
    """Every link in the page body, as (href, text) pairs."""
    return read(response).links


def href_for(response, text):
    """The href of the first link whose text is exactly `text`."""
    for href, link_text in links(response):
        if link_text == text:
            return href
    raise AssertionError(f"No link {text!r} on the page")


def count_queries(client, url):
    """How many SQL queries one GET of the page runs (the page must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
