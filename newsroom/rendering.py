"""The one place where a story body becomes HTML.

Bodies are written in Markdown: editors get headings, links, lists and quotes without an HTML
editor, and the source stays readable in revisions and diffs. The HTML that Markdown produces
(including any raw HTML an editor typed) then passes through nh3, which keeps only the tags and
attributes below and drops scripts, event handlers, styles and javascript: URLs. No iframe,
embed, object, form or image tag is allowed at all: a story body is text and links, nothing that
loads or runs from another host. As a second line of defence, a link whose address could turn
into a script once a browser drops its spaces or decodes it (`java script:`, `%6Aavascript:`)
loses its address.
"""

import re
from urllib.parse import unquote

import markdown
import nh3
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


def render_body(text):
    """Markdown to sanitised HTML, marked safe: the only trusted HTML of a story."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_drop_disguised_script_urls,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
