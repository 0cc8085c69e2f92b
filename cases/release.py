"""When a prisoner is expected to be released, at the precision the records allow (issue 11).

A prison term runs from the verdict, from the start of the term, or from the arrest where the law
counts pre-trial detention (Defendant.term_counted_from). Those dates are partial (March 2019 is
a month, not 2019-03-01) and terms may be ranges (1 to 2 years), so the release is a window:
from the earliest possible release day to the latest. Consecutive prison parts add up.

The window bounds are stored on Defendant (refresh_release_bounds(), on every save of the
defendant, its case or its sentence parts) so that "in prison on a day" is one cheap SQL filter:
certainly in prison on day D when the term certainly began on or before D and the earliest
release is after D; may be in prison when the term may have begun and the latest release is
after D. A person released on a day is no longer in prison on that day.
"""

import calendar
import datetime
from bisect import bisect_left
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from newsroom.partial_dates import PartialDate


def add_months(day, months):
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PrisonTerm:
    """The total prison term of a sentence in months: shortest and longest (None: not known)."""

    min_months: int | None
    max_months: int | None

    @classmethod
    def of_parts(cls, parts):
        """Consecutive prison parts add up. "Up to N" counts from 0 at the shortest; "at least
        N" leaves the longest open (None); a part whose term was not reported at all leaves the
        whole term unknown (None, None). None when no part is a prison term."""
        prison = [part for part in parts if part.kind == "prison"]
        if not prison:
            return None
        if any(p.term_min_months is None and p.term_max_months is None for p in prison):
            return cls(None, None)
        shortest = sum(part.term_min_months or 0 for part in prison)
        open_ended = any(part.term_max_months is None for part in prison)
        longest = None if open_ended else sum(part.term_max_months for part in prison)
        return cls(shortest, longest)

    @property
    def known(self):
        return self.min_months is not None


class Outcome:
    NO_PRISON = "no_prison"
    IN_ABSENTIA = "in_absentia"
    RELEASED = "released"
    ESTIMATED = "estimated"
    UNKNOWN = "unknown"


# Why a window cannot be worked out, by the date it would count from.
MISSING_START = {
    "verdict": gettext_lazy("cannot be worked out: verdict date not reported"),
    "term_start": gettext_lazy("cannot be worked out: start of the term not reported"),
    "arrest": gettext_lazy("cannot be worked out: arrest date not reported"),
}


def status_from_bounds(started_from, started_by, earliest, latest, day):
    """ "in_prison", "maybe" or "out" on the day for a prison term (not in absentia): the rule
    that DefendantQuerySet.in_prison_on() and maybe_in_prison_on() apply in SQL."""
    if started_by is not None and started_by <= day and earliest is not None and day < earliest:
        return "in_prison"
    may_have_started = started_from is None or started_from <= day
    may_not_be_out = latest is None or day < latest
    return "maybe" if may_have_started and may_not_be_out else "out"


def count_in_prison_by_day(windows, days):
    """{day: (people certainly in prison, people who may be but not certainly)} from stored
    windows (person id, started_from, started_by, release_earliest, release_latest) of prison
    terms not tried in absentia, by status_from_bounds()'s rule: the rule that
    DefendantQuerySet.in_prison_on() applies in SQL, applied to many days in one pass. A
    person's ranges of days are merged, so that someone with two terms counts once."""
    days = sorted(days)
    certain_ranges, possible_ranges = {}, {}
    for person, started_from, started_by, earliest, latest in windows:
        if started_by is not None and earliest is not None:
            low, high = bisect_left(days, started_by), bisect_left(days, earliest)
            if low < high:
                certain_ranges.setdefault(person, []).append((low, high))
        low = 0 if started_from is None else bisect_left(days, started_from)
        high = len(days) if latest is None else bisect_left(days, latest)
        if low < high:
            possible_ranges.setdefault(person, []).append((low, high))
    certain = people_per_index(certain_ranges, len(days))
    possible = people_per_index(possible_ranges, len(days))
    return {day: (certain[i], possible[i] - certain[i]) for i, day in enumerate(days)}


def people_per_index(ranges_by_person, size):
    """How many people's merged [low, high) ranges cover each index 0..size-1."""
    changes = [0] * (size + 1)
    for ranges in ranges_by_person.values():
        ranges.sort()
        merged_low, merged_high = ranges[0]
        for low, high in ranges[1:]:
            if low > merged_high:
                changes[merged_low] += 1
                changes[merged_high] -= 1
                merged_low, merged_high = low, high
            else:
                merged_high = max(merged_high, high)
        changes[merged_low] += 1
        changes[merged_high] -= 1
    counts, running = [], 0
    for change in changes[:size]:
        running += change
        counts.append(running)
    return counts


