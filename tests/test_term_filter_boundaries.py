"""The term filters of /cases/ at their exact and fractional month boundaries.

Terms are stored in whole months; `min_years` and `max_years` are years with up to two decimals.
A filter value becomes whole months rounded towards the inside of the range (from 5.01 years =
from 61 months, up to 4.99 years = up to 59 months), and a defendant's term matches when it
overlaps the range, both ends included. Each row below is one request through HTTP, with one case
whose term is at the boundary, next to a case that every term range finds (so an empty or error
page cannot pass for "not listed").
"""

import pytest
from django.urls import reverse

from cases.models import SentencePart
from tests.factories import CaseFactory, DefendantFactory, SentencePartFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("cases:list")
BOUNDARY_CASE = "Trial at the boundary"
ALWAYS_LISTED = "Trial with a term of 0 to 99 years"

# (stored term: shortest, longest months; None = not bounded), filters, listed?
BOUNDARY_TABLE = [
    # 5 years exactly.
    ((60, 60), {"min_years": "5"}, True),
    ((60, 60), {"min_years": "4.99"}, True),  # ceil(59.88) = 60
    ((60, 60), {"min_years": "5.01"}, False),  # ceil(60.12) = 61 > 60
    ((60, 60), {"max_years": "5"}, True),
    ((60, 60), {"max_years": "5.01"}, True),  # floor(60.12) = 60
    ((60, 60), {"max_years": "4.99"}, False),  # floor(59.88) = 59 < 60
    ((60, 60), {"min_years": "5", "max_years": "5"}, True),
    ((60, 60), {"min_years": "5.01", "max_years": "6"}, False),
    ((60, 60), {"min_years": "4", "max_years": "4.99"}, False),
    # 1 to 2 years: the longest end answers min_years, the shortest end max_years.
    ((12, 24), {"min_years": "2"}, True),
    ((12, 24), {"min_years": "2.01"}, False),  # ceil(24.12) = 25 > 24
    ((12, 24), {"max_years": "1"}, True),
    ((12, 24), {"max_years": "0.99"}, False),  # floor(11.88) = 11 < 12
    ((12, 24), {"min_years": "1.5", "max_years": "1.5"}, True),  # inside the term
    ((12, 24), {"min_years": "0.5", "max_years": "1"}, True),
    ((12, 24), {"min_years": "2", "max_years": "3"}, True),
    # 1.5 years is 18 months exactly.
    ((18, 18), {"min_years": "1.5"}, True),
    ((18, 18), {"max_years": "1.5"}, True),
    ((18, 18), {"min_years": "1.51"}, False),  # ceil(18.12) = 19
    ((18, 18), {"max_years": "1.49"}, False),  # floor(17.88) = 17
    ((17, 17), {"min_years": "1.5"}, False),
    ((19, 19), {"max_years": "1.5"}, False),
    # 1.05 years is 12.6 months: from 13 months, up to 12 months.
    ((13, 13), {"min_years": "1.05"}, True),
    ((12, 12), {"min_years": "1.05"}, False),  # ceil, not floor or round down
    ((12, 12), {"max_years": "1.05"}, True),
    ((13, 13), {"max_years": "1.05"}, False),  # floor, not ceil or round up
    # 0.25 years is 3 months exactly; 0.26 is 3.12 months.
    ((3, 3), {"min_years": "0.25"}, True),
    ((3, 3), {"min_years": "0.26"}, False),
    ((3, 3), {"max_years": "0.25"}, True),
    ((3, 3), {"max_years": "0.24"}, False),  # floor(2.88) = 2
    # Open-ended terms: "up to 5 years" is open below, "at least 5 years" open above.
    ((None, 60), {"min_years": "5"}, True),
    ((None, 60), {"min_years": "5.01"}, False),
    ((None, 60), {"max_years": "0"}, True),
    ((60, None), {"max_years": "5"}, True),
    ((60, None), {"max_years": "4.99"}, False),
    ((60, None), {"min_years": "99"}, True),
]


def row_id(row):
    (shortest, longest), filters, listed = row
    term = f"{shortest}..{longest}"
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"term {term} {query} {'listed' if listed else 'not listed'}"


def case_with_prison_term(title, shortest, longest):
    case = CaseFactory(title=title)
    SentencePartFactory(
        defendant=DefendantFactory(case=case),
        kind=SentencePart.Kind.PRISON,
        term_min_months=shortest,
        term_max_months=longest,
    )
    return case


@pytest.mark.parametrize(
    ("term", "filters", "listed"), BOUNDARY_TABLE, ids=[row_id(row) for row in BOUNDARY_TABLE]
)
def test_a_term_at_the_boundary_of_the_filter_is_listed_or_not(client, term, filters, listed):
    case_with_prison_term(ALWAYS_LISTED, 0, 99 * 12)
    case_with_prison_term(BOUNDARY_CASE, *term)

    response = client.get(LIST_URL, filters)

    assert response.status_code == 200
    titles = {case.title for case in response.context["object_list"]}
    expected = {ALWAYS_LISTED, BOUNDARY_CASE} if listed else {ALWAYS_LISTED}
    assert titles == expected
    assert (BOUNDARY_CASE in response.content.decode()) is listed
