"""What an import will do, row by row, before anything is written: create, update or skip,
with a reason for each; rows that are possible duplicates or errors wait for the editor.

Matching goes through the shared name normalisation (people.names), so any script or
transliteration of a name finds the person. A name alone never matches: the birth date, a case
(same verdict date and city) or the source URL must agree too; otherwise the row is a possible
duplicate, created only if the editor says so. Two people who both agree make the row ambiguous,
an error.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Defendant
from newsroom.imports.models import ImportedRecord
from newsroom.imports.rows import parse_row
from newsroom.models import Source
from people.models import Organization, Person, PersonName
from people.names import normalise_name

CREATE, UPDATE, SKIP, DUPLICATE, ERROR = "create", "update", "skip", "duplicate", "error"


def name_key(text):
    """The matching key of a name: its normalised form (people.names), or for a script that
    normalisation does not transliterate (Chinese), the text itself, case-folded."""
    text = " ".join((text or "").split())
    return normalise_name(text) or text.casefold()


def row_digest(parsed):
    values = json.dumps(parsed.digest_values(), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(values.encode()).hexdigest()


@dataclass
class RowPlan:
    parsed: object
    action: str
    reasons: list = field(default_factory=list)
    person: object = None  # the existing person a row updates
    record: object = None  # the ImportedRecord of an earlier import of this row
    duplicate_of: str = ""
    same_person_as_row: int | None = None  # an earlier row of this file that makes the person
    defendant: object = None  # the person's defendant record in the row's case, when it exists
    digest: str = ""

    @property
    def number(self):
        return self.parsed.number

    @property
    def label(self):
        return self.parsed.label


@dataclass
class Plan:
    file_name: str
    rows: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    def summary(self):
        return ngettext(
            "%(rows)d row: %(create)d to create, %(update)d to update, %(skip)d to skip, "
            "%(duplicate)d possible duplicates, %(error)d errors",
            "%(rows)d rows: %(create)d to create, %(update)d to update, %(skip)d to skip, "
            "%(duplicate)d possible duplicates, %(error)d errors",
            len(self.rows),
        ) % {
            "rows": len(self.rows),
            **{action: self.count(action) for action in (CREATE, UPDATE, SKIP, DUPLICATE, ERROR)},
        }


def _people_named(keys):
    """{name key: [Person]} of the people whose name, native name or an alternate name has one
    of the keys. Every stored name is keyed once in Python (two narrow queries): the stored
    search_name joins the name and native name, so it cannot be compared key by key."""
    wanted = {key for key in keys if key}
    pks_by_key = {}
    if not wanted:
        return {}
    names = [
        *Person.objects.values_list("pk", "name"),
        *Person.objects.exclude(native_name="").values_list("pk", "native_name"),
        *PersonName.objects.values_list("person_id", "name"),
    ]
    for pk, name in names:
        key = name_key(name)
        if key in wanted:
            pks_by_key.setdefault(key, set()).add(pk)
    people = Person.objects.in_bulk({pk for pks in pks_by_key.values() for pk in pks})
    return {key: [people[pk] for pk in sorted(pks)] for key, pks in pks_by_key.items()}


def _agreement(person, parsed):
    """(Why the stored person is the row's person, their defendant record in the row's case or
    None); ("", None) when nothing but the name agrees."""
    defendant = None
    if parsed.verdict_date:
        cases = Defendant.objects.filter(person=person, case__verdict_date=parsed.verdict_date)
        if parsed.city:
            cases = cases.filter(case__city__iexact=parsed.city)
        defendant = cases.select_related("case").order_by("pk").first()
    if parsed.birth_date and person.birth_date == parsed.birth_date:
        return _("same birth date"), defendant
    if parsed.source_url and _cites(person, parsed.source_url):
        return _("same source URL"), defendant
    if defendant is not None:
        return _("a case with the same verdict date"), defendant
    return "", None


def _cites(person, url):
    """Whether an earlier import of the person, or a source of their cases, has this URL."""
    if ImportedRecord.objects.filter(person=person, source_url=url).exists():
        return True
    defendants = Defendant.objects.filter(person=person)
    return (
        Source.objects.filter(url=url)
        .filter(Q(pk__in=defendants.values("source")) | Q(cases__defendants__in=defendants))
        .exists()
    )


def _missing_organizations(parsed, mapping, known):
    missing = []
    for name in filter(None, [parsed.organization, parsed.court]):
        if name_key(name) not in known:
            missing.append(name)
    if missing and not mapping.create_missing_organizations:
        parsed.errors.append(
            _(
                "Unknown organization “%(name)s”: add it first, or tick “create missing "
                "organizations”."
            )
            % {"name": "”, “".join(missing)}
        )


def known_organization_keys():
    keys = set()
    for name, short_name, native_name in Organization.objects.values_list(
        "name", "short_name", "native_name"
    ):
        keys.update(name_key(text) for text in (name, short_name, native_name) if text)
    return keys


def plan_import(table, mapping):
    """The Plan of a Table read with a Mapping; writes nothing."""
    parsed_rows = [parse_row(number, raw, mapping) for number, raw in table.rows]
    organizations = known_organization_keys()
    keys = {}
    for parsed in parsed_rows:
        keys[parsed.number] = [name_key(n) for n in (parsed.name, parsed.native_name) if n]
    people = _people_named(key for row_keys in keys.values() for key in row_keys)
    earlier = {}  # name key -> [ParsedRow] of the rows of this file seen so far
    plans = []
    for parsed in parsed_rows:
        if not parsed.errors:
            _missing_organizations(parsed, mapping, organizations)
        plan = RowPlan(parsed=parsed, action=ERROR, digest=row_digest(parsed))
        plans.append(plan)
        if parsed.errors:
            plan.reasons = list(parsed.errors)
            continue
        plan.reasons = list(parsed.warnings)
        record = (
            ImportedRecord.objects.from_source(table.file_name, parsed.number, parsed.source_url)
            .select_related("person")
            .first()
        )
        if record is not None:
            plan.record, plan.person = record, record.person
            if record.row_digest == plan.digest:
                plan.action = SKIP
                plan.reasons.insert(0, _("already imported, unchanged"))
            else:
                plan.action = UPDATE
                where = {"row": record.row_number, "file": record.file_name}
                plan.reasons.insert(
                    0, _("imported before (row %(row)s of %(file)s); changed") % where
                )
            continue
        row_keys = keys[parsed.number]
        candidates = {p.pk: p for key in row_keys for p in people.get(key, [])}.values()
        agreeing = [(p, *found) for p in candidates if (found := _agreement(p, parsed))[0]]
        if len(agreeing) > 1:
            plan.reasons.insert(
                0,
                _("Ambiguous: the row matches several people: %(names)s.")
                % {"names": "; ".join(f"{p} (#{p.pk})" for p, _why, _defendant in agreeing)},
            )
            continue
        if agreeing:
            person, why, plan.defendant = agreeing[0]
            plan.action, plan.person = UPDATE, person
            match = {"person": f"{person} (#{person.pk})", "why": why}
            plan.reasons.insert(0, _("matches %(person)s (%(why)s)") % match)
            continue
        same_rows = [row for key in row_keys for row in earlier.get(key, [])]
        same_in_file = [
            row for row in same_rows if parsed.birth_date and row.birth_date == parsed.birth_date
        ]
        for key in row_keys:
            earlier.setdefault(key, []).append(parsed)
        if same_in_file:
            plan.action, plan.same_person_as_row = CREATE, same_in_file[0].number
            earlier_row = {"row": same_in_file[0].number}
            plan.reasons.insert(0, _("same person as row %(row)s (same birth date)") % earlier_row)
            continue
        if candidates or same_rows:
            plan.action = DUPLICATE
            names = [f"{p} (#{p.pk})" for p in candidates] + [
                _("row %(row)s (%(name)s)") % {"row": row.number, "name": row.label}
                for row in same_rows
            ]
            plan.duplicate_of = "; ".join(names)
            plan.reasons.insert(
                0,
                _(
                    "possible duplicate of %(names)s: only the name agrees (no birth date, "
                    "case or source URL in common)"
                )
                % {"names": plan.duplicate_of},
            )
            continue
        plan.action = CREATE
    return Plan(file_name=table.file_name, rows=plans)
