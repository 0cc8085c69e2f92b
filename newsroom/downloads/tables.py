"""The downloadable tables and their columns, defined once.

A Column has a name, a type (a Frictionless Table Schema type), a description and a function
giving its value for one row. The CSV, XLSX and JSON writers, the data dictionary on /data/
and the Table Schemas in datapackage.json are all made from these lists, so they cannot drift.

Rows come from the same FilterSet and the same order as the list pages. People without a public
name (not reported or withheld) are rows that say so and carry no identifying field: no name,
slug, address, birth date or photo.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.filters import CaseFilter
from cases.models import Case
from cases.summaries import severity
from people.filters import PersonFilter
from people.models import Membership, Organization, Person

# A date at the precision it was reported with: 2018, 2018-03 or 2018-03-15.
PARTIAL_DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
# Several values in one cell (organizations, charges) are joined with this.
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number or boolean
    description: Any  # a lazy translation
    value: Callable[[Any, Any], Any]  # (row, links) -> the cell's value, None when empty
    pattern: str | None = None  # a Table Schema constraint on the text, e.g. for partial dates

    def schema_field(self):
        """The column as a Frictionless Table Schema field."""
        result = {"name": self.name, "type": self.type, "description": str(self.description)}
        if self.pattern:
            result["constraints"] = {"pattern": self.pattern}
        return result


def partial_date(value):
    """A PartialDate as text at its own precision ("2018-03", never "2018-03-01")."""
    return value.isoformat() if value else None


def country_code(value):
    return value.code if value else None


def joined(values):
    values = [str(value) for value in values if value not in (None, "")]
    return LIST_SEPARATOR.join(values) if values else None


def if_named(person, value):
    """An identifying value of a person, or None when their name is not public."""
    return value if person is not None and person.is_named else None


# The page of each kind of record, by its slug (the routes get_absolute_url() reverses).
DETAIL_URL_NAMES = {
    Case: "cases:detail",
    Person: "people:detail",
    Organization: "organizations:detail",
}
SLUG_PLACEHOLDER = "slug-placeholder"


@dataclass
class Links:
    """Absolute addresses for the rows, built from the request (the host it was asked on).
    Each route is reversed once per file, not once per row (reverse() was half the time of a
    large file): the address of a record is its route's address with the slug put in."""

    build_absolute_uri: Callable[[str], str]
    templates: dict = field(default_factory=dict)

    def page(self, obj):
        if obj is None:
            return None
        model = type(obj)
        if model not in self.templates:
            path = reverse(DETAIL_URL_NAMES[model], kwargs={"slug": SLUG_PLACEHOLDER})
            self.templates[model] = self.build_absolute_uri(path)
        return self.templates[model].replace(SLUG_PLACEHOLDER, obj.slug)


@dataclass
class DefendantRow:
    """One row of the defendants file: a case, and one of its public defendants (None for a
    case without public defendants, which still has its row)."""

    case: Case
    defendant: Any = None

    @property
    def person(self):
        return self.defendant.person if self.defendant else None

    @cached_property
    def parts(self):
        return list(self.defendant.sentence_parts.all()) if self.defendant else []

    @cached_property
    def main_part(self):
        """The most severe part of the sentence (as the sentence summaries count it)."""
        parts = self.parts
        return min(parts, key=severity) if parts else None

    def part_of_kind(self, kind):
        return next((part for part in self.parts if part.kind == kind), None)


def defendant_value(attribute):
    return lambda row, links: getattr(row.defendant, attribute) if row.defendant else None


def main_part_value(attribute):
    return lambda row, links: getattr(row.main_part, attribute) if row.main_part else None


def prison_value(attribute):
    def value(row, links):
        part = row.part_of_kind("prison")
        return getattr(part, attribute) if part else None

    return value


def fine_value(attribute):
    def value(row, links):
        part = row.part_of_kind("fine")
        return getattr(part, attribute) or None if part else None

    return value


