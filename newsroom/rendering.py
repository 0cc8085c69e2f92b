"""The one place where a story body becomes HTML.

Bodies are written in Markdown: editors get headings, links, lists and quotes without an HTML
editor, and the source stays readable in revisions and diffs. The HTML that Markdown produces
(including any raw HTML an editor typed) then passes through nh3, which keeps only the tags and
attributes below and drops scripts, event handlers, styles and javascript: URLs.
"""

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "hr", "figure", "figcaption", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_body(text):
    """Markdown to sanitised HTML, marked safe: the only trusted HTML of a story."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
