"""One row of a file, read into what the records hold: names, partial dates, sentence parts and
charges (through cases.parsing and newsroom.partial_dates), or a list of errors for the editor.

Nothing is guessed. A date that is not one of the written forms, or does not exist, is an
error; a sentence text the parser cannot read is kept whole as a part of kind "other" and
reported as a warning; a formula in a cell is refused (never evaluated, never stored).
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django_countries import countries

from cases.models import Case, Defendant, SentencePart
from cases.parsing import ParseError, Penalty, parse_charges, parse_sentence
from newsroom.imports.mapping import FIELDS
from newsroom.partial_dates import parse_reported_date

# A cell whose text starts like a spreadsheet formula: "=HYPERLINK(...)", "=1+2", "=A1".
FORMULA_RE = re.compile(r"^\s*=\s*[A-Za-z0-9_$(\"'+-]")

DATE_FIELDS = ["birth_date", "arrest_date", "verdict_date", "release_date"]

# The words the `sentence_end` column holds instead of a date (the china-cppc list).
SENTENCE_END_WORDS = {"detention", "life", "death", "unknown"}

STATUS_WORDS = {
    **{value: value for value in Case.Status.values},
    # With the values and the words below, every label of Case.Status in English ("On appeal"):
    # the labels themselves are translated, and read here, at import, would be in whatever
    # language was active then.
    "on appeal": Case.Status.APPEAL,
    "convicted": Case.Status.SENTENCED,
    "under investigation": Case.Status.INVESTIGATION,
    "pending": Case.Status.TRIAL,
    "on trial": Case.Status.TRIAL,
    "следствие": Case.Status.INVESTIGATION,
    "суд": Case.Status.TRIAL,
    "осужден": Case.Status.SENTENCED,
    "осуждена": Case.Status.SENTENCED,
    "приговор": Case.Status.SENTENCED,
    "апелляция": Case.Status.APPEAL,
    "закрыто": Case.Status.CLOSED,
}


@dataclass
class ParsedRow:
    number: int
    raw: dict
    name: str = ""
    native_name: str = ""
    birth_date: object = None
    arrest_date: object = None
    verdict_date: object = None
    release_date: object = None
    organization: str = ""
    court: str = ""
    city: str = ""
    country: str = ""
    judge: str = ""
    status: str = ""
    verdict: str = Defendant.Verdict.UNKNOWN
    penalties: list = field(default_factory=list)
    charges: list = field(default_factory=list)
    in_absentia: bool = False
    source_url: str = ""
    notes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def label(self):
        return self.name or self.native_name or _("(no name)")

    def digest_values(self):
        """Everything the row says, as stored, for the digest that tells an unchanged row."""
        return [
            self.name,
            self.native_name,
            *(str(getattr(self, name) or "") for name in DATE_FIELDS),
            self.organization,
            self.court,
            self.city,
            self.country,
            self.judge,
            self.status,
            self.verdict,
            [sorted((k, str(v)) for k, v in p.field_values().items()) for p in self.penalties],
            [sorted(vars(c).items()) if hasattr(c, "__dict__") else str(c) for c in self.charges],
            self.in_absentia,
            self.source_url,
            self.notes,
        ]


def country_code(text):
    """ "KZ", "kz", "Kazakhstan" -> "KZ"; "" for an empty text; None when not a country."""
    text = text.strip()
    if not text:
        return ""
    if text.upper() in dict(countries):
        return text.upper()
    return countries.by_name(text) or None


def _penalty_kind(text, row):
    """The kind (and regime) a penalty-kind column gives: "imprisonment in a medium-security
    penal colony" -> ("prison", "medium")."""
    try:
        parts = parse_sentence(text).parts
    except ParseError as error:
        row.errors.append(_("Penalty kind: %(message)s") % {"message": error.message})
        return "", ""
    if len(parts) != 1 or parts[0].term_min_months is not None:
        row.errors.append(
            _("Penalty kind “%(text)s” must name one kind of penalty, without a term.")
            % {"text": text}
        )
        return "", ""
    return parts[0].kind, parts[0].regime


def _sentence(text, kind_text, row):
    default_kind, regime = _penalty_kind(kind_text, row) if kind_text else ("", "")
    if not text:
        if default_kind:
            row.penalties = [Penalty(kind=default_kind, regime=regime)]
        return
    try:
        sentence = parse_sentence(text, country=row.country, default_kind=default_kind)
    except ParseError as error:
        # Kept whole rather than dropped or guessed, and reported.
        row.penalties = [Penalty(kind=SentencePart.Kind.OTHER, conditions=text)]
        row.warnings.append(
            _("Sentence “%(text)s” kept as text (kind “other”): %(message)s")
            % {"text": text, "message": error.message}
        )
        return
    parts = []
    for part in sentence.parts:
        if regime and part.kind == SentencePart.Kind.PRISON and not part.regime:
            part = Penalty(**{**part.field_values(), "regime": regime})
        parts.append(part)
    row.penalties = parts
    row.in_absentia = sentence.in_absentia


