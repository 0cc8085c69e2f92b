"""Filters a reader can use on a phone (issue 13): terms typed with a decimal comma or point,
the filters behind a disclosure that names the active ones, Apply leading to the results, and
options with no results folded under "more" (still selectable). The browser side (sizes, the
first screen) is in tests/browser/test_phone_filters.py."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases.models import SentencePart
from tests.factories import CaseFactory, DefendantFactory, SentencePartFactory
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

CASES_URL = reverse("cases:list")
PEOPLE_URL = reverse("people:list")
DVK = "democratic-choice-of-kazakhstan"


class _FormReader(HTMLParser):
    """The filter page's parts as a test needs them: the disclosure, the form, the results
    section and heading, and each checkbox with whether it is folded under "more"."""

    def __init__(self):
        super().__init__()
        self.disclosures = []  # attributes of each <details class="filters-disclosure">
        self.summaries = []  # text of each disclosure summary
        self.forms = []
        self.by_id = {}
        self.checkboxes = []  # (name, value, checked, folded)
        self.text_inputs = {}  # name -> attributes
        self._details = []  # classes of the open <details> elements
        self._summary = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.by_id[attrs["id"]] = (tag, attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "details":
            self._details.append(classes)
            if "filters-disclosure" in classes:
                self.disclosures.append(attrs)
        if tag == "summary" and "filters-disclosure__summary" in classes:
            self._summary = []
        if tag == "form":
            self.forms.append(attrs)
        if tag == "input" and attrs.get("type") == "checkbox":
            folded = any("filter__more" in classes for classes in self._details)
            self.checkboxes.append((attrs["name"], attrs["value"], "checked" in attrs, folded))
        elif tag == "input":
            self.text_inputs[attrs.get("name")] = attrs

    def handle_endtag(self, tag):
        if tag == "details" and self._details:
            self._details.pop()
        if tag == "summary" and self._summary is not None:
            self.summaries.append(" ".join("".join(self._summary).split()))
            self._summary = None

    def handle_data(self, data):
        if self._summary is not None:
            self._summary.append(data)


def read_form(response):
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader


def listed(response):
    assert response.status_code == 200
    return [item.pk for item in response.context["object_list"]]


@pytest.fixture
def terms():
    """Cases with prison terms of 6 months, 1 to 2 years, 18 months, 5 years and 15 years."""
    cases = {}
    for name, months in [
        ("half-year", (6, 6)),
        ("one-to-two", (12, 24)),
        ("eighteen-months", (18, 18)),
        ("five-years", (60, 60)),
        ("fifteen-years", (180, 180)),
    ]:
        case = CaseFactory(title=name, slug=name)
        SentencePartFactory(
            defendant=DefendantFactory(case=case),
            kind=SentencePart.Kind.PRISON,
            term_min_months=months[0],
            term_max_months=months[1],
        )
        cases[name] = case
    return cases


# Decimal commas and points in the term fields.


@pytest.mark.parametrize(
    ("comma", "point"),
    [
        ({"min_years": "1,5"}, {"min_years": "1.5"}),
        ({"max_years": "1,5"}, {"max_years": "1.5"}),
        ({"min_years": "0,5", "max_years": "1,5"}, {"min_years": "0.5", "max_years": "1.5"}),
        ({"min_years": "1,25", "max_years": "5"}, {"min_years": "1.25", "max_years": "5"}),
        ({"min_years": " 1,5 "}, {"min_years": "1.5"}),
    ],
)
def test_a_term_with_a_decimal_comma_gives_the_same_cases_as_with_a_point(
    client, terms, comma, point
):
    with_point = client.get(CASES_URL, point)
    with_comma = client.get(CASES_URL, comma)
    assert with_comma.context["filter"].form.errors == {}
    assert listed(with_comma) == listed(with_point) != []


def test_one_comma_five_is_one_and_a_half_years_never_fifteen(client, terms):
    up_to = client.get(CASES_URL, {"max_years": "1,5"})
    assert sorted(case.slug for case in up_to.context["object_list"]) == [
        "eighteen-months",
        "half-year",
        "one-to-two",
    ]
    from_ = client.get(CASES_URL, {"min_years": "1,5"})
    assert "eighteen-months" in [case.slug for case in from_.context["object_list"]]
    assert "eighteen-months" not in [
        case.slug for case in client.get(CASES_URL, {"min_years": "15"}).context["object_list"]
    ]


@pytest.mark.parametrize("value", ["1,5,5", "1.5,5", "1.000,5", "1,000.5", "1_5", ",", "1 5"])
def test_a_term_that_is_not_one_number_is_a_form_error_not_a_500(client, terms, value):
    response = client.get(CASES_URL, {"min_years": value})
    assert response.status_code == 200
    assert "min_years" in response.context["filter"].form.errors
    assert listed(response) == []
    assert "Some filters are not valid, so no results are shown" in page_text(response)


def test_a_term_typed_with_a_comma_reads_as_typed_and_can_be_removed(client, terms):
    response = client.get(CASES_URL, {"min_years": "1,5", "sentence": "prison"})
    removals = {active.label: active.remove_query for active in response.context["active_filters"]}
    assert removals["Term from 1,5 years"] == "?sentence=prison"
    form = read_form(response)
    assert form.text_inputs["min_years"]["value"] == "1,5"
    assert form.summaries == ["Filters: Prison, Term from 1,5 years"]


def test_pagination_keeps_a_term_typed_with_a_comma(client):
    for number in range(25):
        case = CaseFactory(title=f"Trial {number:02d}")
        SentencePartFactory(defendant=DefendantFactory(case=case), term_min_months=18)
    response = client.get(CASES_URL, {"min_years": "1,5"})
    assert response.context["result_count"] == 25
    assert "?min_years=1%2C5&amp;page=2" in response.content.decode()
    second = client.get(CASES_URL, {"min_years": "1,5", "page": "2"})
    assert len(second.context["object_list"]) == 5


def test_term_fields_are_text_boxes_with_a_decimal_keyboard(client, db):
    """A browser's number box drops a typed comma ("1,5" was sent as 15)."""
    inputs = read_form(client.get(CASES_URL)).text_inputs
    for name in ("min_years", "max_years"):
        assert inputs[name]["type"] == "text"
        assert inputs[name]["inputmode"] == "decimal"


