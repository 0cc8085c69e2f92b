"""cases.parsing reads sentences and charges as reports write them (English and Russian), refuses
what it cannot read without guessing, and writes stored rows back as text it reads the same."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from cases.parsing import (
    ChargeReference,
    ParseError,
    Penalty,
    parse_charges,
    parse_sentence,
    parse_term,
    write_charges,
    write_sentence,
    write_term,
)

PRISON, RESTRICTED, LABOUR, FINE = "prison", "restricted_freedom", "compulsory_labour", "fine"


def years(shortest, longest=None):
    longest = shortest if longest is None else longest
    return {"term_min_months": round(shortest * 12), "term_max_months": round(longest * 12)}


def months(shortest, longest=None):
    longest = shortest if longest is None else longest
    return {"term_min_months": shortest, "term_max_months": longest}


# Every example of issue 7 (the case form) and issue 12 (imports), and how reports vary them.
SENTENCES = [
    ("10 years in a penal colony", [{"kind": PRISON, **years(10)}]),
    ("15 years in prison", [{"kind": PRISON, **years(15)}]),
    ("ten years in prison", [{"kind": PRISON, **years(10)}]),
    ("sentenced to 9 years in prison.", [{"kind": PRISON, **years(9)}]),
    ("3 years 6 months in prison", [{"kind": PRISON, **months(42)}]),
    ("3 years and 6 months in prison", [{"kind": PRISON, **months(42)}]),
    ("4.5 years in prison", [{"kind": PRISON, **months(54)}]),
    ("19 months in prison", [{"kind": PRISON, **months(19)}]),
    ("1-2 years in prison", [{"kind": PRISON, **years(1, 2)}]),
    ("6 to 18 months in prison", [{"kind": PRISON, **months(6, 18)}]),
    ("1 year 6 months to 2 years in prison", [{"kind": PRISON, **months(18, 24)}]),
    ("up to 2 years in prison", [{"kind": PRISON, "term_max_months": 24}]),
    ("prison", [{"kind": PRISON}]),
    ("1 to 2 years of restricted freedom", [{"kind": RESTRICTED, **years(1, 2)}]),
    ("2 to 3 years of restricted freedom", [{"kind": RESTRICTED, **years(2, 3)}]),
    ("18 months of restricted freedom", [{"kind": RESTRICTED, **months(18)}]),
    ("restricted freedom for 2 years", [{"kind": RESTRICTED, **years(2)}]),
    (
        "1 to 2 years of restricted freedom and 100 hours of compulsory labour a year",
        [{"kind": RESTRICTED, **years(1, 2)}, {"kind": LABOUR, "hours_per_year": 100}],
    ),
    (
        "2 years of restricted freedom and 100 hours of compulsory labour a year",
        [{"kind": RESTRICTED, **years(2)}, {"kind": LABOUR, "hours_per_year": 100}],
    ),
    (
        "2 years of restricted freedom (may not leave Almaty)",
        [{"kind": RESTRICTED, **years(2), "conditions": "may not leave Almaty"}],
    ),
    (
        "imprisonment in a medium-security penal colony",
        [{"kind": PRISON, "regime": "medium"}],
    ),
    (
        "5 years in a strict-regime penal colony",
        [{"kind": PRISON, **years(5), "regime": "strict"}],
    ),
    ("5 years in prison (general regime)", [{"kind": PRISON, **years(5), "regime": "general"}]),
    ("3 years in prison, suspended", [{"kind": "suspended", **years(3)}]),
    ("2 years of house arrest", [{"kind": "house_arrest", **years(2)}]),
    (
        "a fine of 100,000 KZT",
        [{"kind": FINE, "fine_amount": Decimal(100000), "fine_currency": "KZT"}],
    ),
    (
        "a fine of 50 base units",
        [{"kind": FINE, "fine_amount": Decimal(50), "fine_unit": "base_unit"}],
    ),
    (
        "10 years in prison and a fine of 2000 USD",
        [
            {"kind": PRISON, **years(10)},
            {"kind": FINE, "fine_amount": Decimal(2000), "fine_currency": "USD"},
        ],
    ),
    # Russian
    ("5 лет лишения свободы", [{"kind": PRISON, **years(5)}]),
    ("ограничение свободы на 2 года", [{"kind": RESTRICTED, **years(2)}]),
    ("3 года колонии общего режима", [{"kind": PRISON, **years(3), "regime": "general"}]),
    ("штраф 100 МРП", [{"kind": FINE, "fine_amount": Decimal(100), "fine_unit": "mrp"}]),
    (
        "5 лет лишения свободы с отбыванием наказания в колонии строгого режима",
        [{"kind": PRISON, **years(5), "regime": "strict"}],
    ),
    ("1,5 года ограничения свободы", [{"kind": RESTRICTED, **months(18)}]),
    ("3 года 6 месяцев лишения свободы", [{"kind": PRISON, **months(42)}]),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s[0] for s in SENTENCES])
def test_a_sentence_is_read_into_its_parts(text, expected):
    sentence = parse_sentence(text, country="BY")
    assert sentence.parts == [Penalty(**part) for part in expected]
    assert sentence.in_absentia is False


@pytest.mark.parametrize("text", ["8 years in a penal colony in absentia", "заочно 8 лет колонии"])
def test_in_absentia_is_read_apart_from_the_penalty(text):
    sentence = parse_sentence(text)
    assert sentence.in_absentia is True
    assert sentence.parts == [Penalty(kind=PRISON, **years(8))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6 years", years(6)), ("1-2 years", years(1, 2)), ("19 months", months(19))],
)
def test_a_term_alone_takes_the_kind_given_in_another_column(text, expected):
    assert parse_sentence(text, default_kind=PRISON).parts == [Penalty(kind=PRISON, **expected)]


def test_rubles_are_read_by_the_country_of_the_case():
    assert parse_sentence("a fine of 500 rubles", country="BY").parts[0].fine_currency == "BYN"
    assert parse_sentence("a fine of 500 rubles", country="RU").parts[0].fine_currency == "RUB"
    with pytest.raises(ParseError, match="which rubles"):
        parse_sentence("a fine of 500 rubles", country="KZ")


def test_an_empty_sentence_has_no_parts():
    assert parse_sentence("  ").parts == []


UNREADABLE_SENTENCES = [
    ("8 years", "say which penalty"),
    ("8 years in absentia", "say which penalty"),
    ("life imprisonment", "Could not read “life”"),
    ("10 years in prison with a ban on travel", "Could not read “ban travel”"),
    ("4.3 years in prison", "not a whole number of months"),
    ("3 to 1 years in prison", "The shortest term cannot be longer than the longest term"),
    ("240 hours of compulsory labour", "kept per year"),
    ("10 years in prison of restricted freedom", "more than one penalty"),
    (
        "2 years of restricted freedom in a strict-regime penal colony",
        "a prison regime goes with a prison term only",
    ),
    ("a fine of 100 KZT for 2 years in prison", "more than one penalty"),
    ("correctional labour for 1 year", "Could not read “correctional labour”"),
]


@pytest.mark.parametrize(
    ("text", "message"), UNREADABLE_SENTENCES, ids=[s[0] for s in UNREADABLE_SENTENCES]
)
def test_what_cannot_be_read_is_an_error_naming_the_text_never_a_guess(text, message):
    with pytest.raises(ParseError) as error:
        parse_sentence(text)
    assert message in error.value.message
    assert error.value.fragment


TERMS = [
    ("15 years", (180, 180)),
    ("1 to 2 years", (12, 24)),
    ("1-2 years", (12, 24)),
    ("18 months", (18, 18)),
    ("3 years 6 months", (42, 42)),
    ("4.5 years", (54, 54)),
    ("1 year 6 months to 2 years 6 months", (18, 30)),
    ("up to 2 years", (None, 24)),
    ("at least 3 years", (36, None)),
    ("2 года", (24, 24)),
    ("", (None, None)),
]


@pytest.mark.parametrize(("text", "expected"), TERMS, ids=[t[0] or "empty" for t in TERMS])
def test_a_term_is_read_in_years_and_months_and_stored_in_months(text, expected):
    assert parse_term(text) == expected


@pytest.mark.parametrize("text", ["180", "years", "5 years in prison", "2 weeks", "3 to 1 years"])
def test_a_term_box_takes_a_term_only(text):
    with pytest.raises(ParseError):
        parse_term(text)


@pytest.mark.parametrize(
    "term", [(120, 120), (12, 24), (6, 18), (18, 30), (None, 24), (36, None), (54, 54), (7, 7)]
)
def test_every_term_is_written_back_as_text_that_reads_the_same(term):
    assert parse_term(write_term(*term)) == term


CHARGES = [
    (
        "Art. 228 (smuggling); Art. 342 (financing group actions that grossly violate public "
        "order)",
        [
            ChargeReference("228", "Criminal Code", "", "smuggling"),
            ChargeReference(
                "342",
                "Criminal Code",
                "",
                "financing group actions that grossly violate public order",
            ),
        ],
    ),
    ("ч. 2 ст. 174 УК РК", [ChargeReference("174 part 2", "Criminal Code", "KZ", "")]),
    ("статья 342 УК РБ", [ChargeReference("342", "Criminal Code", "BY", "")]),
    (
        "Part 2 of Art. 285 of the Criminal Code — Participation in a criminal organization",
        [
            ChargeReference(
                "285 part 2", "Criminal Code", "", "Participation in a criminal organization"
            )
        ],
    ),
    (
        "Article 174(2) of the Criminal Code of the Republic of Kazakhstan (inciting discord)",
        [ChargeReference("174 part 2", "Criminal Code", "KZ", "inciting discord")],
    ),
    (
        "Art. 293 of the Criminal Code of Belarus: organising mass riots",
        [ChargeReference("293", "Criminal Code", "BY", "organising mass riots")],
    ),
    (
        "Art. 20.2 of the Code of Administrative Offences (unauthorised protest)",
        [ChargeReference("20.2", "Code of Administrative Offences", "", "unauthorised protest")],
    ),
    ("Art. 405-2", [ChargeReference("405-2", "Criminal Code", "", "")]),
    ("extremism-related charges", [ChargeReference("", "", "", "extremism-related charges")]),
    (
        "Art. 228 (smuggling)\nArt. 228 (smuggling)",
        [ChargeReference("228", "Criminal Code", "", "smuggling")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CHARGES, ids=[c[0][:40] for c in CHARGES])
def test_charges_are_read_into_code_article_and_description(text, expected):
    assert parse_charges(text) == expected


@pytest.mark.parametrize(
    "text", ["Art. (smuggling)", "Art. 228 smuggling", "ч. 2 ст. 174 УК ЖЖ", "228 (smuggling)"]
)
def test_a_charge_that_cannot_be_read_is_an_error(text):
    with pytest.raises(ParseError):
        parse_charges(text)


def penalty_rows(*penalties):
    return [SimpleNamespace(**Penalty(**p).field_values()) for p in penalties]


@pytest.mark.parametrize(
    "parts",
    [
        [{"kind": PRISON, **years(10)}],
        [{"kind": PRISON, **years(3), "regime": "general"}],
        [{"kind": RESTRICTED, **years(1, 2)}, {"kind": LABOUR, "hours_per_year": 100}],
        [{"kind": RESTRICTED, **years(2), "conditions": "may not leave Almaty"}],
        [{"kind": FINE, "fine_amount": Decimal("100000.00"), "fine_currency": "KZT"}],
        [{"kind": "suspended", **months(30)}],
        [{"kind": "probation", **years(1)}],
        [{"kind": PRISON}],
        [],
    ],
)
def test_stored_parts_are_written_back_as_text_that_reads_the_same(parts):
    rows = penalty_rows(*parts)
    text = write_sentence([Penalty.from_row(row) for row in rows])
    assert text is not None
    assert parse_sentence(text).parts == [Penalty.from_row(row) for row in rows]


@pytest.mark.parametrize(
    "parts",
    [
        [{"kind": "other", "conditions": "deprived of the right to work as a journalist"}],
        [{"kind": PRISON, **years(3), "regime": "other"}],
        [{"kind": RESTRICTED, **years(2), "conditions": "no (night) outings"}],
        [{"kind": RESTRICTED, **years(2), "conditions": "general regime"}],
        [{"kind": RESTRICTED, **years(2), "regime": "general"}],
    ],
)
def test_parts_the_text_cannot_hold_are_not_written_as_text(parts):
    assert write_sentence([Penalty.from_row(row) for row in penalty_rows(*parts)]) is None


def charge(article, legal_code, country, description):
    return SimpleNamespace(
        article=article, legal_code=legal_code, country=country, description=description
    )


def test_charges_of_the_case_country_are_written_back_briefly():
    charges = [
        charge("228", "Criminal Code", "BY", "smuggling"),
        charge("174 part 2", "Criminal Code", "BY", "inciting discord"),
        charge("", "", "BY", "extremism-related charges"),
    ]
    assert write_charges(charges, "BY") == (
        "Art. 228 (smuggling); Part 2 of Art. 174 (inciting discord); extremism-related charges"
    )


def test_charges_of_another_code_or_country_say_so():
    charges = [
        charge("20.2", "Code of Administrative Offences", "RU", "unauthorised protest"),
        charge("293", "Criminal Code", "BY", "mass riots"),
    ]
    text = write_charges(charges, "RU")
    assert text == (
        "Art. 20.2 of the Code of Administrative Offences (unauthorised protest); "
        "Art. 293 of the Criminal Code of Belarus (mass riots)"
    )


@pytest.mark.parametrize(
    "stored",
    [
        charge("228", "", "BY", "smuggling"),  # an article with no code
        charge("", "Criminal Code", "BY", "riots"),  # a code with no article
        charge("", "", "KZ", "riots"),  # a description only, of another country
        charge("228", "Criminal Code", "BY", "smuggling (of goods)"),
    ],
)
def test_charges_the_text_cannot_hold_are_not_written_as_text(stored):
    assert write_charges([stored], "BY") is None