def _sentence_end(text, row):
    """The china-cppc "Sentence" column: when the sentence ends (kept as the release date at
    its precision), or a word: life and death are kept as parts with their text, detention is
    no verdict yet, unknown is a verdict not reported."""
    word = text.strip().lower()
    if word == "life":
        row.penalties.append(Penalty(kind=SentencePart.Kind.PRISON, conditions="life sentence"))
        row.verdict = Defendant.Verdict.CONVICTED
    elif word == "death":
        row.penalties.append(Penalty(kind=SentencePart.Kind.OTHER, conditions="death sentence"))
        row.verdict = Defendant.Verdict.CONVICTED
    elif word == "detention":
        row.verdict = Defendant.Verdict.PENDING
        row.status = row.status or Case.Status.INVESTIGATION
    elif word == "unknown":
        row.verdict = Defendant.Verdict.UNKNOWN
    else:
        try:
            row.release_date = parse_reported_date(text)
        except ValueError as error:
            row.errors.append(
                _("Sentence end: %(message)s (or one of: %(words)s)")
                % {"message": error, "words": ", ".join(sorted(SENTENCE_END_WORDS))}
            )
            return
        row.verdict = Defendant.Verdict.CONVICTED
        row.notes.append(
            _("Sentence ends: %(date)s (as the source list gives it).")
            % {"date": row.release_date.isoformat()}
        )


def parse_row(number, raw, mapping):
    """A ParsedRow, with `errors` (the row cannot be imported) and `warnings` (imported, but
    the editor should know)."""
    row = ParsedRow(number=number, raw=raw)
    for column, text in raw.items():
        if FORMULA_RE.match(text or ""):
            row.errors.append(
                _(
                    "Column “%(column)s” holds a formula (%(text)s). Formulas are never "
                    "evaluated or imported: replace it with its value."
                )
                % {"column": column, "text": text[:60]}
            )
    if row.errors:
        return row
    value = mapping.values
    row.name = value(raw, "name")
    row.native_name = value(raw, "native_name")
    if not row.name and not row.native_name:
        row.errors.append(_("The row has no name."))
    for name in DATE_FIELDS:
        text = value(raw, name)
        if text:
            try:
                setattr(row, name, parse_reported_date(text))
            except ValueError as error:
                row.errors.append(f"{FIELDS[name]}: {error}")
    country = value(raw, "country")
    code = country_code(country) if country else mapping.country
    if code is None:
        row.errors.append(_("Unknown country “%(text)s”.") % {"text": country})
    row.country = code or ""
    for name in ["organization", "court", "city", "judge"]:
        setattr(row, name, value(raw, name))
    status = value(raw, "status")
    if status:
        row.status = STATUS_WORDS.get(status.lower(), "")
        if not row.status:
            row.errors.append(
                _("Unknown case status “%(text)s”; use one of: %(choices)s.")
                % {"text": status, "choices": ", ".join(Case.Status.values)}
            )
    _sentence(value(raw, "sentence"), value(raw, "penalty_kind"), row)
    if row.penalties:
        row.verdict = Defendant.Verdict.CONVICTED
    end = value(raw, "sentence_end")
    if end:
        _sentence_end(end, row)
    for _column, text in value(raw, "charges"):
        try:
            row.charges.extend(parse_charges(text))
        except ParseError as error:
            row.errors.append(_("Charges: %(message)s") % {"message": error.message})
    row.charges = list(dict.fromkeys(row.charges))
    if row.judge:
        row.notes.append(_("Judge: %(name)s.") % {"name": row.judge})
    for column, text in value(raw, "notes"):
        row.notes.append(f"{column}: {text}")
    # Several addresses in one cell: the first is the row's source, the others are kept.
    urls = value(raw, "source_url").split()
    for url in urls:
        if len(url) > 500 or not re.match(r"^https?://\S+$", url):
            row.errors.append(_("Source URL “%(text)s” is not a web address.") % {"text": url})
    if urls:
        row.source_url = urls[0]
    if len(urls) > 1:
        row.notes.append(_("Other sources: %(urls)s") % {"urls": " ".join(urls[1:])})
    if not row.status:
        row.status = (
            Case.Status.SENTENCED
            if row.verdict == Defendant.Verdict.CONVICTED
            else Case.Status.TRIAL
            if row.verdict == Defendant.Verdict.PENDING and row.verdict_date
            else Case.Status.INVESTIGATION
        )
    if not row.country:
        row.errors.append(_("The case's country is not given (a column or the mapping's default)."))
    return row
