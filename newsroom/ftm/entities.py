"""Public records as FollowTheMoney entities, built with the followthemoney library.

What is exported: public people whose name is public (Person), public organizations
(Organization), their public memberships (Membership), published cases (CourtCase), each named
public defendant and the public court as parties (CourtCaseParty), and published stories
(Article) with a Documentation link to each public record they are about.

People whose name is withheld or was not reported are not exported as entities: a Person needs a
name in FtM, and a placeholder such as "name withheld" would be matched across datasets as if
it were one person. They are still counted in their case's description ("13 defendants, 4
named"), as on the case page, and nothing else about them is written.

Defendants are people prosecuted for their views: no entity ever carries `topics` (risk tags
such as crime or sanction), and a sentence is text on the case and its party, never a Sanction.
"""

import html
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import urljoin

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.translation import gettext
from followthemoney import model

from cases.models import Case
from newsroom.feeds import correction_line
from newsroom.models import Article
from newsroom.rendering import render_body
from people.models import Membership, Organization, Person, Recognition

logger = logging.getLogger(__name__)

ID_PREFIX = "newsroom"
# Rows read from the database at a time: memory stays flat whatever the size of the dataset.
CHUNK_SIZE = 500


def entity_id(kind, pk):
    """A stable id from the database primary key: "newsroom-person-12"."""
    return f"{ID_PREFIX}-{kind}-{pk}"


@dataclass
class Entity:
    """One entity as meant: its schema, id and the values of each property, before the library
    cleans them. `proxy()` builds it with the library; `dropped()` says what the library
    refused (FtM's add() drops invalid values silently)."""

    schema: str
    id: str
    properties: dict = field(default_factory=dict)

    def add(self, prop, *values):
        """Add the values that say something (not None, not blank), each once, in order."""
        for value in values:
            if value is None:
                continue
            value = str(value).strip()
            if value and value not in self.properties.setdefault(prop, []):
                self.properties[prop].append(value)
        if not self.properties.get(prop):
            self.properties.pop(prop, None)
        return self

    def proxy(self):
        proxy = model.make_entity(self.schema)
        proxy.id = self.id
        for prop, values in self.properties.items():
            proxy.add(prop, values)
        return proxy

    def stored_form(self, prop, value, proxy):
        """The value as the library stores it, or None when it refuses it. The library only
        normalises the form of some values: the whitespace inside a name, a bare domain's
        missing "/" ("https://example.org" is kept as "https://example.org/")."""
        return model.get(self.schema).get(prop).type.clean(value, proxy=proxy)

    def dropped(self, proxy=None):
        """{property: [values meant but refused or changed beyond their form]}: empty when
        nothing was lost."""
        proxy = proxy or self.proxy()
        lost = {}
        for prop, values in self.properties.items():
            stored = proxy.get(prop)
            missing = [
                value for value in values if self.stored_form(prop, value, proxy) not in stored
            ]
            if missing:
                lost[prop] = missing
        return lost


def partial_date(value):
    """A PartialDate at its precision ("2018-03"), or None."""
    return value.isoformat() if value else None


