"""Every word a reader or an editor sees in a template goes through {% translate %} or
{% blocktranslate %}, so that the Russian and Kazakh catalogs can say all of it: text, the
attributes people read or hear (placeholder, aria-label, title, alt...), and numbers with words,
whose plural forms only a catalog knows. Each template is read token by token with Django's own
Lexer, as the template engine reads it."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    CorrectionFactory,
    DefendantFactory,
    PersonFactory,
)
from tests.page_helpers import links, page_text
from tests.translation_catalogs import RUSSIAN_PLURALS, write_catalog

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NOT_REPORTED = Person.NameStatus.NOT_REPORTED

# What is not language, so stays as written in every language. Keep this short.
NOT_LANGUAGE = {
    # File formats, named so in every language.
    "CSV",
    "XLSX",
    "JSON",
    # A file's name: datapackage.json is called so whatever the reader's language.
    "datapackage.json",
    # The site's name, a proper name: the Python code passes settings.SITE_NAME into its
    # translated messages unchanged ("%(site)s open data"), and the titles already translated
    # said "{% translate ... %} · Newsroom". Sentences around it are still translated.
    "Newsroom",
    # Not words but the keyword of the <img loading> attribute, passed to
    # includes/responsive_image.html.
    "eager",
}

# Blocks whose text is code: admin/base.html puts {% block bodyclass %} in <body class="...">.
NOT_TEXT_BLOCKS = {"bodyclass"}

# Whole files that are not for people to read.
NOT_PAGES = {
    # Directives for crawlers, in the robots exclusion protocol's own keywords.
    "robots.txt",
}

# Attributes whose values people read or hear.
READ_ATTRIBUTES = {
    "abbr",
    "alt",
    "aria-description",
    "aria-label",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
    "placeholder",
    "title",
}
# <meta name|property=... content=...> whose content is shown: in search results, in shared links.
READ_META = {
    "description",
    "og:description",
    "og:image:alt",
    "og:site_name",
    "og:title",
    "twitter:description",
    "twitter:image:alt",
    "twitter:title",
}
# <input type=...> whose value is the button's text.
BUTTON_INPUTS = {"button", "reset", "submit"}
# Attributes that name a language: the page's must come from the language it is said in.
LANGUAGE_ATTRIBUTES = {"lang", "xml:lang", "hreflang"}

# Filters whose quoted argument becomes text on the page.
TEXT_FILTERS = {"default", "default_if_none", "yesno"}
# Tags whose quoted arguments are code (names of templates, views, libraries; compared values)
# or already translated; any other tag's quoted arguments are text (page_meta's title, say).
CODE_TAGS = {
    "blocktrans",
    "blocktranslate",
    "elif",
    "extends",
    "if",
    "load",
    "querystring",
    "static",
    "trans",
    "translate",
    "url",
}

LETTER = re.compile(r"[^\W\d_]")
NOT_LANGUAGE_WORD = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(word) for word in NOT_LANGUAGE) + r")(?![\w.])"
)
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"<(?:!|/?[a-zA-Z])[^>]*>")
ATTRIBUTE = re.compile(
    r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
)
QUOTED = r""""[^"]*"|'[^']*'"""
EXPRESSION_HEAD = re.compile(rf"""_\((?:{QUOTED})\)|{QUOTED}|[^|]*""")
FILTER = re.compile(rf"""\|\s*(\w+)(?:\s*:\s*({QUOTED}|[^|\s]+))?""")
PLURALIZE = re.compile(r"\|\s*pluralize\b")

# Stands for every token that is not text to translate: it has no letters, so it hides
# variables, tags and translated text from the checks, and it parts the text around it.
HIDDEN = "\x00"


def is_language(text):
    """Whether text has words once entities and the NOT_LANGUAGE words are taken out."""
    return bool(LETTER.search(NOT_LANGUAGE_WORD.sub("", ENTITY.sub("", text))))


def hidden(text):
    """HIDDEN, on as many lines as text, so that what follows keeps its line number."""
    return HIDDEN + "\n" * text.count("\n")


def text_literals(expression):
    """The quoted strings of a variable or an argument that become text: a literal value (not
    _("...")), and the arguments of TEXT_FILTERS."""
    head = EXPRESSION_HEAD.match(expression).group()
    literals = [head[1:-1]] if head[:1] in "\"'" else []
    for name, argument in FILTER.findall(expression[len(head) :]):
        if name in TEXT_FILTERS and argument[:1] in "\"'":
            literals.append(argument[1:-1])
    return [literal for literal in literals if is_language(literal)]