def case_columns(case_of):
    """The columns that describe a case, shared by the defendants file and the case file;
    case_of(row) gives the row's case."""
    return [
        Column(
            "case_id",
            "integer",
            _("The case's record number on this site: stable, never reused."),
            lambda row, links: case_of(row).pk,
        ),
        Column(
            "case_url",
            "string",
            _("The case's page on this site."),
            lambda row, links: links.page(case_of(row)),
        ),
        Column(
            "case_title", "string", _("The case's title."), lambda row, links: case_of(row).title
        ),
        Column(
            "case_status",
            "string",
            _("investigation, trial, sentenced, appeal or closed."),
            lambda row, links: case_of(row).status,
        ),
        Column(
            "country",
            "string",
            _("Country of the court: ISO 3166-1 alpha-2 code."),
            lambda row, links: country_code(case_of(row).country),
        ),
        Column(
            "city",
            "string",
            _("City of the court, when reported."),
            lambda row, links: case_of(row).city or None,
        ),
        Column(
            "court",
            "string",
            _("The court, when reported and public."),
            lambda row, links: getattr(case_of(row).public_court, "name", None),
        ),
        Column(
            "verdict_date",
            "string",
            _("Date of the verdict at the precision reported: YYYY, YYYY-MM or YYYY-MM-DD."),
            lambda row, links: partial_date(case_of(row).verdict_date),
            PARTIAL_DATE_PATTERN,
        ),
    ]


DEFENDANT_COLUMNS = [
    *case_columns(lambda row: row.case),
    Column(
        "defendant_id",
        "integer",
        _(
            "The defendant's record number (one person in one case): stable. Empty on the one "
            "row of a case without public defendants."
        ),
        defendant_value("pk"),
    ),
    Column(
        "person_id",
        "integer",
        _("The person's record number on this site: stable, the same in every case."),
        lambda row, links: row.person.pk if row.person else None,
    ),
    Column(
        "name_status",
        "string",
        _(
            "named; not_reported (the sources do not name the person); withheld (we know the "
            "name and must not publish it). Only named people have a name, address and birth "
            "date in the files."
        ),
        lambda row, links: row.person.name_status if row.person else None,
    ),
    Column(
        "name",
        "string",
        _("The person's name in Latin letters; empty unless named."),
        lambda row, links: if_named(row.person, row.person and row.person.name),
    ),
    Column(
        "native_name",
        "string",
        _("The name in the person's own script; empty unless named."),
        lambda row, links: if_named(row.person, row.person and row.person.native_name or None),
    ),
    Column(
        "person_url",
        "string",
        _("The person's page on this site; empty unless named."),
        lambda row, links: if_named(row.person, links.page(row.person)),
    ),
    Column(
        "verdict",
        "string",
        _("pending, convicted, acquitted, dismissed or unknown (not reported)."),
        defendant_value("verdict"),
    ),
    Column(
        "in_absentia",
        "boolean",
        _("Tried without being present (true or false)."),
        defendant_value("in_absentia"),
    ),
    Column(
        "charges",
        "string",
        _("The charges, separated by “; ”."),
        lambda row, links: joined(row.defendant.charges.all()) if row.defendant else None,
    ),
    Column(
        "sentence",
        "string",
        _("The whole sentence in words, every part and its conditions."),
        lambda row, links: row.defendant.penalty_line() or None if row.defendant else None,
    ),
    Column(
        "main_penalty",
        "string",
        _(
            "The most severe part of the sentence: prison, house_arrest, restricted_freedom, "
            "suspended, compulsory_labour, probation, fine or other."
        ),
        main_part_value("kind"),
    ),
    Column(
        "term_min_months",
        "integer",
        _(
            "Term of the main penalty, shortest, in months (a range of 1 to 2 years is 12 and "
            "24; an exact term has the same minimum and maximum)."
        ),
        main_part_value("term_min_months"),
    ),
    Column(
        "term_max_months",
        "integer",
        _("Term of the main penalty, longest, in months."),
        main_part_value("term_max_months"),
    ),
    Column(
        "prison_min_months",
        "integer",
        _("Prison term, shortest, in months, when the sentence has a prison part."),
        prison_value("term_min_months"),
    ),
    Column(
        "prison_max_months",
        "integer",
        _("Prison term, longest, in months."),
        prison_value("term_max_months"),
    ),
    Column(
        "fine_amount",
        "number",
        _("Amount of the fine, when the sentence has one."),
        fine_value("fine_amount"),
    ),
    Column(
        "fine_currency",
        "string",
        _("Currency of the fine: ISO 4217 code."),
        fine_value("fine_currency"),
    ),
    Column(
        "arrest_date",
        "string",
        _("When the person was detained in this case, at the precision reported."),
        lambda row, links: partial_date(row.defendant.arrest_date) if row.defendant else None,
        PARTIAL_DATE_PATTERN,
    ),
    Column(
        "release_date",
        "string",
        _("When the person was released, at the precision reported."),
        lambda row, links: partial_date(row.defendant.release_date) if row.defendant else None,
        PARTIAL_DATE_PATTERN,
    ),
    Column(
        "release_reason",
        "string",
        _(
            "Why the person was released: served, early, pardon, amnesty, "
            "acquitted_on_appeal, exchange, death, transferred or other."
        ),
        lambda row, links: row.defendant.release_reason or None if row.defendant else None,
    ),
]


