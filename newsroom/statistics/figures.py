"""The numbers behind each chart of /statistics/ and of organization pages, for a queryset of
published cases (the /cases/ filters). Every number comes from a QuerySet method on the models
(the home page uses the same ones), and each chart costs a fixed number of queries however many
cases there are.

A chart is a Figure: a title, a text summary, the columns of its table and CSV, and rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from cases.models import Defendant, SentencePart
from cases.summaries import SEVERITY
from newsroom.filters import count_by, country_name, public_organization_choices
from newsroom.key_lists import InKeys
from newsroom.partial_dates import PartialDate
from people.models import Person

# How far back "people in prison over time" goes at most, in months.
MONTHS_SHOWN = 120

# Prison term buckets in months: (from, below); the last is open.
TERM_BUCKETS = [(0, 12), (12, 24), (24, 36), (36, 60), (60, 84), (84, 120), (120, 180), (180, None)]

TOP_ORGANIZATIONS = 10
TOP_PLACES = 10


@dataclass
class Figure:
    """One chart's numbers: `columns` name the values of each row (after its label)."""

    slug: str
    title: str
    summary: str
    label_column: str
    columns: list
    rows: list = field(default_factory=list)  # (label, [values...])
    notes: list = field(default_factory=list)
    kinds: list = field(default_factory=list)  # sentences: the kind of each column
    links: list = field(default_factory=list)  # organizations: the slug of each row

    @property
    def is_empty(self):
        return not any(any(values) for label, values in self.rows)