def tag_text_literals(bits):
    """The quoted strings a block tag passes on as text: the values it gives to a template it
    includes or to {% with %}, and any argument of a tag that is not in CODE_TAGS."""
    name, arguments = bits[0], bits[1:]
    if name in CODE_TAGS:
        return []
    if name in ("include", "with"):
        arguments = [bit.split("=", 1)[1] for bit in arguments if "=" in bit]
    return [literal for argument in arguments for literal in text_literals(argument)]


def is_read(element, name, attributes):
    """Whether people read or hear the value of the attribute `name` of this element."""
    if name == "content" and element == "meta":
        return bool({attributes.get("name"), attributes.get("property")} & READ_META)
    if name == "value" and element == "input":
        return attributes.get("type", "").lower() in BUTTON_INPUTS
    return name in READ_ATTRIBUTES


def untranslated(source):
    """[(line, what)]: each piece of text, attribute value, English-only plural or text argument
    of a tag in a template's source that does not go through a translation tag."""
    problems = []
    page = []  # the source with HIDDEN for everything that is not text to translate
    in_translation = in_comment = False
    blocks = []  # the names of the {% block %} tags the token is in
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            name = (contents.split() or [""])[0]
            if in_comment:
                in_comment = name != "endcomment"
            elif in_translation:
                in_translation = name not in ("endblocktranslate", "endblocktrans")
            elif name == "comment":
                in_comment = True
            elif name in ("blocktranslate", "blocktrans"):
                in_translation = True
            else:
                if name == "block":
                    blocks.append(contents.split()[1])
                elif name == "endblock":
                    blocks.pop()
                for literal in tag_text_literals(token.split_contents()):
                    problems.append((token.lineno, f"{{% {contents} %}}: {literal!r}"))
            page.append(HIDDEN)
        elif token.token_type == TokenType.VAR and not (in_translation or in_comment):
            if PLURALIZE.search(contents):
                problems.append(
                    (token.lineno, f"{{{{ {contents} }}}}: pluralize knows English plurals only")
                )
            # A literal stays in the page, to be judged where it stands: as text, in an
            # attribute people read, or in one they do not (loading="{{ x|default:'lazy' }}").
            page.append(HIDDEN + HIDDEN.join(text_literals(contents)) + HIDDEN)
        elif (
            token.token_type == TokenType.TEXT
            and not (in_translation or in_comment)
            and NOT_TEXT_BLOCKS.isdisjoint(blocks)
        ):
            page.append(contents)
        else:
            page.append(hidden(contents))
    page = HTML_COMMENT.sub(lambda match: hidden(match.group()), "".join(page))

    def line_of(position):
        return page.count("\n", 0, position) + 1

    for tag in HTML_TAG.finditer(page):
        element = re.match(r"</?([\w:-]*)", tag.group()).group(1).lower()
        attributes = {
            match.group(1).lower(): next(value for value in match.groups()[1:] if value is not None)
            for match in ATTRIBUTE.finditer(tag.group())
        }
        for name, value in attributes.items():
            shown = value.replace(HIDDEN, "…")
            if is_read(element, name, attributes) and is_language(value):
                problems.append((line_of(tag.start()), f"{name}={shown!r}"))
            if name in LANGUAGE_ATTRIBUTES and LETTER.search(value.replace(HIDDEN, "")):
                problems.append((line_of(tag.start()), f"{name}={shown!r}: a language written in"))
    page = HTML_TAG.sub(lambda match: hidden(match.group()), page)
    position = 0
    for piece in page.split(HIDDEN):
        if is_language(piece):
            problems.append((line_of(position + len(piece) - len(piece.lstrip())), piece.strip()))
        position += len(piece) + 1
    return sorted(problems)


def template_names():
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.name not in NOT_PAGES
    )