def timestamp(value):
    """A datetime as FtM stores it: UTC, to the second, without the offset."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else None


def recognition_line(recognition):
    """ "Recognised as a political prisoner by Viasna (2021-03): https://..."."""
    when = partial_date(recognition.recognised_on) or gettext("date not reported")
    return gettext("Recognised as %(kind)s by %(organization)s (%(date)s): %(url)s") % {
        "kind": recognition.get_kind_display(),
        "organization": recognition.organization.name,
        "date": when,
        "url": recognition.source_url,
    }


def country_code(country):
    return str(country.code).lower() if country else None


class EntityBuilder:
    """Builds the entities of the public dataset; page URLs are absolute on `base_url`."""

    def __init__(self, base_url):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def url(self, record):
        return urljoin(self.base_url, record.get_absolute_url().lstrip("/"))

    # Queries: only what readers may see, in primary key order so the file is stable.

    def entities(self):
        yield from self.people()
        yield from self.organizations()
        yield from self.memberships()
        yield from self.cases()
        yield from self.stories()

    def people(self):
        named = (
            Person.objects.searchable()
            .prefetch_related(
                "alternate_names",
                Prefetch(
                    "recognitions",
                    queryset=Recognition.objects.public().select_related("organization"),
                    to_attr="public_recognitions",
                ),
            )
            .order_by("pk")
        )
        for person in named.iterator(chunk_size=CHUNK_SIZE):
            yield self.person(person)

    def organizations(self):
        organizations = (
            Organization.objects.public()
            .with_designations()
            .prefetch_related("alternate_names")
            .order_by("pk")
        )
        for organization in organizations.iterator(chunk_size=CHUNK_SIZE):
            yield self.organization(organization)

    def memberships(self):
        memberships = (
            Membership.objects.public()
            .filter(person__in=Person.objects.searchable())
            .select_related("person")
            .order_by("pk")
        )
        for membership in memberships.iterator(chunk_size=CHUNK_SIZE):
            yield self.membership(membership)

    def cases(self):
        cases = Case.objects.published().with_defendants().with_court().order_by("pk")
        for case in cases.iterator(chunk_size=CHUNK_SIZE):
            yield self.court_case(case)
            if case.public_court:
                yield self.court_party(case)
            for defendant in case.public_defendants:
                if defendant.person.is_named:
                    yield self.defendant_party(case, defendant)

    def stories(self):
        stories = (
            Article.objects.published()
            .prefetch_related(
                "corrections",
                "cases",
                "organizations",
                "people",
            )
            .order_by("pk")
        )
        public_people = set(Person.objects.searchable().values_list("pk", flat=True))
        public_organizations = set(Organization.objects.public().values_list("pk", flat=True))
        published_cases = set(Case.objects.published().values_list("pk", flat=True))
        for story in stories.iterator(chunk_size=CHUNK_SIZE):
            yield self.story(story)
            for kind, records, public in (
                ("person", story.people.all(), public_people),
                ("organization", story.organizations.all(), public_organizations),
                ("case", story.cases.all(), published_cases),
            ):
                for record in sorted(records, key=lambda record: record.pk):
                    if record.pk in public:
                        yield self.documentation(story, kind, record)

    # One record each.

    def person(self, person):
        entity = Entity("Person", entity_id("person", person.pk))
        entity.add("name", person.name)
        entity.add("alias", person.native_name)
        entity.add("alias", *(alternate.name for alternate in person.alternate_names.all()))
        if person.name in entity.properties.get("alias", []):
            entity.properties["alias"].remove(person.name)
            entity.add("alias")  # drops the property if it is now empty
        entity.add("birthDate", partial_date(person.birth_date))
        entity.add("citizenship", country_code(person.country))
        entity.add("profession", person.occupation)
        entity.add("summary", person.summary)
        # As the person page gives it: who recognised them, when (at its precision), source.
        entity.add("notes", *(recognition_line(r) for r in person.public_recognitions))
        entity.add("sourceUrl", self.url(person))
        return entity

    def organization(self, organization):
        entity = Entity("Organization", entity_id("organization", organization.pk))
        entity.add("name", organization.name)
        entity.add("abbreviation", organization.short_name)
        entity.add("alias", organization.native_name)
        entity.add("alias", *(alternate.name for alternate in organization.alternate_names.all()))
        entity.add("classification", organization.get_kind_display())
        entity.add("country", country_code(organization.country))
        entity.add("summary", organization.summary)
        entity.add("website", organization.website)
        # An authority's label, as the organization page gives it: text, never a risk topic.
        entity.add("notes", *(d.describe() for d in organization.public_designations))
        entity.add("sourceUrl", self.url(organization))
        return entity

    def membership(self, membership):
        entity = Entity("Membership", entity_id("membership", membership.pk))
        entity.add("member", entity_id("person", membership.person_id))
        entity.add("organization", entity_id("organization", membership.organization_id))
        entity.add("role", membership.role)
        entity.add("startDate", partial_date(membership.start_date))
        entity.add("endDate", partial_date(membership.end_date))
        entity.add("sourceUrl", self.url(membership.person))
        return entity

    def court_case(self, case):
        entity = Entity("CourtCase", entity_id("case", case.pk))
        entity.add("name", case.title)
        entity.add("country", country_code(case.country))
        entity.add("status", case.get_status_display())
        if case.public_court:
            entity.add("court", case.public_court.name)
        entity.add("summary", case.summary)
        # The sentences as the case page sums them up: text, never a Sanction entity.
        description = case.defendant_count_line()
        if case.sentence_summary():
            description += f". {case.sentence_summary()}"
        entity.add("description", description)
        if case.verdict_date:
            entity.add(
                "notes", gettext("Verdict: %(date)s") % {"date": partial_date(case.verdict_date)}
            )
        entity.add("sourceUrl", self.url(case))
        return entity

    def court_party(self, case):
        entity = Entity("CourtCaseParty", entity_id("case-court", case.pk))
        entity.add("case", entity_id("case", case.pk))
        entity.add("party", entity_id("organization", case.public_court.pk))
        entity.add("role", "court")
        entity.add("sourceUrl", self.url(case))
        return entity

    def defendant_party(self, case, defendant):
        entity = Entity("CourtCaseParty", entity_id("defendant", defendant.pk))
        entity.add("case", entity_id("case", case.pk))
        entity.add("party", entity_id("person", defendant.person_id))
        entity.add("role", "defendant")
        entity.add("status", defendant.get_verdict_display())
        entity.add("summary", defendant.sentence_line())
        charges = "; ".join(str(charge) for charge in defendant.charges.all())
        entity.add(
            "description",
            gettext("Charges: %(charges)s") % {"charges": charges} if charges else None,
        )
        entity.add("description", defendant.notes)
        entity.add("startDate", partial_date(defendant.arrest_date))
        entity.add("endDate", partial_date(defendant.release_date))
        entity.add("sourceUrl", self.url(case))
        return entity

    def story(self, story):
        entity = Entity("Article", entity_id("story", story.pk))
        entity.add("name", story.headline)
        entity.add("title", story.headline)
        entity.add("summary", story.standfirst)
        # The text readers get: the sanitised rendering, never the editors' raw Markdown (whose
        # comments and stripped markup a reader never sees).
        entity.add("bodyText", html.unescape(strip_tags(render_body(story.body))))
        entity.add("author", story.byline)
        entity.add("publishedAt", timestamp(story.publish_at))
        entity.add("modifiedAt", timestamp(story.modified_at))
        entity.add("notes", *(correction_line(c) for c in story.corrections.all()))
        entity.add("sourceUrl", self.url(story))
        return entity

    def documentation(self, story, kind, record):
        entity = Entity("Documentation", entity_id(f"story-{story.pk}-{kind}", record.pk))
        entity.add("document", entity_id("story", story.pk))
        entity.add("entity", entity_id(kind, record.pk))
        entity.add("sourceUrl", self.url(story))
        return entity


def export_lines(base_url):
    """The public dataset as FtM JSON lines (UTF-8 text, one entity each), built as read."""
    for entity in EntityBuilder(base_url).entities():
        proxy = entity.proxy()
        lost = entity.dropped(proxy)
        if lost:
            logger.warning("FtM export: %s lost values %s", entity.id, lost)
        yield json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