def months_between(first, last):
    """The first day of every month from first's month to last's month."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def public_defendants_of(cases):
    return Defendant.objects.public().filter(case__in=cases.order_by().values("pk"))


def public_defendants_of_case_keys(case_keys):
    """The public defendants of the published cases among those with these keys: what
    public_defendants_of() gives for them, asked by key rather than by a subquery of the cases
    (an organization page, which has its cases' keys).

    SQLite joins each defendant to its person and case (public(joined=True)), a query Django
    builds in less time. PostgreSQL asks instead whether each is among the few hidden people
    and unpublished cases: joined, it judged the thousand defendants of an organization of
    100,000 people worth a scan of every person and case, and took 17 ms, against 1.4."""
    joined = connections[Defendant.objects.db].vendor != "postgresql"
    return Defendant.objects.public(joined=joined).filter(InKeys("case_id", case_keys))


def in_prison_now(cases):
    """(people certainly in prison today, people who may be) in these cases."""
    return people_in_prison_today(public_defendants_of(cases))


def people_in_prison_today(defendants, few=False):
    """(people certainly in prison today, people who may be) among these defendants. `few`:
    they are few (an organization's), see DefendantQuerySet.count_people_in_prison_on()."""
    today = timezone.localdate()
    return defendants.count_people_in_prison_on([today], few=few)[today]


def in_prison_over_time(cases, today=None):
    """People in prison on the first day of each month, and today: certain and "may be"."""
    today = today or timezone.localdate()
    defendants = public_defendants_of(cases)
    first = defendants.first_day_in_prison()
    start = today.replace(day=1)
    for _ in range(MONTHS_SHOWN - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    if first is not None and first > start:
        start = first.replace(day=1)
    days = [day for day in months_between(start, today) if day < today] + [today]
    counts = defendants.count_people_in_prison_on(days)
    rows = [
        (gettext("today") if day == today else day.strftime("%Y-%m"), list(counts[day]))
        for day in days
    ]
    certain, maybe = counts[today]
    # Each count in a sentence of its own, so that each takes its own plural form.
    summary = ngettext(
        "%(count)s person is in prison now.", "%(count)s people are in prison now.", certain
    ) % {"count": certain}
    if maybe:
        summary += " " + ngettext("%(count)s more may be.", "%(count)s more may be.", maybe) % {
            "count": maybe
        }
    peak_day = max(days, key=lambda day: counts[day][0] + counts[day][1])
    if sum(counts[peak_day]) and peak_day != today:
        summary += " " + gettext(
            "The most, counting those who may be, was %(total)s, first in %(month)s."
        ) % {
            "total": sum(counts[peak_day]),
            "month": PartialDate(peak_day.year, peak_day.month).display(),
        }
    return Figure(
        slug="in-prison",
        title=gettext("People in prison over time"),
        summary=summary,
        label_column=gettext("Month (first day)"),
        columns=[gettext("In prison"), gettext("May be in prison (not certain)")],
        rows=rows,
        notes=[
            gettext(
                "“May be”: the expected release window has begun but not ended, or cannot be "
                "worked out because a date or the term was not reported."
            )
        ],
    )


def kind_label(kind):
    if kind is None:
        return gettext("Sentence not reported")
    return str(SentencePart.Kind(kind).label)


# The kinds in their order of severity, then "not reported".
KINDS_SHOWN = [*SEVERITY, None]


def sentences_by_year(cases, defendants=None, few=False):
    """Convicted defendants per verdict year, each under the most severe kind of penalty.
    `defendants`: the public defendants of these cases, when the caller has them already;
    `few`: they are few (DefendantQuerySet.count_sentenced_per_year_and_kind())."""
    if defendants is None:
        defendants = public_defendants_of(cases)
    counts = defendants.count_sentenced_per_year_and_kind(few=few)
    kinds = [kind for kind in KINDS_SHOWN if any(k == kind for _, k in counts)]
    years = sorted({year for year, _ in counts if year is not None})
    if None in {year for year, _ in counts}:
        years.append(None)
    rows = [
        (
            str(year) if year is not None else gettext("Year not reported"),
            [counts.get((year, kind), 0) for kind in kinds],
        )
        for year in years
    ]
    total = sum(counts.values())
    undated = sum(total for (year, _), total in counts.items() if year is None)
    # One per convicted defendant: a person convicted in two cases has two sentences.
    if years and years[0] is not None:
        dated_years = [year for year in years if year is not None]
        summary = ngettext(
            "%(total)s sentence in verdicts from %(first)s to %(last)s.",
            "%(total)s sentences in verdicts from %(first)s to %(last)s.",
            total,
        ) % {"total": total, "first": dated_years[0], "last": dated_years[-1]}
    else:
        summary = ngettext("%(total)s sentence.", "%(total)s sentences.", total) % {"total": total}
    if undated:
        summary += " " + ngettext(
            "%(count)s of them in a verdict whose year was not reported.",
            "%(count)s of them in verdicts whose year was not reported.",
            undated,
        ) % {"count": undated}
    figure = Figure(
        slug="sentences",
        title=gettext("Sentences by year of the verdict and kind"),
        summary=summary,
        label_column=gettext("Year of the verdict"),
        columns=[kind_label(kind) for kind in kinds],
        rows=rows,
        notes=[
            gettext(
                "One sentence per person convicted in a case, counted once under its most "
                "severe penalty; people whose names were not reported or are withheld count too."
            )
        ],
    )
    figure.kinds = kinds
    return figure


def term_bucket_label(low, high):
    low_years = low // 12
    if high is None:
        return ngettext("%(low)s year or more", "%(low)s years or more", low_years) % {
            "low": low_years
        }
    if low == 0:
        return gettext("under %(high)s year") % {"high": high // 12}
    return gettext("%(low)s to under %(high)s years") % {"low": low_years, "high": high // 12}


def prison_terms(cases, defendants=None):
    """Prison sentences by length of the term (consecutive parts added up). `defendants`: as
    for sentences_by_year()."""
    if defendants is None:
        defendants = public_defendants_of(cases)
    counts = defendants.count_per_prison_term_bucket(TERM_BUCKETS)
    rows = [(term_bucket_label(low, high), list(counts[(low, high)])) for low, high in TERM_BUCKETS]
    rows.append((gettext("Term not reported"), [counts[None], 0]))
    exact = sum(inside for inside, _ in (counts[bucket] for bucket in TERM_BUCKETS))
    ranged = any(reaches for _, reaches in (counts[bucket] for bucket in TERM_BUCKETS))
    summary = ngettext(
        "%(count)s prison sentence lies wholly within one length band.",
        "%(count)s prison sentences lie wholly within one length band.",
        exact,
    ) % {"count": exact}
    summary += " " + ngettext(
        "%(count)s term was not reported.", "%(count)s terms were not reported.", counts[None]
    ) % {"count": counts[None]}
    if ranged:
        summary += " " + gettext(
            "Terms given as a range that spans bands are shown in every band they reach."
        )
    return Figure(
        slug="terms",
        title=gettext("Prison terms by length"),
        summary=summary,
        label_column=gettext("Length of the term"),
        columns=[gettext("Whole term in this band"), gettext("Term range reaches this band")],
        rows=rows,
        notes=[
            gettext(
                "A range is counted as a range, not a midpoint: a term of 1 to 2 years counts "
                "in “1 to under 2 years” and in “2 to under 3 years” (second column), so the "
                "second column does not add up to a number of people. The consecutive prison "
                "parts of one sentence are added up. In absentia sentences count."
            )
        ],
    )


def organizations_with_most_prosecuted(cases):
    """Public organizations with the most public members among the defendants."""
    people = Person.objects.public().filter(pk__in=public_defendants_of(cases).values("person"))
    counts = people.count_per_organization()
    names = {choice.pk: choice for choice in public_organization_choices()}
    ranked = sorted(
        ((total, names[pk]) for pk, total in counts.items() if pk in names),
        key=lambda item: (-item[0], item[1].name),
    )[:TOP_ORGANIZATIONS]
    rows = [(choice.name, [total]) for total, choice in ranked]
    figure = Figure(
        slug="organizations",
        title=gettext("Organizations with the most prosecuted members"),
        summary=(
            gettext("%(name)s has the most prosecuted members: %(count)s.")
            % {"name": ranked[0][1].name, "count": ranked[0][0]}
            if ranked
            else gettext("No defendant is recorded as a member of an organization.")
        ),
        label_column=gettext("Organization"),
        columns=[gettext("Members prosecuted")],
        rows=rows,
        notes=[gettext("People whose names were not reported or are withheld count too.")],
    )
    figure.links = [choice.slug for _, choice in ranked]
    return figure


def cases_by_place(cases):
    """Cases per country and per city: two figures."""
    by_country = sorted(count_by(cases, "country").items(), key=lambda item: (-item[1], item[0]))
    by_city = sorted(count_by(cases, "city").items(), key=lambda item: (-item[1], item[0]))
    countries = Figure(
        slug="countries",
        title=gettext("Cases by country"),
        summary=(
            gettext("Most cases are in %(place)s: %(count)s.")
            % {"place": country_name(by_country[0][0]), "count": by_country[0][1]}
            if by_country
            else gettext("No case.")
        ),
        label_column=gettext("Country"),
        columns=[gettext("Cases")],
        rows=[(country_name(code), [total]) for code, total in by_country[:TOP_PLACES]],
    )
    cities = Figure(
        slug="cities",
        title=gettext("Cases by city"),
        summary=(
            gettext("Most cases are in %(place)s: %(count)s.")
            % {
                "place": by_city[0][0] or gettext("a city not reported"),
                "count": by_city[0][1],
            }
            if by_city
            else gettext("No case.")
        ),
        label_column=gettext("City"),
        columns=[gettext("Cases")],
        rows=[
            (city or gettext("City not reported"), [total]) for city, total in by_city[:TOP_PLACES]
        ],
    )
    return countries, cities


def all_figures(cases):
    """Every chart of /statistics/, in page order."""
    return [
        in_prison_over_time(cases),
        sentences_by_year(cases),
        prison_terms(cases),
        organizations_with_most_prosecuted(cases),
        *cases_by_place(cases),
    ]


def organization_figures(cases, defendants):
    """The small set an organization page shows. `defendants`: the public defendants of these
    cases (public_defendants_of_case_keys())."""
    return [sentences_by_year(cases, defendants, few=True), prison_terms(cases, defendants)]


FIGURES = {
    "in-prison": in_prison_over_time,
    "sentences": sentences_by_year,
    "terms": prison_terms,
    "organizations": organizations_with_most_prosecuted,
    "countries": lambda cases: cases_by_place(cases)[0],
    "cities": lambda cases: cases_by_place(cases)[1],
}

TITLE = gettext_lazy("Statistics")