CASE_COLUMNS = [
    *case_columns(lambda case: case),
    Column(
        "hearing_format",
        "string",
        _("unknown, in_person, online, mixed or closed."),
        lambda case, links: case.hearing_format,
    ),
    Column(
        "court_url",
        "string",
        _("The court's page on this site, when public."),
        lambda case, links: links.page(case.public_court),
    ),
    Column(
        "defendants",
        "integer",
        _("Public defendants on record, named or not."),
        lambda case, links: len(case.public_defendants),
    ),
    Column(
        "named_defendants",
        "integer",
        _("Public defendants whose name is published."),
        lambda case, links: case.named_defendant_count(),
    ),
    Column(
        "reported_defendants",
        "integer",
        _("How many defendants the reports give, when they give a number."),
        lambda case, links: case.reported_defendant_count,
    ),
    Column(
        "organizations",
        "string",
        _("Public organizations the case concerns, separated by “; ”."),
        lambda case, links: joined(o.name for o in case.public_organizations),
    ),
    Column(
        "charges",
        "string",
        _("The charges against the defendants, separated by “; ”."),
        lambda case, links: joined(case.charge_list()),
    ),
    Column(
        "sentences",
        "string",
        _("The sentences in one line, each defendant counted once."),
        lambda case, links: case.sentence_summary() or None,
    ),
]


PERSON_COLUMNS = [
    Column(
        "person_id",
        "integer",
        _("The person's record number on this site: stable, never reused."),
        lambda person, links: person.pk,
    ),
    Column(
        "name_status",
        "string",
        _(
            "named; not_reported; withheld. Only named people have a name, address, birth "
            "date and occupation in the files."
        ),
        lambda person, links: person.name_status,
    ),
    Column(
        "name",
        "string",
        _("The name in Latin letters; empty unless named."),
        lambda person, links: if_named(person, person.name),
    ),
    Column(
        "native_name",
        "string",
        _("The name in the person's own script; empty unless named."),
        lambda person, links: if_named(person, person.native_name or None),
    ),
    Column(
        "person_url",
        "string",
        _("The person's page on this site; empty unless named."),
        lambda person, links: if_named(person, links.page(person)),
    ),
    Column(
        "birth_date",
        "string",
        _("Date of birth at the precision reported; empty unless named."),
        lambda person, links: if_named(person, partial_date(person.birth_date)),
        PARTIAL_DATE_PATTERN,
    ),
    Column(
        "country",
        "string",
        _("Country of citizenship: ISO 3166-1 alpha-2 code; empty unless named."),
        lambda person, links: if_named(person, country_code(person.country)),
    ),
    Column(
        "occupation",
        "string",
        _("What the person does, as reports describe it; empty unless named."),
        lambda person, links: if_named(person, person.occupation or None),
    ),
    Column(
        "organizations",
        "string",
        _("Public organizations the person is or was a member of, separated by “; ”."),
        lambda person, links: joined(
            dict.fromkeys(m.organization.name for m in person.public_memberships)
        ),
    ),
    Column(
        "case_ids",
        "string",
        _("Record numbers (case_id) of the person's public cases, separated by “; ”."),
        lambda person, links: joined(d.case_id for d in person.public_defendants),
    ),
]