@pytest.mark.parametrize("name", template_names())
def test_every_word_of_a_template_goes_through_translation(name):
    """A word left in a template stays English on a Russian or Kazakh page: every text, every
    attribute people read, every plural and every text given to another template or tag goes
    through {% translate %} or {% blocktranslate %}."""
    problems = untranslated((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not problems, f"{name} has text that is not translated:\n" + "\n".join(
        f"  line {line}: {what}" for line, what in problems
    )


@pytest.mark.parametrize(
    "source",
    [
        "<p>Page not found</p>",
        '<a href="{% url "home" %}">front page</a>',
        '<input type="search" placeholder="Names in any spelling">',
        "<img src=\"/a.jpg\" alt='A photo of the court'>",
        "<button title=Close>×</button>",
        '<a href="{{ url }}" aria-label="Remove filter: {{ label }}">{% translate "x" %}</a>',
        '<link rel="alternate" title="Newsroom stories" href="/feed/">',
        '<meta name="description" content="Trials of activists">',
        '<input type="submit" value="Sign in">',
        '<html lang="en">',
        "{{ count }} result{{ count|pluralize }}",
        '{{ summary|default:"No sentence recorded" }}',
        '{% include "filter_form.html" with heading="Filter cases" %}',
        '{% page_meta "Cases" "Trials we follow." %}',
        "{% if x %}Not published{% endif %}",
    ],
)
def test_the_check_finds_untranslated_text(source):
    """Each kind of text that would stay English is caught, so that the test above means what
    it says."""
    assert untranslated(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Page not found" %}</p>',
        "{% blocktranslate count counter=n %}{{ counter }} case{% plural %}{{ counter }} cases"
        "{% endblocktranslate %}",
        '{% blocktranslate %}See the <a href="{{ url }}">case list</a>.{% endblocktranslate %}',
        '<input placeholder="{% translate "Names" %}" class="search" type="search">',
        '<html lang="{{ LANGUAGE_CODE }}">',
        '<img alt="{{ alt }}" loading="{{ loading|default:"lazy" }}">',
        "{# a comment #}{% comment %}Another comment.{% endcomment %}<!-- and an HTML one -->",
        '<a href="/cases.csv">CSV</a> · <a href="/">Newsroom</a> &rsaquo; {{ title }}',
        '{% include "x.html" with heading=_("Filter cases") loading="eager" %}',
        '{% if step == "upload" %}{{ when|date:"j F Y" }}{% endif %}',
    ],
)
def test_the_check_lets_translated_text_code_and_comments_be(source):
    """Translated text, variables, code and comments are not flagged."""
    assert untranslated(source) == []


# The Russian catalog the tests below write: what a translator would give for the main
# navigation, the 404 page and three counts, each plural in its three Russian forms (1 дело,
# 2 дела, 5 дел).
RUSSIAN = {
    "Stories": "Материалы",
    "People": "Люди",
    "Organizations": "Организации",
    "Cases": "Дела",
    "site navigation\x04Main": "Основная навигация",
    "Page not found": "Страница не найдена",
    "There is no page at this address. It may have moved, or it may not be public.": (
        "По этому адресу нет страницы. Возможно, она переехала или не опубликована."
    ),
    (
        'Try the <a href="%(home_url)s">front page</a>, the list of '
        '<a href="%(stories_url)s">stories</a>, <a href="%(people_url)s">people</a> or '
        '<a href="%(cases_url)s">cases</a>, or search above.'
    ): (
        'Попробуйте <a href="%(home_url)s">главную страницу</a>, список '
        '<a href="%(stories_url)s">материалов</a>, <a href="%(people_url)s">людей</a> или '
        '<a href="%(cases_url)s">дел</a> либо поиск выше.'
    ),
    ("%(counter)s case", "%(counter)s cases"): [
        "%(counter)s дело",
        "%(counter)s дела",
        "%(counter)s дел",
    ],
    ("%(counter)s co-defendant", "%(counter)s co-defendants"): [
        "%(counter)s соподсудимый",
        "%(counter)s соподсудимых",
        "%(counter)s соподсудимых",
    ],
    (
        "%(counter)s other whose name was not reported",
        "%(counter)s others whose names were not reported",
    ): [
        "%(counter)s человек, чьё имя не сообщалось",
        "%(counter)s человека, чьи имена не сообщались",
        "%(counter)s человек, чьи имена не сообщались",
    ],
}


@pytest.fixture
def in_russian(tmp_path):
    """Pages rendered in Russian, through RUSSIAN written as the project's catalog."""
    write_catalog(tmp_path / "locale", "ru", RUSSIAN, RUSSIAN_PLURALS)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]), translation.override("ru"):
        yield


