"""Sentences and charges as reports and editors write them, read into the fields we store.

One reader for the admin's case form and for imports (issue 12), in English and Russian:

    parse_sentence("1 to 2 years of restricted freedom and 100 hours of compulsory labour a year")
    -> Sentence(parts=[Penalty(kind="restricted_freedom", term_min_months=12,
       term_max_months=24), Penalty(kind="compulsory_labour", hours_per_year=100)])
    parse_charges("Art. 228 (smuggling); ч. 2 ст. 174 УК РК")
    -> [ChargeReference(article="228", legal_code="Criminal Code", description="smuggling"),
        ChargeReference(article="174 part 2", legal_code="Criminal Code", country="KZ")]

Nothing is guessed: a word the reader does not know, a part without a penalty kind, a term that
is not a whole number of months, all raise ParseError with a message for the editor (and the
fragment concerned, so that an importer can report it and keep the text).

`write_sentence` and `write_charges` turn stored rows back into text that reads back to exactly
the same rows, or return None when the text cannot say everything the rows hold.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class ParseError(ValueError):
    """Text that cannot be read without guessing. `message` is for the editor."""

    def __init__(self, message, fragment=""):
        super().__init__(message)
        self.message = message
        self.fragment = fragment


# Penalty kinds and prison regimes: the values of SentencePart.Kind and PrisonRegime.
PRISON = "prison"
RESTRICTED_FREEDOM = "restricted_freedom"
COMPULSORY_LABOUR = "compulsory_labour"
FINE = "fine"
SUSPENDED = "suspended"
HOUSE_ARREST = "house_arrest"
PROBATION = "probation"


@dataclass(frozen=True)
class Penalty:
    """One part of a sentence, with SentencePart's field names."""

    kind: str
    term_min_months: int | None = None
    term_max_months: int | None = None
    hours_per_year: int | None = None
    fine_amount: Decimal | None = None
    fine_currency: str = ""
    regime: str = ""
    conditions: str = ""
    # A fine counted in an indexed unit rather than money: "base_unit" (Belarus's base value),
    # "mrp" (Kazakhstan's monthly calculation index); SentencePart.fine_unit.
    fine_unit: str = ""

    @classmethod
    def from_row(cls, row):
        """The penalty a stored SentencePart (or anything with its fields) holds."""
        return cls(
            kind=row.kind,
            term_min_months=row.term_min_months,
            term_max_months=row.term_max_months,
            hours_per_year=row.hours_per_year,
            fine_amount=row.fine_amount,
            fine_currency=row.fine_currency or "",
            fine_unit=getattr(row, "fine_unit", "") or "",
            regime=row.regime or "",
            conditions=row.conditions or "",
        )

    def field_values(self):
        """{SentencePart field: value}, to create or update a row."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Sentence:
    parts: list = field(default_factory=list)
    in_absentia: bool = False


@dataclass(frozen=True)
class ChargeReference:
    """A charge as written: `country` and `legal_code` are "" when the text does not say."""

    article: str = ""  # "228", "405-2", "174 part 2"
    legal_code: str = ""
    country: str = ""  # ISO 3166 code
    description: str = ""


# Text clean-up ---------------------------------------------------------------------------

DASHES_RE = re.compile(r"[\u2010-\u2015\u2212]")
SPACES_RE = re.compile(r"\s+")


def _normalise(text):
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    text = DASHES_RE.sub("-", text).replace("ё", "е").replace("Ё", "Е")
    return SPACES_RE.sub(" ", text).strip()


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-five": 25, "thirty": 30,
}  # fmt: skip
NUMBER_WORDS_RE = re.compile(
    r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def _split_outside_brackets(text, separator_re):
    """Split `text` on `separator_re`, except inside (brackets)."""
    pieces, depth, start = [], 0, 0
    position = 0
    while position < len(text):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            match = separator_re.match(text, position)
            if match and match.end() > position:
                pieces.append(text[start:position])
                start = position = match.end()
                continue
        position += 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


# Terms -----------------------------------------------------------------------------------

NUMBER = r"\d+(?:[.,]\d+)?"
YEARS = r"(?:years?|yrs?|лет|годам|года|год)"
MONTHS = r"(?:months?|месяцам|месяцев|месяца|месяц|мес\.?)"
DURATION = rf"(?:{NUMBER}\s*{YEARS}(?:\s*(?:and|и)?\s*{NUMBER}\s*{MONTHS})?|{NUMBER}\s*{MONTHS})"
RANGE_WORD = r"(?:to|-|до)"

# "1 to 2 years", "1-2 years", "от 1 до 2 лет", "6 to 18 months": one unit for both numbers.
SHARED_UNIT_RANGE_RE = re.compile(
    rf"(?<![\w.,])(?:от\s+|from\s+)?({NUMBER})\s*{RANGE_WORD}\s*({NUMBER})\s*({YEARS}|{MONTHS})(?!\w)"
)
# "1 year 6 months to 2 years".
RANGE_RE = re.compile(
    rf"(?<![\w.,])(?:от\s+|from\s+)?({DURATION})\s*{RANGE_WORD}\s*({DURATION})(?!\w)"
)
UP_TO_RE = re.compile(rf"(?<![\w.,])(?:up\s+to|not\s+more\s+than)\s+({DURATION})(?!\w)")
AT_LEAST_RE = re.compile(rf"(?<![\w.,])(?:at\s+least|not\s+less\s+than)\s+({DURATION})(?!\w)")
DURATION_RE = re.compile(rf"(?<![\w.,])({DURATION})(?!\w)")
DURATION_PARTS_RE = re.compile(
    rf"^(?:({NUMBER})\s*{YEARS}(?:\s*(?:and|и)?\s*({NUMBER})\s*{MONTHS})?|({NUMBER})\s*{MONTHS})$"
)
YEARS_RE = re.compile(rf"^{YEARS}$")


def _number(text):
    return Decimal(text.replace(",", "."))


# The largest number SentencePart's term and hours fields hold (a small integer).
LARGEST_NUMBER = 32767


def _whole_months(months, fragment):
    if months != months.to_integral_value():
        raise ParseError(
            _("“%(text)s” is not a whole number of months.") % {"text": fragment}, fragment
        )
    return _within_range(int(months), fragment)


def _within_range(number, fragment):
    if number > LARGEST_NUMBER:
        raise ParseError(
            _("“%(text)s” is too large to be stored: check the number.") % {"text": fragment},
            fragment,
        )
    return number


def _duration_months(text):
    """ "3 years 6 months" -> 42, "4.5 years" -> 54, "18 months" -> 18."""
    match = DURATION_PARTS_RE.match(text.strip())
    years, months, only_months = match.groups()
    if only_months is not None:
        return _whole_months(_number(only_months), text)
    total = _number(years) * 12 + (_number(months) if months else 0)
    return _whole_months(total, text)


def _check_order(shortest, longest, fragment):
    if shortest is not None and longest is not None and shortest > longest:
        raise ParseError(
            _("The shortest term cannot be longer than the longest term. You wrote “%(text)s”.")
            % {"text": fragment},
            fragment,
        )


def _take_term(text):
    """(term_min_months, term_max_months, text without the term); (None, None, text) when the
    text gives no term."""
    match = SHARED_UNIT_RANGE_RE.search(text)
    if match:
        first, second, unit = match.groups()
        factor = 12 if YEARS_RE.match(unit) else 1
        fragment = match.group(0).strip()
        shortest = _whole_months(_number(first) * factor, fragment)
        longest = _whole_months(_number(second) * factor, fragment)
        _check_order(shortest, longest, fragment)
        return shortest, longest, _cut(text, match)
    match = RANGE_RE.search(text)
    if match:
        fragment = match.group(0).strip()
        shortest, longest = _duration_months(match.group(1)), _duration_months(match.group(2))
        _check_order(shortest, longest, fragment)
        return shortest, longest, _cut(text, match)
    match = UP_TO_RE.search(text)
    if match:
        return None, _duration_months(match.group(1)), _cut(text, match)
    match = AT_LEAST_RE.search(text)
    if match:
        return _duration_months(match.group(1)), None, _cut(text, match)
    match = DURATION_RE.search(text)
    if match:
        months = _duration_months(match.group(1))
        return months, months, _cut(text, match)
    return None, None, text


def _cut(text, match):
    return f"{text[: match.start()]} {text[match.end() :]}"


def parse_term(text):
    """A term as typed in a term box: "15 years", "1 to 2 years", "18 months", "3 years 6
    months", "4.5 years", "up to 2 years" -> (min months, max months); "" -> (None, None)."""
    text = _normalise(text).lower()
    if not text:
        return None, None
    text = NUMBER_WORDS_RE.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text)
    shortest, longest, rest = _take_term(text)
    if (shortest, longest) == (None, None) or rest.strip():
        raise ParseError(
            _(
                "Could not read the term “%(text)s”. Write it in years and months, e.g. "
                "“15 years”, “1 to 2 years”, “18 months” or “3 years 6 months”."
            )
            % {"text": text},
            text,
        )
    return shortest, longest