ORGANIZATION_COLUMNS = [
    Column(
        "organization_id",
        "integer",
        _("The organization's record number on this site: stable, never reused."),
        lambda organization, links: organization.pk,
    ),
    Column(
        "organization_url",
        "string",
        _("The organization's page on this site."),
        lambda organization, links: links.page(organization),
    ),
    Column("name", "string", _("The name."), lambda organization, links: organization.name),
    Column(
        "short_name",
        "string",
        _("The abbreviation readers know, if any."),
        lambda organization, links: organization.short_name or None,
    ),
    Column(
        "native_name",
        "string",
        _("The name in native script, if any."),
        lambda organization, links: organization.native_name or None,
    ),
    Column(
        "kind",
        "string",
        _("party, movement, ngo, media, court, government, company or other."),
        lambda organization, links: organization.kind,
    ),
    Column(
        "country",
        "string",
        _("Country: ISO 3166-1 alpha-2 code."),
        lambda organization, links: country_code(organization.country),
    ),
    Column(
        "website",
        "string",
        _("The organization's own website."),
        lambda organization, links: organization.website or None,
    ),
    Column(
        "designations",
        "string",
        _("Labels put on it by authorities (“extremist”...), with dates, separated by “; ”."),
        lambda organization, links: joined(d.describe() for d in organization.public_designations),
    ),
]


@dataclass(frozen=True)
class Table:
    """One downloadable file: its columns, its rows (the public list, filtered like the page
    with the same FilterSet and in the same order) and the list page it comes from."""

    name: str  # in URLs, file names and the data package
    title: Any
    description: Any
    columns: list
    list_url_name: str
    base_queryset: Callable[[], Any]  # the public records in the list's order
    prefetch: Callable[[Any], Any]  # what the columns read, fetched per chunk of rows
    filterset_class: Any = None
    primary_key: str | None = None
    expand: Callable[[Any], Any] = field(default=lambda obj: [obj])  # records -> rows

    def rows(self, records):
        for record in records:
            yield from self.expand(record)


def defendant_rows(case):
    defendants = case.public_defendants
    if not defendants:
        yield DefendantRow(case)
    for defendant in defendants:
        yield DefendantRow(case, defendant)


def with_case_columns(queryset):
    return (
        queryset.with_defendants()
        .with_court()
        .prefetch_related(
            Prefetch(
                "organizations",
                queryset=Organization.objects.public(),
                to_attr="public_organizations",
            )
        )
    )


def with_people_columns(queryset):
    from cases.models import Defendant

    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.public().select_related("organization"),
            to_attr="public_memberships",
        ),
        Prefetch(
            "defendants",
            queryset=Defendant.objects.public().only("pk", "case_id", "person_id"),
            to_attr="public_defendants",
        ),
    )


TABLES = {
    table.name: table
    for table in [
        Table(
            name="defendants",
            title=_("Defendants"),
            description=_(
                "Cases, one row per defendant (a case without public defendants has one row "
                "with the defendant columns empty)."
            ),
            columns=DEFENDANT_COLUMNS,
            list_url_name="cases:list",
            base_queryset=lambda: Case.objects.published().newest_verdict_first(),
            prefetch=lambda queryset: queryset.with_defendants().with_court(),
            filterset_class=CaseFilter,
            expand=defendant_rows,
        ),
        Table(
            name="cases",
            title=_("Cases"),
            description=_("Cases, one row per case."),
            columns=CASE_COLUMNS,
            list_url_name="cases:list",
            base_queryset=lambda: Case.objects.published().newest_verdict_first(),
            prefetch=with_case_columns,
            filterset_class=CaseFilter,
            primary_key="case_id",
        ),
        Table(
            name="people",
            title=_("People"),
            description=_(
                "People prosecuted for their views, one row per person; people whose names "
                "were not reported or are withheld are rows without a name."
            ),
            columns=PERSON_COLUMNS,
            list_url_name="people:list",
            base_queryset=lambda: Person.objects.public().in_public_order(),
            prefetch=with_people_columns,
            filterset_class=PersonFilter,
            primary_key="person_id",
        ),
        Table(
            name="organizations",
            title=_("Organizations"),
            description=_("Organizations, one row per organization."),
            columns=ORGANIZATION_COLUMNS,
            list_url_name="organizations:list",
            base_queryset=lambda: Organization.objects.public().in_public_order(),
            prefetch=lambda queryset: queryset.with_designations(),
            primary_key="organization_id",
        ),
    ]
}
