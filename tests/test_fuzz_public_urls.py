"""No input breaks the site: random and hostile values in every public URL and parameter give
200, 400 or 404, never a 500.

The public URL patterns come from the URL resolver (as in test_public_leaks.py), so a new page is
fuzzed without touching this file.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import SlugConverter, StringConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.test_public_leaks import PUBLIC_PATTERNS

pytestmark = pytest.mark.django_db

ALLOWED = {200, 400, 404}
FILTER_PARAMETERS = [
    "q",
    "organization",
    "charge",
    "sentence",
    "min_years",
    "max_years",
    "status",
    "year",
    "country",
    "page",
    "format",
    "sort",
]

hostile_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "'",
        '"',
        "' OR 1=1 --",
        "1; DROP TABLE people_person; --",
        "%",
        "_",
        "\\",
        "%00",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "{{ 7*7 }}",
        "{% debug %}",
        "../../etc/passwd",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "1e-308",
        "-1",
        "0",
        "-0",
        "0.5",
        "1,5",
        "٣",  # an Arabic-Indic digit
        "１２",  # full-width digits
        "9" * 30,
        "-" + "9" * 30,
        str(2**63),
        str(-(2**63) - 1),
        "2024",
        "0000",
        "99999",
        "kz",
        "KZ",
        "xx",
        "prison",
        "sentenced",
        "imprisoned",
        "Қайрат",
        "Абай",
        "🙂",
        "\u202e",
        "\ufeff",
        "\ud7ff",
        "x" * 5000,
        "a " * 400,
    ]
)
integers_as_text = st.integers(min_value=-(2**70), max_value=2**70).map(str)
decimals_as_text = st.floats(allow_nan=True, allow_infinity=True).map(repr)
any_text = st.text(max_size=300)
parameter_value = st.one_of(hostile_text, integers_as_text, decimals_as_text, any_text)
parameter_name = st.one_of(st.sampled_from(FILTER_PARAMETERS), st.text(min_size=1, max_size=20))
# Lists of pairs, so that a parameter may be repeated (?status=a&status=b).
query = st.lists(st.tuples(parameter_name, parameter_value), max_size=8)

slug_text = st.one_of(
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,120}\Z"),
    st.sampled_from(["person-0000000000", "-", "_", "a" * 100]),
)
path_text = st.one_of(hostile_text, any_text.filter(bool))


def fill(converters, draw_slug):
    return dict.fromkeys(converters, draw_slug)


def fuzzable_patterns():
    names = []
    for name, converters in sorted(PUBLIC_PATTERNS.items()):
        if all(isinstance(c, SlugConverter | StringConverter) for c in converters.values()):
            names.append(name)
    return names


@pytest.fixture
def data(db):
    """A little of everything, so that filters and pages have rows to work on."""
    defendant = DefendantFactory()
    SentencePartFactory(defendant=defendant)
    MembershipFactory(person=defendant.person)
    defendant.case.stories.add(ArticleFactory())
    PersonFactory(name_status="withheld", name="Someone Withheld")
    CaseFactory(is_published=False)


def as_query_dict(pairs):
    params = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


@settings(
    max_examples=150,
    deadline=None,
    # No example database left in the work tree; failures print their example.
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(fuzzable_patterns()),
    slug=slug_text,
    pairs=query,
)
def test_public_urls_answer_200_400_or_404_to_any_parameters(data, name, slug, pairs):
    client = Client(raise_request_exception=False)
    converters = PUBLIC_PATTERNS[name]
    url = reverse(name, kwargs=fill(converters, slug)) if converters else reverse(name)
    response = client.get(url, as_query_dict(pairs))
    assert response.status_code in ALLOWED, (url, pairs, response.status_code)


@settings(
    max_examples=40,
    deadline=None,
    # No example database left in the work tree; failures print their example.
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(fuzzable_patterns()), text=path_text)
def test_any_text_in_a_public_path_answers_404_not_500(data, name, text):
    client = Client(raise_request_exception=False)
    converters = PUBLIC_PATTERNS[name]
    url = reverse(name, kwargs=fill(converters, "x")) if converters else reverse(name)
    response = client.get(url + text.replace("\x00", "%00"))
    assert response.status_code in ALLOWED | {301, 302}, (url, text, response.status_code)


@pytest.mark.parametrize("name", fuzzable_patterns())
@pytest.mark.parametrize(
    "value",
    ["\x00", "9" * 40, "-" + "9" * 40, "1e400", "NaN", "x" * 10000, "' OR 1=1 --"],
    ids=["nul", "huge", "huge-negative", "overflowing-float", "nan", "very-long", "sql"],
)
def test_every_filter_parameter_survives_the_classic_hostile_values(data, client, name, value):
    """The worst values for every parameter at once, checked every run (hypothesis may not
    draw them)."""
    converters = PUBLIC_PATTERNS[name]
    url = reverse(name, kwargs=fill(converters, "x")) if converters else reverse(name)
    params = {parameter: [value, value] for parameter in FILTER_PARAMETERS}
    client.raise_request_exception = False
    response = client.get(url, params)
    assert response.status_code in ALLOWED, (url, value, response.status_code)
