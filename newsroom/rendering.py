"""The one place where a story body becomes HTML.

Bodies are written in Markdown: editors get headings, links, lists and quotes without an HTML
editor, and the source stays readable in revisions and diffs. The HTML that Markdown produces
(including any raw HTML an editor typed) then passes through nh3, which keeps only the tags and
attributes below and drops scripts, event handlers, styles and javascript: URLs. No iframe,
embed, object, form or image tag is allowed at all: a story body is text and links, nothing that
loads or runs from another host. As a second line of defence, a link whose address could turn
into a script once a browser drops its spaces or decodes it (`java script:`, `%6Aavascript:`)
loses its address.

The names of the public people, organizations and cases a story is linked to are then linked on
their first mention (`link_first_mentions`): only names the editors linked to the story, never a
guess, and never inside a link, a heading or code. That step works on the text nodes of the
sanitised HTML, keeps every tag exactly as nh3 wrote it, escapes the text again and builds each
new link with format_html, so it can add links but no markup of its own.
"""

import html
import re
import threading
from html.parser import HTMLParser
from urllib.parse import unquote

import markdown
import nh3
from django.utils.html import format_html
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "hr", "figure", "figcaption", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
# Whitespace and control characters, which browsers ignore in places inside a URL.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _drop_disguised_script_urls(tag, attribute, value):
    """nh3 attribute filter: drop a URL that is a script scheme once spaces and escapes go."""
    if attribute in {"href", "src"}:
        bare = IGNORED_IN_URLS.sub("", unquote(value)).lower()
        if bare.startswith(SCRIPT_SCHEMES):
            return None
    return value


# One Markdown converter per thread, reset before each body: building one (its parsers and
# patterns) cost more than converting a story. Per thread, since a converter keeps state while
# it converts.
_converters = threading.local()


def _markdown_converter():
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        _converters.markdown = converter
    return converter.reset()


def render_body(text, links=()):
    """Markdown to sanitised HTML, marked safe: the only trusted HTML of a story.

    `links`: (name, url) pairs of the records linked to the story, for link_first_mentions."""
    html = _markdown_converter().convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_drop_disguised_script_urls,
        link_rel="noopener noreferrer nofollow",
    )
    if links:
        clean = link_first_mentions(clean, links)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# A name in these elements stays as it is: a link inside a link is invalid, and headings and
# code are the editor's exact words.
UNLINKED_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre"}
# Shorter names would match inside ordinary words and initials.
SHORTEST_LINKED_NAME = 2


def link_first_mentions(sanitised_html, links):
    """Link the first mention of each record in sanitised HTML (nh3's output).

    `links` are (name, url) pairs; a record with several names (a name and a short name) gives
    one pair per name with the same url, and only the first mention of any of them is linked.
    A name matches exactly (case included) and as whole words, any run of spaces or a line
    break in the text counting as its spaces; where names overlap, the longest wins, and where
    two records share a name, the first pair given wins."""
    url_of = {}
    for name, url in links:
        name = _single_spaced(name or "")
        if len(name) >= SHORTEST_LINKED_NAME and name not in url_of:
            url_of[name] = url
    if not url_of:
        return sanitised_html
    names = sorted(url_of, key=len, reverse=True)
    alternatives = (r"\s+".join(map(re.escape, name.split(" "))) for name in names)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    linker = _MentionLinker(pattern, url_of)
    linker.feed(sanitised_html)
    linker.close()
    return "".join(linker.output)


def _single_spaced(text):
    return " ".join(text.split())


class _MentionLinker(HTMLParser):
    """Copies sanitised HTML, linking the first mention of each url's names in its text."""

    def __init__(self, pattern, url_of):
        super().__init__(convert_charrefs=True)
        self.pattern = pattern
        self.url_of = url_of
        self.linked_urls = set()
        self.unlinked_depth = 0
        self.output = []

    def handle_starttag(self, tag, attrs):
        if tag in UNLINKED_INSIDE:
            self.unlinked_depth += 1
        # The tag as nh3 wrote it: only allowed tags and attributes, already escaped.
        self.output.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.output.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in UNLINKED_INSIDE and self.unlinked_depth:
            self.unlinked_depth -= 1
        self.output.append(f"</{tag}>")

    def handle_data(self, data):
        # `data` is unescaped text: every piece of it is escaped again on the way out.
        if self.unlinked_depth:
            self.output.append(html.escape(data, quote=False))
            return
        position = 0
        for match in self.pattern.finditer(data):
            url = self.url_of[_single_spaced(match.group())]
            if url in self.linked_urls:
                continue
            self.linked_urls.add(url)
            self.output.append(html.escape(data[position : match.start()], quote=False))
            self.output.append(format_html('<a href="{}">{}</a>', url, match.group()))
            position = match.end()
        self.output.append(html.escape(data[position:], quote=False))