def test_the_main_navigation_is_in_the_reader_s_language(client, demo, in_russian):
    """The navigation of every page, its label for screen readers and the page's lang attribute
    follow the language the page is said in."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert '<nav class="site-nav" aria-label="Основная навигация">' in html
    for url, name in [
        (reverse("newsroom:article_list"), "Материалы"),
        (reverse("people:list"), "Люди"),
        (reverse("organizations:list"), "Организации"),
        (reverse("cases:list"), "Дела"),
    ]:
        assert (url, name) in links(response)


def test_the_404_page_is_in_the_reader_s_language(client, db, in_russian):
    """The 404 page's title, heading and text, its links included, come from the catalog."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<title>Страница не найдена · Newsroom</title>" in response.content.decode()
    text = page_text(response)
    assert "Страница не найдена" in text
    assert "По этому адресу нет страницы." in text
    assert (reverse("cases:list"), "дел") in links(response)
    assert "Page not found" not in text


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 дело"), (2, "2 дела"), (5, "5 дел"), (21, "21 дело")],
    ids=["1", "2", "5", "21"],
)
def test_the_case_list_counts_its_results_in_russian_plural_forms(
    client, db, in_russian, count, words
):
    """Russian has three plural forms where English has two, chosen by the number's last
    digits: the count of results is one message with every form, never "case" + "s"."""
    CaseFactory.create_batch(count)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    heading = re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', response.content.decode())
    assert heading.group(1) == words


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 соподсудимый: 1 человек, чьё имя не сообщалось"),
        (2, "2 соподсудимых: 2 человека, чьи имена не сообщались"),
        (5, "5 соподсудимых: 5 человек, чьи имена не сообщались"),
    ],
    ids=["1", "2", "5"],
)
def test_a_person_page_counts_co_defendants_in_russian_plural_forms(
    client, db, in_russian, count, words
):
    """A person's co-defendants, and those of them whose names were not reported, are counted
    in the plural form each number takes: one message per count, none put together from
    "other" + "s" and "was"/"were"."""
    case = CaseFactory()
    person = DefendantFactory(case=case).person
    for _ in range(count):
        DefendantFactory(case=case, person=PersonFactory(name_status=NOT_REPORTED, name=""))
    assert words in page_text(client.get(person.get_absolute_url()))


@pytest.mark.parametrize(
    ("language", "day"),
    [("en", "12 January 2024"), ("ru", "12 января 2024")],
    ids=["en", "ru"],
)
def test_a_story_s_dates_name_the_month_as_a_date_says_it(client, db, tmp_path, language, day):
    """A date's month is in the form the language gives it after a day: Russian "12 января",
    not the calendar heading's "Январь" (the stories, a story and its corrections)."""
    noon = datetime.datetime(2024, 1, 12, 12, 0, tzinfo=datetime.UTC)
    story = ArticleFactory(publish_at=noon)
    CorrectionFactory(article=story, published_at=noon)
    with translation.override(language):
        story_list = client.get(reverse("newsroom:article_list"))
        story_page = client.get(story.get_absolute_url())
    assert story_list.status_code == story_page.status_code == 200
    assert f">{day}</time>" in story_list.content.decode()
    assert f">{day}, 12:00 UTC</time>" in story_page.content.decode()
    assert f">{day}</time>: An earlier version" in story_page.content.decode()


def test_a_translator_puts_a_story_s_date_in_the_language_s_order(client, db, tmp_path):
    """Kazakh says the year first ("2024 жылғы 12 қаңтар"). Story dates are said through the
    same message as the partial dates of the records, so a catalog can reorder them: the story
    list, a story's publication time, its corrections and the feed."""
    write_catalog(
        tmp_path,
        "kk",
        {"%(day)d %(month)s %(year)d": "%(year)d жылғы %(day)d %(month)s"},
        "nplurals=2; plural=(n != 1);",
    )
    noon = datetime.datetime(2024, 1, 12, 12, 0, tzinfo=datetime.UTC)
    story = ArticleFactory(publish_at=noon)
    CorrectionFactory(article=story, published_at=noon)
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("kk"):
        story_list = client.get(reverse("newsroom:article_list"))
        story_page = client.get(story.get_absolute_url())
        feed = client.get(reverse("newsroom:feed"))
        month = translation.pgettext("alt. month", "January")
    assert story_list.status_code == story_page.status_code == feed.status_code == 200
    day = f"2024 жылғы 12 {month}"
    assert f">{day}</time>" in story_list.content.decode()
    assert f">{day}, 12:00 UTC</time>" in story_page.content.decode()
    assert f">{day}</time>: An earlier version" in story_page.content.decode()
    assert f"({day})" in feed.content.decode()
