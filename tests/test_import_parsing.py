"""Imports read every date and sentence string of issue 12 into exactly what they say: partial
dates at the precision given (anything else is an error), sentence parts with kind, term in
months, hours a year, fine amount and unit, regime; a separate penalty-kind column; charges."""

from decimal import Decimal

import pytest

from newsroom.imports.mapping import Mapping, guess_mapping
from newsroom.imports.rows import parse_row
from newsroom.partial_dates import PartialDate, parse_reported_date

DATES = [
    ("2018", PartialDate(2018), "year"),
    ("2018-03", PartialDate(2018, 3), "month"),
    ("2018-03-14", PartialDate(2018, 3, 14), "day"),
    ("14.03.2018", PartialDate(2018, 3, 14), "day"),
    ("4.7.2021", PartialDate(2021, 7, 4), "day"),
    ("22 November 2013", PartialDate(2013, 11, 22), "day"),
    ("март 2018", PartialDate(2018, 3), "month"),
    ("14 марта 2018", PartialDate(2018, 3, 14), "day"),
]


@pytest.mark.parametrize(("text", "date", "precision"), DATES)
def test_each_date_form_of_the_issue_is_read_at_exactly_its_precision(text, date, precision):
    parsed = parse_reported_date(text)
    assert parsed == date
    assert parsed.precision == precision


@pytest.mark.parametrize(
    "text",
    ["2018-02-30", "30.02.2018", "31 апреля 2018", "19812", "1952-08021", "soon", "03/14/2018"],
)
def test_any_other_date_text_is_an_error_never_a_guess(text):
    with pytest.raises(ValueError):
        parse_reported_date(text)


MAPPING = Mapping.from_dict(
    {
        "columns": {
            "name": "name",
            "sentence": "sentence",
            "penalty_kind": "kind",
            "charges": ["charge"],
        },
        "country": "KZ",
    }
)


def parts_of(sentence, kind="", charge=""):
    row = parse_row(2, {"name": "A", "sentence": sentence, "kind": kind, "charge": charge}, MAPPING)
    assert not row.errors, row.errors
    return row


def fields(penalty):
    values = {k: v for k, v in penalty.field_values().items() if v not in (None, "")}
    return values


SENTENCES = [
    ("6 years", "imprisonment", [{"kind": "prison", "term_min_months": 72, "term_max_months": 72}]),
    (
        "3 years 6 months",
        "imprisonment",
        [{"kind": "prison", "term_min_months": 42, "term_max_months": 42}],
    ),
    (
        "4.5 years",
        "imprisonment",
        [{"kind": "prison", "term_min_months": 54, "term_max_months": 54}],
    ),
    (
        "1-2 years",
        "restricted freedom",
        [{"kind": "restricted_freedom", "term_min_months": 12, "term_max_months": 24}],
    ),
    (
        "19 months",
        "imprisonment",
        [{"kind": "prison", "term_min_months": 19, "term_max_months": 19}],
    ),
    (
        "restricted freedom for 2 years",
        "",
        [{"kind": "restricted_freedom", "term_min_months": 24, "term_max_months": 24}],
    ),
    (
        "2 years of restricted freedom and 100 hours of compulsory labour a year",
        "",
        [
            {"kind": "restricted_freedom", "term_min_months": 24, "term_max_months": 24},
            {"kind": "compulsory_labour", "hours_per_year": 100},
        ],
    ),
    (
        "a fine of 50 base units",
        "",
        [{"kind": "fine", "fine_amount": Decimal(50), "fine_unit": "base_unit"}],
    ),
    (
        "5 лет лишения свободы",
        "",
        [{"kind": "prison", "term_min_months": 60, "term_max_months": 60}],
    ),
    (
        "ограничение свободы на 2 года",
        "",
        [{"kind": "restricted_freedom", "term_min_months": 24, "term_max_months": 24}],
    ),
    (
        "3 года колонии общего режима",
        "",
        [{"kind": "prison", "term_min_months": 36, "term_max_months": 36, "regime": "general"}],
    ),
    ("штраф 100 МРП", "", [{"kind": "fine", "fine_amount": Decimal(100), "fine_unit": "mrp"}]),
    (
        "6 years",
        "imprisonment in a medium-security penal colony",
        [{"kind": "prison", "term_min_months": 72, "term_max_months": 72, "regime": "medium"}],
    ),
]


@pytest.mark.parametrize(("sentence", "kind", "expected"), SENTENCES)
def test_each_sentence_of_the_issue_is_read_into_its_parts(sentence, kind, expected):
    row = parts_of(sentence, kind)
    assert [fields(part) for part in row.penalties] == expected
    assert row.verdict == "convicted"
    assert row.warnings == []


def test_a_sentence_that_cannot_be_read_is_kept_as_text_of_kind_other_and_reported():
    row = parts_of("life imprisonment with confiscation")
    assert [fields(part) for part in row.penalties] == [
        {"kind": "other", "conditions": "life imprisonment with confiscation"}
    ]
    assert "kept as text" in row.warnings[0]


@pytest.mark.parametrize(
    ("text", "article", "code", "country", "description"),
    [
        (
            "Part 2 of Art. 285 of the Criminal Code — Participation in a criminal organization",
            "285 part 2",
            "Criminal Code",
            "",
            "Participation in a criminal organization",
        ),
        ("ч. 2 ст. 174 УК РК", "174 part 2", "Criminal Code", "KZ", ""),
    ],
)
def test_each_charge_of_the_issue_becomes_code_article_and_description(
    text, article, code, country, description
):
    (charge,) = parts_of("", charge=text).charges
    assert (charge.article, charge.legal_code, charge.country, charge.description) == (
        article,
        code,
        country,
        description,
    )


def test_a_formula_in_a_cell_is_refused_never_evaluated():
    row = parse_row(3, {"name": '=HYPERLINK("http://x.example","A")', "sentence": ""}, MAPPING)
    assert row.errors and "formula" in row.errors[0]


def test_the_mapping_is_guessed_from_the_header():
    mapping = guess_mapping(
        [
            "Full name",
            "Date of Birth",
            "Organization",
            "Sentence",
            "Penalty kind",
            "Source",
            "articles/0",
            "articles/1",
            "Place",
        ]
    )
    assert mapping.columns == {
        "name": "Full name",
        "birth_date": "Date of Birth",
        "organization": "Organization",
        "sentence": "Sentence",
        "penalty_kind": "Penalty kind",
        "source_url": "Source",
        "charges": ["articles"],
        "city": "Place",
    }
