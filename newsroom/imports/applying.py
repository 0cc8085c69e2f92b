"""Writing a Plan: one transaction and one revision for the whole file, every row's records
keeping their source in an ImportedRecord. An error row the editor did not choose to skip
refuses the whole file before anything is written."""

from dataclasses import dataclass, field

import reversion
from django.apps import apps
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.forms import find_charge, set_charges, set_sentence
from cases.models import Case, Defendant
from cases.parsing import Penalty
from newsroom.imports.models import ImportedRecord
from newsroom.imports.planning import CREATE, DUPLICATE, ERROR, SKIP, UPDATE, name_key
from newsroom.models import Source
from people.models import Membership, Organization, Person


class ImportRefused(ValueError):
    """The plan has rows that stop the import; `problems` lists them for the editor."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    skipped: list = field(default_factory=list)  # (row number, reason)
    revision: object = None

    def summary(self):
        return _("%(created)d created, %(updated)d updated, %(skipped)d skipped") % {
            "created": self.created,
            "updated": self.updated,
            "skipped": len(self.skipped),
        }


def decide(plan, *, skip_rows=(), create_rows=(), skip_errors=False, create_duplicates=False):
    """{row number: action} once the editor's choices are applied; ImportRefused when an error
    row is not skipped."""
    skip_rows, create_rows = set(skip_rows), set(create_rows)
    problems, actions = [], {}
    for row in plan.rows:
        action = row.action
        if action == ERROR:
            if skip_errors or row.number in skip_rows:
                action = SKIP
            else:
                reasons = " ".join(str(reason) for reason in row.reasons)
                problems.append(
                    _("Row %(row)s: %(reasons)s") % {"row": row.number, "reasons": reasons}
                )
        elif action == DUPLICATE:
            action = CREATE if create_duplicates or row.number in create_rows else SKIP
        actions[row.number] = action
    if problems:
        raise ImportRefused(problems)
    return actions


class Importer:
    def __init__(self, plan, *, user=None, publish=False, create_missing_organizations=False):
        self.plan = plan
        self.user = user
        self.publish = publish
        self.create_missing_organizations = create_missing_organizations
        self.people_by_row = {}
        self.touched = {}  # (model, pk) -> what the revision holds (with what each follows)
        self.organizations = {}
        for organization in Organization.objects.all():
            for text in (organization.name, organization.short_name, organization.native_name):
                if text:
                    self.organizations.setdefault(name_key(text), organization)

    def organization(self, name, kind):
        key = name_key(name)
        if key not in self.organizations:
            # Only reached with "create missing organizations": planning refused it otherwise.
            organization = Organization(name=name, kind=kind, is_public=self.publish)
            organization.save()
            self.touch(organization)
            self.organizations[key] = organization
        return self.organizations[key]

    def source(self, url):
        # Source.url takes https only; an http address stays in the ImportedRecord.
        if not url.startswith("https://"):
            return None
        source = Source.objects.filter(url=url).order_by("pk").first()
        if source is None:
            source = Source.objects.create(title=url[:300], url=url)
            self.touch(source)
        return source

    def touch(self, *objects):
        for obj in objects:
            self.touched[(type(obj), obj.pk)] = obj

    def apply(self, actions):
        result = Result()
        # Rows are added to the revision once, after the whole file is written: reversion
        # would otherwise serialize a case again with each save of it or of its links.
        with transaction.atomic(), reversion.create_revision(manage_manually=True):
            for row in self.plan.rows:
                action = actions[row.number]
                if action == SKIP:
                    reason = row.reasons[0] if row.reasons else _("skipped")
                    if row.action == DUPLICATE:
                        reason = _("possible duplicate, not created: %(reason)s") % {
                            "reason": reason
                        }
                    result.skipped.append((row.number, reason))
                    continue
                changed = self.write_row(row, created=action == CREATE)
                if action == CREATE:
                    result.created += 1
                elif changed:
                    result.updated += 1
                else:
                    result.skipped.append((row.number, _("nothing new")))
            for obj in self.touched.values():
                reversion.add_to_revision(obj)
            if self.user is not None and self.user.is_authenticated:
                reversion.set_user(self.user)
            reversion.set_comment(
                _("Imported %(file)s: %(summary)s.")
                % {"file": self.plan.file_name, "summary": result.summary()}
            )
        if result.created + result.updated >= ANALYZE_AFTER_ROWS:
            transaction.on_commit(refresh_planner_statistics)
        return result

    def write_row(self, row, *, created):
        parsed = row.parsed
        changed = False
        if created:
            person = self.people_by_row.get(row.same_person_as_row)
            if person is None:
                person = Person(
                    name=parsed.name or parsed.native_name,
                    native_name=parsed.native_name if parsed.native_name != parsed.name else "",
                    birth_date=parsed.birth_date,
                    is_public=self.publish,
                )
                person.save()
            changed = True
        else:
            person = row.person
            for name in ("birth_date", "native_name"):
                if getattr(parsed, name) and not getattr(person, name):
                    setattr(person, name, getattr(parsed, name))
                    changed = True
            if changed:
                person.save()
        self.people_by_row[row.number] = person
        if parsed.organization:
            organization = self.organization(parsed.organization, Organization.Kind.OTHER)
            _membership, made = Membership.objects.get_or_create(
                person=person, organization=organization
            )
            changed |= made
        defendant = row.record.defendant if row.record is not None else row.defendant
        changed |= self.write_case(row, person, defendant)
        if changed:
            self.touch(person)
        return changed

    def write_case(self, row, person, defendant):
        parsed = row.parsed
        court = self.organization(parsed.court, Organization.Kind.COURT) if parsed.court else None
        source = self.source(parsed.source_url) if parsed.source_url else None
        case_values = {
            "country": parsed.country,
            "city": parsed.city,
            "court": court,
            "status": parsed.status,
            "verdict_date": parsed.verdict_date,
        }
        defendant_values = {
            "verdict": parsed.verdict,
            "in_absentia": parsed.in_absentia,
            "arrest_date": parsed.arrest_date,
            "release_date": parsed.release_date,
            "notes": "\n".join(parsed.notes),
        }
        changed = False
        if defendant is None:
            title = (
                _("Case of %(name)s") % {"name": person.name}
                if person.is_named
                else _("Case (imported, row %(row)s)") % {"row": row.number}
            )
            case = Case(
                title=title[:200],
                is_published=self.publish,
                **case_values,
            )
            case.save()
            defendant = Defendant.objects.create(
                case=case, person=person, source=source, **defendant_values
            )
            changed = True
        else:
            case = defendant.case
            for target, values in ((case, case_values), (defendant, defendant_values)):
                differing = {k: v for k, v in values.items() if getattr(target, k) != v}
                if differing:
                    for name, value in differing.items():
                        setattr(target, name, value)
                    target.save()
                    changed = True
        if source is not None:
            case.sources.add(source)
        before = [Penalty.from_row(part) for part in defendant.sentence_parts.order_by("pk")]
        if before != list(parsed.penalties):
            set_sentence(defendant, parsed.penalties)
            changed = True
        checked = []
        for reference in parsed.charges:
            country = reference.country or parsed.country
            if not reference.description and find_charge(reference, country) is None:
                # A new article given without words: described by its reference, as written.
                code = reference.legal_code or "Criminal Code"
                description = f"article {reference.article} of the {code}"
                reference = type(reference)(**{**vars(reference), "description": description})
            checked.append((reference, country))
        links_before = set(defendant.charges.values_list("pk", flat=True))
        set_charges(defendant, checked, keep_others=False)
        changed |= links_before != set(defendant.charges.values_list("pk", flat=True))
        record = row.record or ImportedRecord(person=person)
        record.file_name = self.plan.file_name
        record.row_number = row.number
        record.source_url = parsed.source_url
        record.row_digest = row.digest
        record.values = parsed.raw
        record.person = person
        record.defendant = defendant
        record.imported_by = self.user if getattr(self.user, "is_authenticated", False) else None
        record.save()
        if changed:
            # The person follows its memberships; the case its defendants, which follow
            # their sentence parts and charge links.
            self.touch(person, case, *defendant.charges.all())
        return changed


# An import of at least this many rows refreshes PostgreSQL's planner statistics of the records
# tables once it is committed. Until autovacuum comes round (a minute or more), the planner
# takes tables that have grown from empty for empty ones, and plans the public lists' counts as
# nested loops: seconds on a few hundred rows in the tests, past the site's statement timeout.
ANALYZE_AFTER_ROWS = 100
ANALYZED_APPS = ("people", "cases", "newsroom")


def refresh_planner_statistics():
    if connection.vendor != "postgresql":
        return  # SQLite's planner keeps no statistics unless asked (its ANALYZE is not used)
    tables = sorted(
        {
            model._meta.db_table
            for label in ANALYZED_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def apply_plan(plan, *, user=None, publish=False, create_missing_organizations=False, **choices):
    actions = decide(plan, **choices)
    importer = Importer(
        plan,
        user=user,
        publish=publish,
        create_missing_organizations=create_missing_organizations,
    )
    return importer.apply(actions)


__all__ = ["ImportRefused", "Result", "apply_plan", "decide", "UPDATE"]