# The disclosure, Apply leading to the results, and the fold.


@pytest.mark.parametrize(("url", "noun"), [(CASES_URL, "case"), (PEOPLE_URL, "people")])
def test_the_filters_are_a_closed_disclosure_and_apply_leads_to_the_results(
    client, demo, url, noun
):
    response = client.get(url)
    form = read_form(response)
    assert len(form.disclosures) == 1 and "open" not in form.disclosures[0]
    assert form.summaries == [f"Filter {'cases' if noun == 'case' else 'people'}"]
    filter_forms = [attrs for attrs in form.forms if attrs.get("class") == "filters"]
    assert [attrs["action"] for attrs in filter_forms] == [f"{url}#results"]
    assert form.by_id["results"][0] == "section"
    heading_tag, heading = form.by_id["results-heading"]
    assert heading_tag == "h2" and heading["tabindex"] == "-1"
    assert response.context["result_count"] > 0


def test_the_closed_disclosure_names_the_active_filters(client, demo):
    response = client.get(CASES_URL, {"organization": "koshe-party", "sentence": "prison"})
    form = read_form(response)
    assert form.summaries == ["Filters: Koshe party, Prison"]
    assert "open" not in form.disclosures[0]
    assert response.context["result_count"] == 1
    people = read_form(client.get(PEOPLE_URL, {"organization": DVK, "status": "imprisoned"}))
    assert people.summaries == ["Filters: Democratic Choice of Kazakhstan, In prison now"]


def test_the_disclosure_is_open_when_a_filter_is_not_valid(client, demo):
    response = client.get(CASES_URL, {"min_years": "1,5,5"})
    form = read_form(response)
    assert "open" in form.disclosures[0]
    assert form.summaries == ["Filters: Term from (years): 1,5,5 (not valid)"]


def test_links_that_change_the_filters_lead_back_to_the_results(client, demo):
    response = client.get(CASES_URL, {"organization": "koshe-party", "sentence": "prison"})
    body = response.content.decode()
    assert f'href="{CASES_URL}?organization=koshe-party#results"' in body
    assert f'href="{CASES_URL}#results">Clear all filters</a>' in body


def test_options_with_no_results_are_folded_under_more_and_stay_selectable(client, demo):
    response = client.get(CASES_URL)
    form = read_form(response)
    counts = {option.value: option.count for option in response.context["facets"]["sentence"]}
    sentence_boxes = {
        value: folded for name, value, _, folded in form.checkboxes if name == "sentence"
    }
    assert sentence_boxes["prison"] is False and counts["prison"] > 0
    assert sentence_boxes["fine"] is True and counts["fine"] == 0
    assert all(folded == (counts[value] == 0) for value, folded in sentence_boxes.items())
    assert "more, with no results" in page_text(response)

    # Selected, an option with no results is shown (ticked) outside the fold.
    selected = read_form(client.get(CASES_URL, {"sentence": "fine"}))
    assert ("sentence", "fine", True, False) in selected.checkboxes


def test_the_people_list_folds_its_empty_options_too(client, demo):
    response = client.get(PEOPLE_URL)
    counts = {option.value: option.count for option in response.context["facets"]["sentence"]}
    boxes = {
        value: folded
        for name, value, _, folded in read_form(response).checkboxes
        if name == "sentence"
    }
    assert boxes and all(folded == (counts[value] == 0) for value, folded in boxes.items())
    assert any(boxes.values()) and not all(boxes.values())