@dataclass(frozen=True)
class ReleaseWindow:
    """What the records say about one defendant's release. `start` is the partial date the term
    counts from; `earliest`/`latest` the first and last possible release days (None: unknown or
    open); `started_by`/`started_from` the first and last possible first days in prison."""

    outcome: str
    start: PartialDate | None = None
    term: PrisonTerm | None = None
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    started_from: datetime.date | None = None
    started_by: datetime.date | None = None
    reason: str = ""

    def status_on(self, day):
        """ "in_prison", "maybe" or "out" on the day, by the same rule as the stored bounds."""
        if self.outcome in (Outcome.NO_PRISON, Outcome.IN_ABSENTIA):
            return "out"
        return status_from_bounds(
            self.started_from, self.started_by, self.earliest, self.latest, day
        )

    def status_now(self):
        return self.status_on(timezone.localdate())

    def describe(self):
        """The window as readers read it: "expected release in March 2024", "expected release
        in 2024 or 2025", "expected release: cannot be worked out: verdict date not reported"."""
        if self.outcome in (Outcome.NO_PRISON, Outcome.IN_ABSENTIA):
            return ""
        if self.outcome == Outcome.RELEASED:
            return self.reason
        if self.outcome == Outcome.UNKNOWN:
            return gettext("expected release: %(reason)s") % {"reason": self.reason}
        return gettext("expected release %(when)s") % {"when": self.describe_when()}

    def describe_when(self):
        precision = self.start.precision
        if self.latest is None:
            return gettext("not before %(day)s") % {"day": self.format(self.earliest, precision)}
        first = self.format(self.earliest, precision)
        # The last possible release day of a month- or year-precise start is the last day of
        # that month or year: name the month or year it falls in.
        last = self.format(self.latest, precision)
        if first == last:
            return (gettext("on %(day)s") if precision == "day" else gettext("in %(day)s")) % {
                "day": first
            }
        if precision == "year" and self.latest.year == self.earliest.year + 1:
            return gettext("in %(first)s or %(last)s") % {"first": first, "last": last}
        return gettext("between %(first)s and %(last)s") % {"first": first, "last": last}

    @staticmethod
    def format(day, precision):
        if precision == "year":
            return PartialDate(day.year).display()
        if precision == "month":
            return PartialDate(day.year, day.month).display()
        return PartialDate.from_date(day).display()


def release_window(defendant, parts, verdict_date, today=None):
    """The ReleaseWindow of a defendant from its sentence parts and its case's verdict date."""
    term = PrisonTerm.of_parts(parts)
    if defendant.verdict != "convicted" or term is None:
        return ReleaseWindow(Outcome.NO_PRISON)
    if defendant.in_absentia:
        return ReleaseWindow(Outcome.IN_ABSENTIA, term=term)
    # Plain values rather than the model's choices: the migration that fills the stored
    # windows passes historical models.
    counted_from = defendant.term_counted_from or "verdict"
    start = {
        "verdict": verdict_date,
        "term_start": defendant.term_start_date,
        "arrest": defendant.arrest_date,
    }[counted_from]
    started_from = start.first_day if start else None
    started_by = start.last_day if start else None
    if start and term.known:
        earliest = add_months(start.first_day, term.min_months)
        latest = None if term.max_months is None else add_months(start.last_day, term.max_months)
    else:
        earliest = latest = None

    released = defendant.release_date or defendant.release_reason
    if released:
        return released_window(defendant, term, start, started_from, started_by, latest, today)
    if start is None or not term.known:
        reason = MISSING_START[counted_from] if start is None else gettext("term not reported")
        return ReleaseWindow(
            Outcome.UNKNOWN,
            start=start,
            term=term,
            started_from=started_from,
            started_by=started_by,
            reason=str(reason),
        )
    return ReleaseWindow(
        Outcome.ESTIMATED,
        start=start,
        term=term,
        earliest=earliest,
        latest=latest,
        started_from=started_from,
        started_by=started_by,
    )


def released_window(defendant, term, start, started_from, started_by, estimated_latest, today):
    """A recorded release (or pardon, death, transfer) overrides the estimate. Without a date,
    the release happened at the latest when it was recorded (today, at the save)."""
    reason = defendant.get_release_reason_display().lower() if defendant.release_reason else ""
    if defendant.release_date:
        earliest, latest = defendant.release_date.first_day, defendant.release_date.last_day
        when = defendant.release_date.display()
        if reason:
            text = gettext("released in %(when)s (%(reason)s)")
            if defendant.release_date.precision == "day":
                text = gettext("released on %(when)s (%(reason)s)")
        else:
            text = gettext("released in %(when)s")
            if defendant.release_date.precision == "day":
                text = gettext("released on %(when)s")
        described = text % {"when": when, "reason": reason}
    else:
        recorded = today or timezone.localdate()
        earliest = started_by
        latest = recorded if estimated_latest is None else min(estimated_latest, recorded)
        described = gettext("released (%(reason)s), date not reported") % {"reason": reason}
    return ReleaseWindow(
        Outcome.RELEASED,
        start=start,
        term=term,
        earliest=earliest,
        latest=latest,
        started_from=started_from,
        started_by=started_by,
        reason=described,
    )


def stored_bounds(window):
    """The Defendant fields that store a window, for SQL (DefendantQuerySet.in_prison_on)."""
    status = {
        Outcome.NO_PRISON: "",
        Outcome.IN_ABSENTIA: "in_absentia",
        Outcome.RELEASED: "released",
    }.get(window.outcome, "serving")
    in_prison = window.outcome not in (Outcome.NO_PRISON, Outcome.IN_ABSENTIA)
    return {
        "prison_status": status,
        "prison_months_min": window.term.min_months if window.term else None,
        "prison_months_max": window.term.max_months if window.term else None,
        "prison_started_from": window.started_from if in_prison else None,
        "prison_started_by": window.started_by if in_prison else None,
        "release_earliest": window.earliest if in_prison else None,
        "release_latest": window.latest if in_prison else None,
    }