def write_duration(months):
    """42 -> "3 years 6 months" (what _duration_months reads back)."""
    years, rest = divmod(months, 12)
    words = []
    if years:
        words.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        words.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(words)


def write_term(shortest, longest):
    """The text parse_term() reads back as (shortest, longest); "" when neither is known."""
    if shortest is None and longest is None:
        return ""
    if shortest is None:
        return f"up to {write_duration(longest)}"
    if longest is None:
        return f"at least {write_duration(shortest)}"
    if shortest == longest:
        return write_duration(shortest)
    if shortest % 12 == 0 and longest % 12 == 0:
        return f"{shortest // 12} to {longest // 12} years"
    if longest < 12:
        return f"{shortest} to {longest} months"
    return f"{write_duration(shortest)} to {write_duration(longest)}"


# Sentences -------------------------------------------------------------------------------

# Prison regimes, as English and Russian reports name them (PrisonRegime values), and how
# write_sentence() names each.
REGIMES = [
    ("settlement", r"colony[- ]settlement|settlement colony|колони[яиею]-?\s*поселени[еяию]"),
    ("minimum", r"minimum[- ]security(?: penal)?(?: colony)?|минимальной безопасности"),
    ("general", r"general[- ]regime(?: penal)?(?: colony)?|общего режима"),
    ("medium", r"medium[- ]security(?: penal)?(?: colony)?|средней безопасности"),
    ("reinforced", r"reinforced[- ]regime(?: penal)?(?: colony)?|усиленного режима"),
    ("strict", r"strict[- ]regime(?: penal)?(?: colony)?|строгого режима"),
    ("maximum", r"maximum[- ]security(?: penal)?(?: colony)?|максимальной безопасности"),
    ("special", r"special[- ]regime(?: penal)?(?: colony)?|особого режима"),
    ("prison", r"cell[- ]type(?: prison)?"),
    ("juvenile", r"juvenile(?: correctional)? colony|воспитательн\w* колони\w*"),
]
REGIME_RES = [(regime, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")) for regime, pattern in REGIMES]
REGIME_PHRASES = {
    "settlement": "colony-settlement",
    "minimum": "minimum-security penal colony",
    "general": "general-regime penal colony",
    "medium": "medium-security penal colony",
    "reinforced": "reinforced-regime penal colony",
    "strict": "strict-regime penal colony",
    "maximum": "maximum-security penal colony",
    "special": "special-regime penal colony",
    "prison": "cell-type prison",
    "juvenile": "juvenile correctional colony",
}

# The words that name each kind of penalty. Suspended comes first: "3 years in prison,
# suspended" is a suspended sentence, not a prison term.
KINDS = [
    (SUSPENDED, r"suspended(?: sentence)?|conditional sentence|условн\w*(?: срок\w*)?"),
    (HOUSE_ARREST, r"house arrest|домашн\w* арест\w*"),
    (
        RESTRICTED_FREEDOM,
        r"restricted (?:freedom|liberty)|restriction of (?:freedom|liberty)"
        r"|limitation of (?:freedom|liberty)|ограничени\w* свободы",
    ),
    (
        COMPULSORY_LABOUR,
        r"(?:compulsory|community|public|mandatory) (?:labou?r|works?|service)"
        r"|общественн\w* работ\w*|обязательн\w* работ\w*",
    ),
    (PROBATION, r"probation(?:ary)?(?: supervision| control)?|пробаци\w*(?: контрол\w*)?"),
    (FINE, r"fined?|штраф\w*"),
    (
        PRISON,
        r"imprisonment|prison|jail|penal colony|correctional colony|colony"
        r"|deprivation of (?:liberty|freedom)|лишени\w* свободы|колони\w*|тюрьм\w*"
        r"|заключени\w*",
    ),
]
KIND_RES = [(kind, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")) for kind, pattern in KINDS]

IN_ABSENTIA_RE = re.compile(r"(?<!\w)(?:in absentia|заочно)(?!\w)")
IN_ABSENTIA_RE_ANY_CASE = re.compile(IN_ABSENTIA_RE.pattern, re.IGNORECASE)
# "3 years in prison, suspended" is one suspended sentence, not two parts.
SUSPENDED_AFTER_COMMA_RE = re.compile(r"(?i),\s*(suspended|условно)(?!\w)")
BRACKETS_RE = re.compile(r"\(([^()]*)\)")
PART_SEPARATOR_RE = re.compile(r"\s*;\s*|\s*,\s+|\s+(?:and|plus|и|а также|followed by)\s+|\s*\+\s*")
# "3 years and 6 months" is one term, not two parts.
YEARS_AND_MONTHS_RE = re.compile(rf"({NUMBER}\s*{YEARS})\s+(?:and|и)\s+({NUMBER}\s*{MONTHS})")

HOURS_RE = re.compile(r"(?<![\w.,])(\d+)\s*(?:hours?|hrs?|часов|часа|час)(?!\w)")
PER_YEAR_RE = re.compile(r"(?<!\w)(?:a|per|each|every) year(?!\w)|(?<!\w)annually|в год(?!\w)")

CURRENCIES = {
    "kzt": "KZT", "tenge": "KZT", "тенге": "KZT",
    "rub": "RUB", "byn": "BYN", "usd": "USD", "dollars": "USD", "dollar": "USD",
    "eur": "EUR", "euros": "EUR", "euro": "EUR", "kgs": "KGS", "som": "KGS", "сом": "KGS",
    "uzs": "UZS", "tjs": "TJS", "azn": "AZN", "gel": "GEL", "amd": "AMD", "uah": "UAH",
    "gbp": "GBP", "cny": "CNY", "yuan": "CNY",
}  # fmt: skip
RUBLES = r"roubles?|rubles?|руб\w*"
BASE_UNITS = r"base units?|basic units?|базов\w* величин\w*"
MRP = r"мрп|mrp|mci|monthly calculation index\w*"
INDEXED_UNITS = rf"{BASE_UNITS}|{MRP}"
FINE_RE = re.compile(
    r"(?<![\w.,])(?:of |in the amount of |в размере |размере )?"
    r"(\d[\d ,.]*\d|\d)\s*"
    rf"({'|'.join(sorted(CURRENCIES, key=len, reverse=True))}|{RUBLES}|{INDEXED_UNITS})(?!\w)"
)
RUBLES_RE = re.compile(rf"^(?:{RUBLES})$")
BASE_UNITS_RE = re.compile(rf"^(?:{BASE_UNITS})$")
MRP_RE = re.compile(rf"^(?:{MRP})$")

FILLER_WORDS = {
    # English
    "a", "an", "the", "of", "in", "for", "to", "at", "on", "with", "and", "sentenced",
    "sentence", "term", "serving", "served", "be",
    # Russian
    "в", "во", "на", "с", "со", "к", "по", "виде", "размере", "сроком", "срок", "срока",
    "наказания", "наказание", "отбыванием", "отбывания", "приговорен", "приговорена",
    "приговорены",
}  # fmt: skip
WORD_RE = re.compile(r"[\w'’.-]+")


def _amount(text, fragment):
    digits = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", digits):
        digits = digits.replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise ParseError(
            _("Could not read the amount “%(text)s”.") % {"text": fragment}, fragment
        ) from None


def _take_fine(text, country, fragment):
    """(amount, currency, indexed unit, text without them); (None, "", "", text) when no amount
    is given."""
    match = FINE_RE.search(text)
    if not match:
        return None, "", "", text
    amount, unit = match.groups()
    if BASE_UNITS_RE.match(unit):
        return _amount(amount, fragment), "", "base_unit", _cut(text, match)
    if MRP_RE.match(unit):
        return _amount(amount, fragment), "", "mrp", _cut(text, match)
    if RUBLES_RE.match(unit):
        currency = {"BY": "BYN", "RU": "RUB"}.get(country or "")
        if currency is None:
            raise ParseError(
                _("“%(text)s”: say which rubles, RUB or BYN.") % {"text": fragment}, fragment
            )
    else:
        currency = CURRENCIES[unit]
    return _amount(amount, fragment), currency, "", _cut(text, match)


def _unknown_words(text):
    words = (word.strip(".-'’") for word in WORD_RE.findall(text))
    return [word for word in words if word and word not in FILLER_WORDS]


def _parse_part(original, country, default_kind):
    """One penalty from one part of a sentence (the text between "and"s)."""
    fragment = original
    conditions = []

    def keep_regime_drop_conditions(match):
        # (Brackets) hold the regime, "(general regime)", or conditions, "(may not leave Almaty)".
        inside = match.group(1).strip()
        if any(pattern.fullmatch(inside.lower()) for _value, pattern in REGIME_RES):
            return f" {inside} "
        conditions.append(inside)
        return " "

    text = BRACKETS_RE.sub(keep_regime_drop_conditions, original)
    text = _normalise(text).lower()
    text = NUMBER_WORDS_RE.sub(lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text)
    regime = ""
    for value, pattern in REGIME_RES:
        match = pattern.search(text)
        if match:
            if regime and regime != value:
                raise ParseError(
                    _("“%(text)s” names two prison regimes.") % {"text": fragment}, fragment
                )
            regime, text = value, _cut(text, match)
    kinds = []
    hours = None
    match = HOURS_RE.search(text)
    if match:
        hours, text = _within_range(int(match.group(1)), fragment), _cut(text, match)
        per_year = PER_YEAR_RE.search(text)
        if not per_year:
            raise ParseError(
                _(
                    "“%(text)s”: hours of compulsory labour are kept per year. Write e.g. "
                    "“100 hours of compulsory labour a year”."
                )
                % {"text": fragment},
                fragment,
            )
        text = _cut(text, per_year)
    amount, currency, unit, text = _take_fine(text, country, fragment)
    shortest, longest, text = _take_term(text)
    for kind, pattern in KIND_RES:
        while match := pattern.search(text):
            kinds.append(kind)
            text = _cut(text, match)
    if SUSPENDED in kinds:
        kinds = [kind for kind in kinds if kind != PRISON]
    kinds = list(dict.fromkeys(kinds))
    unknown = _unknown_words(text)
    if unknown:
        raise ParseError(
            _(
                "Could not read “%(words)s” in “%(text)s”. Write the sentence as e.g. “10 years "
                "in prison”, “1 to 2 years of restricted freedom and 100 hours of compulsory "
                "labour a year” or “a fine of 500000 KZT”; restrictions go in brackets."
            )
            % {"words": " ".join(unknown), "text": fragment},
            fragment,
        )
    if len(kinds) > 1:
        raise ParseError(
            _("“%(text)s” names more than one penalty: separate them with “and”.")
            % {"text": fragment},
            fragment,
        )
    if not kinds:
        if regime:
            kinds = [PRISON]
        elif hours is not None:
            kinds = [COMPULSORY_LABOUR]
        elif amount is not None:
            kinds = [FINE]
        elif default_kind:
            kinds = [default_kind]
        else:
            raise ParseError(
                _(
                    "“%(text)s”: say which penalty, e.g. “%(text)s in prison” or “%(text)s of "
                    "restricted freedom”."
                )
                % {"text": fragment},
                fragment,
            )
    kind = kinds[0]
    if regime and kind != PRISON:
        raise ParseError(
            _("“%(text)s”: a prison regime goes with a prison term only.") % {"text": fragment},
            fragment,
        )
    if hours is not None and kind != COMPULSORY_LABOUR:
        raise ParseError(
            _("“%(text)s”: hours go with compulsory labour only.") % {"text": fragment}, fragment
        )
    if amount is not None and kind != FINE:
        raise ParseError(
            _("“%(text)s”: an amount of money goes with a fine only.") % {"text": fragment},
            fragment,
        )
    return Penalty(
        kind=kind,
        term_min_months=shortest,
        term_max_months=longest,
        hours_per_year=hours,
        fine_amount=amount,
        fine_currency=currency,
        fine_unit=unit,
        regime=regime,
        conditions="; ".join(conditions),
    )


def parse_sentence(text, *, country="", default_kind=""):
    """A sentence as reports write it -> Sentence(parts, in_absentia).

    `country` (ISO code) says which rubles "rubles" are; `default_kind` is the penalty of a part
    that names none ("6 years" from a spreadsheet whose penalty kind is in another column).
    "" gives no parts. Raises ParseError for anything it cannot read.
    """
    text = _normalise(text)
    if not text:
        return Sentence()
    in_absentia = bool(IN_ABSENTIA_RE.search(text.lower()))
    text = _normalise(IN_ABSENTIA_RE_ANY_CASE.sub(" ", text))
    text = YEARS_AND_MONTHS_RE.sub(r"\1 \2", text)
    text = SUSPENDED_AFTER_COMMA_RE.sub(r" \1", text)
    pieces = _split_outside_brackets(text, PART_SEPARATOR_RE)
    if not pieces:
        raise ParseError(_("Write the sentence, e.g. “10 years in prison”."), text)
    parts = [_parse_part(piece, country, default_kind) for piece in pieces]
    return Sentence(parts=parts, in_absentia=in_absentia)


def write_penalty(penalty):
    """One penalty as text that _parse_part() reads back to the same penalty, or None."""
    term = write_term(penalty.term_min_months, penalty.term_max_months)
    kind = penalty.kind
    if penalty.regime and kind != PRISON:
        return None
    if kind == PRISON:
        if penalty.regime:
            phrase = REGIME_PHRASES.get(penalty.regime)
            if phrase is None:
                return None
            text = f"{term} in a {phrase}" if term else f"a {phrase}"
        else:
            text = f"{term} in prison" if term else "prison"
    elif kind == COMPULSORY_LABOUR and penalty.hours_per_year is not None:
        text = f"{penalty.hours_per_year} hours of compulsory labour a year"
        if term:
            text += f" for {term}"
    elif kind == FINE:
        if penalty.fine_amount is None:
            text = "a fine"
        else:
            amount = penalty.fine_amount
            amount = amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount
            unit = {"mrp": "MRP", "base_unit": "base units"}.get(penalty.fine_unit)
            text = f"a fine of {amount} {unit or penalty.fine_currency}"
    elif kind == SUSPENDED:
        text = f"suspended sentence of {term}" if term else "suspended sentence"
    elif kind in {RESTRICTED_FREEDOM, COMPULSORY_LABOUR, HOUSE_ARREST, PROBATION}:
        label = {
            RESTRICTED_FREEDOM: "restricted freedom",
            COMPULSORY_LABOUR: "compulsory labour",
            HOUSE_ARREST: "house arrest",
            PROBATION: "probation",
        }[kind]
        text = f"{term} of {label}" if term else label
    else:
        return None
    if penalty.conditions:
        text += f" ({penalty.conditions})"
    return text


def write_sentence(penalties, country=""):
    """Stored penalties as one text that parse_sentence() reads back to exactly the same
    penalties; None when no text can (a kind "other", brackets in the conditions...)."""
    texts = [write_penalty(penalty) for penalty in penalties]
    if None in texts:
        return None
    text = " and ".join(texts)
    try:
        read_back = parse_sentence(text, country=country).parts
    except ParseError:
        return None
    return text if read_back == list(penalties) else None


# Charges ---------------------------------------------------------------------------------

CRIMINAL_CODE = "Criminal Code"
CODE_ABBREVIATIONS = {
    "ук": CRIMINAL_CODE,
    "cc": CRIMINAL_CODE,
    "коап": "Code of Administrative Offences",
}
JURISDICTION_ABBREVIATIONS = {
    "рк": "KZ", "рф": "RU", "рб": "BY", "кр": "KG", "ру": "UZ", "рт": "TJ",
    "республики казахстан": "KZ", "российской федерации": "RU", "республики беларусь": "BY",
    "кыргызской республики": "KG", "республики узбекистан": "UZ",
}  # fmt: skip

ARTICLE = r"\d+(?:[.-]\d+)*"
ENGLISH_CHARGE_RE = re.compile(
    rf"^(?:part\s+(?P<part>\d+)\s*(?:of\s+)?)?"
    rf"(?:art(?:icle)?s?\.?\s*)(?P<article>{ARTICLE})"
    rf"(?:\s*\((?P<bracket_part>\d+)\))?(?:,?\s+part\s+(?P<after_part>\d+))?"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
RUSSIAN_CHARGE_RE = re.compile(
    rf"^(?:ч(?:асть|\.)?\s*(?P<part>\d+)\s*)?(?:ст(?:атьи|атья|атье|\.)?\s*)(?P<article>{ARTICLE})"
    r"(?:\s+(?P<code>ук|коап))?"
    r"(?:\s+(?P<jurisdiction>рк|рф|рб|кр|ру|рт|республики \w+|российской федерации"
    r"|кыргызской республики))?"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
CODE_RE = re.compile(r"^\s*,?\s*of\s+(?:the\s+)?(?P<code>[^()\u2014:]+?)\s*(?=$|\(|[-:]\s|\s-)")
DESCRIPTION_RE = re.compile(r"^\s*(?:\((?P<bracketed>[^()]+)\)|[-:]\s*(?P<after_dash>.+))\s*$")
CHARGE_SEPARATOR_RE = re.compile(r"\s*[;\n]\s*")


def _country_code(name):
    """ISO code of a country named in English ("Belarus", "the Republic of Kazakhstan")."""
    from django_countries import countries

    name = re.sub(r"(?i)^(?:the\s+)?(?:republic\s+of\s+)?", "", name.strip())
    return countries.by_name(name) or countries.by_name(f"the {name}")


def _split_code(code_text):
    """ "Criminal Code of Belarus" -> ("Criminal Code", "BY"); "Criminal Code" -> (.., "")."""
    words = code_text.split(" of ")
    for index in range(1, len(words)):
        country = _country_code(" of ".join(words[index:]))
        if country:
            return " of ".join(words[:index]).strip(), country
    abbreviation = CODE_ABBREVIATIONS.get(code_text.strip().lower())
    return abbreviation or code_text.strip(), ""


def _description(rest, item):
    rest = rest.strip()
    if not rest:
        return ""
    match = DESCRIPTION_RE.match(rest)
    if not match:
        raise ParseError(
            _(
                "Could not read “%(text)s”. Write each charge as e.g. “Art. 228 (smuggling)” or "
                "“Part 2 of Art. 174 of the Criminal Code (inciting discord)”; separate charges "
                "with “;”."
            )
            % {"text": item},
            item,
        )
    return (match.group("bracketed") or match.group("after_dash")).strip()


def _article(article, *parts):
    part = next((p for p in parts if p), None)
    return f"{article} part {part}" if part else article


def parse_charge(text):
    """One charge -> ChargeReference. An article without a named code is under the Criminal
    Code; a text without an article is a description only."""
    item = _normalise(text).strip(" .")
    if not item:
        raise ParseError(_("Write the charge."), item)
    match = RUSSIAN_CHARGE_RE.match(item)
    if match:
        code = match.group("code")
        jurisdiction = (match.group("jurisdiction") or "").lower()
        country = JURISDICTION_ABBREVIATIONS.get(jurisdiction, "")
        if jurisdiction and not country:
            raise ParseError(
                _("“%(text)s”: which country is “%(code)s”?")
                % {"text": item, "code": match.group("jurisdiction")},
                item,
            )
        return ChargeReference(
            article=_article(match.group("article"), match.group("part")),
            legal_code=CODE_ABBREVIATIONS[code.lower()] if code else CRIMINAL_CODE,
            country=country,
            description=_description(match.group("rest"), item),
        )
    match = ENGLISH_CHARGE_RE.match(item)
    if match:
        rest = match.group("rest")
        legal_code, country = CRIMINAL_CODE, ""
        code_match = CODE_RE.match(rest)
        if code_match:
            legal_code, country = _split_code(code_match.group("code"))
            rest = rest[code_match.end() :]
        return ChargeReference(
            article=_article(
                match.group("article"),
                match.group("part"),
                match.group("bracket_part"),
                match.group("after_part"),
            ),
            legal_code=legal_code,
            country=country,
            description=_description(rest, item),
        )
    if re.match(r"(?i)^(?:part|ч\.|art|ст\.|\d)", item):
        raise ParseError(
            _(
                "Could not read “%(text)s”. Write each charge as e.g. “Art. 228 (smuggling)”; "
                "separate charges with “;”."
            )
            % {"text": item},
            item,
        )
    if "(" in item or ")" in item:
        raise ParseError(
            _("“%(text)s”: a charge without an article is its description only, without brackets.")
            % {"text": item},
            item,
        )
    return ChargeReference(description=item)


def parse_charges(text):
    """Charges separated by ";" or new lines -> [ChargeReference], in order, without repeats."""
    references = [parse_charge(item) for item in CHARGE_SEPARATOR_RE.split(text or "") if item]
    return list(dict.fromkeys(references))


def write_charge(article, legal_code, country, description, default_country):
    """One charge as text that parse_charge() reads back to the same fields."""
    if not article:
        text = description
    else:
        number, _sep, part = article.partition(" part ")
        text = f"Part {part} of Art. {number}" if part else f"Art. {number}"
        if country and country != default_country:
            from django_countries import countries

            text += f" of the {legal_code or CRIMINAL_CODE} of {countries.name(country)}"
        elif legal_code != CRIMINAL_CODE:
            text += f" of the {legal_code}"
        if description:
            text += f" ({description})"
    return text


def write_charges(charges, default_country=""):
    """Charge rows (with country, legal_code, article, description) as the text that
    parse_charges() reads back to the same charges (the jurisdiction defaulting to
    `default_country`), or None when no text can."""
    texts, expected = [], []
    for charge in charges:
        country = str(charge.country or "")
        texts.append(
            write_charge(
                charge.article, charge.legal_code, country, charge.description, default_country
            )
        )
        expected.append((charge.article, charge.legal_code, country, charge.description))
    text = "; ".join(texts)
    try:
        read_back = parse_charges(text)
    except ParseError:
        return None
    got = [
        (ref.article, ref.legal_code, ref.country or default_country, ref.description)
        for ref in read_back
    ]
    return text if got == expected else None
