"""Dates known only to the year or the month, stored in one sortable integer column.

"March 2018" is not 2018-03-01. A PartialDate keeps the precision it was reported with and
is stored as YYYYMMDD with zeros for the unknown parts (20180300 for March 2018, 20180000 for
2018), so that ordering, year filters and indexes work the same on SQLite and PostgreSQL.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core import checks, exceptions
from django.db import models
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.translation import gettext, gettext_lazy

PARTIAL_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if not 1 <= self.year <= 9999:
            raise ValueError(gettext("Year %(year)d is out of range.") % {"year": self.year})
        if self.month is None and self.day is not None:
            raise ValueError(gettext("A day needs a month."))
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(gettext("There is no month %(month)d.") % {"month": self.month})
        if self.day is not None:
            last_day = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last_day:
                month_name = MONTHS[self.month]
                raise ValueError(
                    gettext("%(month)s %(year)d has no day %(day)d.")
                    % {"month": month_name, "year": self.year, "day": self.day}
                )

    @classmethod
    def parse(cls, text):
        """Read "2018", "2018-03" or "2018-03-15"; raise ValueError for anything else."""
        match = PARTIAL_DATE_RE.match(text)
        if not match:
            raise ValueError(
                gettext("Enter a year (2018), a month (2018-03) or a day (2018-03-15).")
            )
        year, month, day = (int(part) if part else None for part in match.groups())
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value):
        return cls(value.year, value.month, value.day)

    @classmethod
    def from_int(cls, value):
        year, rest = divmod(value, 10000)
        month, day = divmod(rest, 100)
        return cls(year, month or None, day or None)

    def to_int(self):
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)

    @property
    def precision(self):
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def first_day(self):
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self):
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def isoformat(self):
        """The ISO 8601 form at the stored precision: 2018, 2018-03 or 2018-03-15."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self):
        """The date as a reader says it: "2018", "March 2018", "15 March 2018"."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            # Translators: a month of a year, "March 2018".
            return gettext("%(month)s %(year)d") % {"month": MONTHS[self.month], "year": self.year}
        # Translators: a day, "15 March 2018"; the month's name as a date says it ("15 марта").
        return gettext("%(day)d %(month)s %(year)d") % {
            "day": self.day,
            "month": MONTHS_ALT[self.month],
            "year": self.year,
        }

    def __str__(self):
        return self.isoformat()


def date_as_said(value):
    """A date, or a moment's day in the current time zone, as a reader says it: through the
    same message as PartialDate.display(), so that a translator puts day, month and year in
    the language's order once for every date on the site."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return PartialDate.from_date(value).display()


class PartialDateFormField(forms.CharField):
    """A text box for a PartialDate: "2018", "2018-03" or "2018-03-15".

    The length limit belongs to the text typed, so it is checked before parsing and given to the
    browser as `maxlength`. (Passed to CharField, it became a validator that ran on the parsed
    PartialDate, which has no length: every valid date was a server error.)
    """

    default_error_messages = {
        "invalid": gettext_lazy("Enter a year (2018), a month (2018-03) or a day (2018-03-15)."),
    }

    def __init__(self, *, max_length=10, **kwargs):
        self.text_max_length = max_length  # Set first: CharField.__init__ asks widget_attrs.
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "placeholder": gettext_lazy("YYYY, YYYY-MM or YYYY-MM-DD"),
                    "class": "vPartialDateField",
                }
            ),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.text_max_length is not None and not widget.is_hidden:
            attrs["maxlength"] = str(self.text_max_length)
        return attrs

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return value.isoformat()
        return value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if self.text_max_length is not None and len(text) > self.text_max_length:
            raise exceptions.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return PartialDate.parse(text)
        except ValueError as error:
            raise exceptions.ValidationError(str(error), code="invalid") from error

    def has_changed(self, initial, data):
        """Compare dates, not texts: "2018-3" typed over a stored March 2018 is no change."""
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except exceptions.ValidationError:
            return True


class PartialDateField(models.Field):
    """A model field holding a PartialDate (or None); see the module docstring for storage."""

    description = gettext_lazy("A date known to the year, the month or the day")

    def get_internal_type(self):
        return "PositiveIntegerField"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.null:
            errors.append(
                checks.Error("PartialDateField must be null=True: unknown is a value.", obj=self)
            )
        return errors

    def from_db_value(self, value, expression, connection):
        return None if value is None else PartialDate.from_int(value)

    def to_python(self, value):
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, datetime.date):
            return PartialDate.from_date(value)
        try:
            if isinstance(value, int):
                return PartialDate.from_int(value)
            return PartialDate.parse(str(value))
        except ValueError as error:
            raise exceptions.ValidationError(str(error), code="invalid") from error

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, int):
            return value
        return self.to_python(value).to_int()

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.isoformat()

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})


@PartialDateField.register_lookup
class PartialDateInYear(models.Lookup):
    """`verdict_date__year=2018`: any date within 2018, at any precision, as an index range."""

    lookup_name = "year"

    def get_prep_lookup(self):
        return int(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} BETWEEN %s AND %s", [*lhs_params, self.rhs * 10000, self.rhs * 10000 + 1231]


# Month names as reports write them: English, and Russian in the nominative ("март 2018") and
# the genitive that follows a day ("14 марта 2018").
MONTH_NAMES = {
    **{calendar.month_name[number].lower(): number for number in range(1, 13)},
    **{calendar.month_abbr[number].lower(): number for number in range(1, 13)},
    "sept": 9,
    **{
        name: number
        for number, forms in enumerate(
            [
                ("январь", "января"),
                ("февраль", "февраля"),
                ("март", "марта"),
                ("апрель", "апреля"),
                ("май", "мая"),
                ("июнь", "июня"),
                ("июль", "июля"),
                ("август", "августа"),
                ("сентябрь", "сентября"),
                ("октябрь", "октября"),
                ("ноябрь", "ноября"),
                ("декабрь", "декабря"),
            ],
            start=1,
        )
        for name in forms
    },
}
DOTTED_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
WORDS_DATE_RE = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?\s+(\d{4})(?:\s*(?:г\.?|года?))?$")


def parse_reported_date(text):
    """A date as a spreadsheet or report writes it -> PartialDate at exactly the precision
    given: "2018", "2018-03", "2018-03-14", "14.03.2018", "4.7.2021" (day first),
    "22 November 2013", "March 2018", "март 2018", "14 марта 2018". Anything else, and a date
    that does not exist (2018-02-30), raises ValueError: never a guess."""
    cleaned = " ".join((text or "").replace("\u00a0", " ").split()).strip()
    if not cleaned:
        raise ValueError(gettext("The date is empty."))
    if PARTIAL_DATE_RE.match(cleaned):
        return PartialDate.parse(cleaned)
    match = DOTTED_DATE_RE.match(cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return PartialDate(year, month, day)
    match = WORDS_DATE_RE.match(cleaned.lower())
    if match and match.group(2) in MONTH_NAMES:
        day, month_name, year = match.groups()
        return PartialDate(int(year), MONTH_NAMES[month_name], int(day) if day else None)
    raise ValueError(
        gettext(
            "Could not read the date “%(text)s”: write 2018, 2018-03, 2018-03-14, 14.03.2018, "
            "22 November 2013 or 14 марта 2018."
        )
        % {"text": cleaned}
    )
