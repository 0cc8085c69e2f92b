"""One wording for sentences on every page, and defendants without a public name as groups.

A sentence summary partitions the defendants: each is counted once, under the most severe part
of their sentence (their main penalty), and the other parts are said as "7 of them also to ...".
Defendants with no sentence part recorded are counted by their verdict. So the numbers add up:
"4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, 7 of them also to
100 hours of compulsory labour a year".

People whose names were not reported or are withheld are listed as one group per case and name
status ("9 people whose names were not reported: ..."), with one link to the group on the case
page; their individual records still exist and still count in every number.

Everything here works on prefetched objects (CaseQuerySet.with_defendants(),
PersonQuerySet.with_story_lines()): it never queries the database.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from cases.models import Defendant, SentencePart, format_term
from people.models import Person

Kind = SentencePart.Kind
Verdict = Defendant.Verdict

# Most severe first: a defendant is counted under the first of these among their parts.
SEVERITY = [
    Kind.PRISON,
    Kind.HOUSE_ARREST,
    Kind.RESTRICTED_FREEDOM,
    Kind.SUSPENDED,
    Kind.COMPULSORY_LABOUR,
    Kind.PROBATION,
    Kind.FINE,
    Kind.OTHER,
]

# Defendants without a sentence part come after the sentenced ones, in this order.
VERDICT_ORDER = [Verdict.CONVICTED, Verdict.ACQUITTED, Verdict.DISMISSED, Verdict.PENDING]

# Where a case page describes each group (the anchor every group line links to).
GROUP_ANCHORS = {
    Person.NameStatus.NOT_REPORTED: "unnamed-defendants",
    Person.NameStatus.WITHHELD: "withheld-defendants",
}


def severity(part):
    """Sort key: smaller is more severe (the kind, then the longer term, hours or fine)."""
    rank = SEVERITY.index(part.kind) if part.kind in SEVERITY else len(SEVERITY)
    term = part.term_max_months or part.term_min_months or 0
    return (rank, -term, -(part.hours_per_year or 0), -(part.fine_amount or 0))


def penalty_phrase(part):
    """What a defendant was sentenced to: "5 years in prison", "1 to 2 years of restricted
    freedom", "100 hours of compulsory labour a year", "a fine of 500,000 KZT"."""
    term = format_term(part.term_min_months, part.term_max_months)
    if part.kind == Kind.PRISON:
        return _("%(term)s in prison") % {"term": term} if term else _("prison, term not reported")
    if part.kind == Kind.COMPULSORY_LABOUR and part.hours_per_year:
        text = ngettext(
            "%(count)d hour of compulsory labour a year",
            "%(count)d hours of compulsory labour a year",
            part.hours_per_year,
        ) % {"count": part.hours_per_year}
        return _("%(penalty)s for %(term)s") % {"penalty": text, "term": term} if term else text
    if part.kind == Kind.FINE:
        if part.fine_amount is None:
            return _("a fine, amount not reported")
        amount = f"{part.fine_amount:,.0f}"
        return _("a fine of %(amount)s %(currency)s") % {
            "amount": amount,
            "currency": part.fine_unit_label(),
        }
    with_term, without_term = OTHER_PENALTIES.get(part.kind, OTHER_PENALTY)
    return _(with_term) % {"term": term} if term else _(without_term)


# The other kinds' wording, (with a term, without one): marked for translation here and
# translated when used, only the one needed (a page of a hundred sentences translated every
# wording of this table for each).
OTHER_PENALTIES = {
    Kind.RESTRICTED_FREEDOM: (
        gettext_noop("%(term)s of restricted freedom"),
        gettext_noop("restricted freedom"),
    ),
    Kind.HOUSE_ARREST: (gettext_noop("%(term)s of house arrest"), gettext_noop("house arrest")),
    Kind.SUSPENDED: (
        gettext_noop("a suspended sentence of %(term)s"),
        gettext_noop("a suspended sentence"),
    ),
    Kind.PROBATION: (gettext_noop("%(term)s of probation"), gettext_noop("probation")),
    Kind.COMPULSORY_LABOUR: (
        gettext_noop("%(term)s of compulsory labour"),
        gettext_noop("compulsory labour"),
    ),
}
OTHER_PENALTY = (gettext_noop("another penalty of %(term)s"), gettext_noop("another penalty"))


def verdict_phrase(verdict, count):
    """Defendants with no sentence part, counted by verdict: "2 awaiting a verdict"."""
    values = {"count": count}
    if verdict == Verdict.CONVICTED:
        return (
            ngettext(
                "%(count)d convicted, sentence not reported",
                "%(count)d convicted, sentence not reported",
                count,
            )
            % values
        )
    if verdict == Verdict.ACQUITTED:
        return ngettext("%(count)d acquitted", "%(count)d acquitted", count) % values
    if verdict == Verdict.DISMISSED:
        return (
            ngettext(
                "%(count)d whose case was dismissed", "%(count)d whose cases were dismissed", count
            )
            % values
        )
    if verdict == Verdict.PENDING:
        return ngettext("%(count)d awaiting a verdict", "%(count)d awaiting a verdict", count) % (
            values
        )
    return (
        ngettext(
            "%(count)d whose verdict was not reported",
            "%(count)d whose verdicts were not reported",
            count,
        )
        % values
    )


@dataclass
class _Partition:
    """Defendants counted together: the same main penalty, or no penalty and the same verdict."""

    order: tuple
    main: SentencePart | None = None
    verdict: str = ""
    defendants: list = field(default_factory=list)
    # summary key of another part -> [that part, pks of the defendants who also got it]
    extras: dict = field(default_factory=dict)

    def phrase(self, first):
        count = len(self.defendants)
        values = {"count": count}
        if self.main is None:
            text = verdict_phrase(self.verdict, count)
        else:
            values["penalty"] = penalty_phrase(self.main)
            if first:
                text = ngettext(
                    "%(count)d sentenced to %(penalty)s",
                    "%(count)d sentenced to %(penalty)s",
                    count,
                )
            else:
                # Translators: a later group of the same summary, after "4 sentenced to ...; "
                text = ngettext("%(count)d to %(penalty)s", "%(count)d to %(penalty)s", count)
            text = text % values
        absent = sum(1 for defendant in self.defendants if defendant.in_absentia)
        if absent == count:
            everyone = ngettext("in absentia", "all in absentia", count)
            text += f" ({everyone})"
        elif absent:
            some = ngettext(
                "%(count)d of them in absentia", "%(count)d of them in absentia", absent
            ) % {"count": absent}
            text += f" ({some})"
        for part, holders in sorted(self.extras.values(), key=lambda extra: severity(extra[0])):
            also = {"count": len(holders), "penalty": penalty_phrase(part)}
            if len(holders) < count:
                text += (
                    ", "
                    + ngettext(
                        "%(count)d of them also to %(penalty)s",
                        "%(count)d of them also to %(penalty)s",
                        len(holders),
                    )
                    % also
                )
            elif count == 1:
                text += ", " + _("also to %(penalty)s") % also
            else:
                text += ", " + _("all of them also to %(penalty)s") % also
        return text


def sentence_summary(defendants):
    """The sentences of these defendants in one line that counts each of them once (see the
    module's docstring); "" when there are none. Needs their `sentence_parts` prefetched."""
    partitions = {}
    for position, defendant in enumerate(defendants):
        parts = list(defendant.sentence_parts.all())
        if not parts:
            rank = (
                VERDICT_ORDER.index(defendant.verdict)
                if defendant.verdict in VERDICT_ORDER
                else len(VERDICT_ORDER)
            )
            key = ("verdict", defendant.verdict)
            partition = partitions.setdefault(
                key, _Partition(order=(1, rank, position), verdict=defendant.verdict)
            )
            partition.defendants.append(defendant)
            continue
        main = min(parts, key=severity)
        key = ("sentence", main.summary_key())
        partition = partitions.setdefault(
            key, _Partition(order=(0, severity(main), position), main=main)
        )
        partition.defendants.append(defendant)
        for part in parts:
            if part is main or part.summary_key() == main.summary_key():
                continue
            extra = partition.extras.setdefault(part.summary_key(), [part, set()])
            extra[1].add(defendant.pk)
    ordered = sorted(partitions.values(), key=lambda partition: partition.order)
    return "; ".join(partition.phrase(first=index == 0) for index, partition in enumerate(ordered))


def unnamed_label(name_status, count):
    """ "9 people whose names were not reported", "1 person whose name is withheld"."""
    if name_status == Person.NameStatus.WITHHELD:
        text = ngettext(
            "%(count)d person whose name is withheld",
            "%(count)d people whose names are withheld",
            count,
        )
    else:
        text = ngettext(
            "%(count)d person whose name was not reported",
            "%(count)d people whose names were not reported",
            count,
        )
    return text % {"count": count}


@dataclass
class UnnamedGroup:
    """The defendants of one case whose names were not reported (or are withheld), listed as one
    line that links to where the case page describes them."""

    case: object
    name_status: str
    defendants: list = field(default_factory=list)

    is_group = True

    @property
    def count(self):
        return len(self.defendants)

    @property
    def label(self):
        return unnamed_label(self.name_status, self.count)

    @property
    def anchor(self):
        return GROUP_ANCHORS[self.name_status]

    def get_absolute_url(self):
        return f"{self.case.get_absolute_url()}#{self.anchor}"

    def summary(self):
        return sentence_summary(self.defendants)

    def conditions(self):
        """The distinct conditions of the group's sentences, in the order first met."""
        found = {}
        for defendant in self.defendants:
            for part in defendant.sentence_parts.all():
                if part.conditions:
                    found.setdefault(part.conditions, None)
        return list(found)


def unnamed_defendant_groups(case, defendants):
    """The case's defendants without a public name, one group per name status (not reported
    first, then withheld)."""
    groups = {}
    for defendant in defendants:
        status = defendant.person.name_status
        if status in GROUP_ANCHORS:
            groups.setdefault(status, UnnamedGroup(case, status)).defendants.append(defendant)
    return [groups[status] for status in GROUP_ANCHORS if status in groups]


def with_unnamed_grouped(people):
    """A list of people (with `public_defendants` prefetched, each with its case) where the
    people without a public name who are defendants stand as one UnnamedGroup per case and name
    status, at the place of the group's first person. Unnamed people in no public case stay as
    themselves (there is no group to link to)."""
    entries, groups = [], {}
    for person in people:
        if person.is_named or not person.public_defendants:
            entries.append(person)
            continue
        for defendant in person.public_defendants:
            key = (defendant.case_id, person.name_status)
            if key not in groups:
                groups[key] = UnnamedGroup(defendant.case, person.name_status)
                entries.append(groups[key])
            groups[key].defendants.append(defendant)
    return entries


@dataclass
class CasePeople:
    """The people of a story who are defendants in one case: the named ones, the groups of
    those without a public name, and the sentence summary of all of them."""

    case: object
    named: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    defendants: list = field(default_factory=list)

    # True when the story links the case itself (prefetched with all its public defendants).
    is_linked: bool = False

    def summary(self):
        """The case's own summary when the story links it, else that of these people."""
        if self.is_linked:
            return self.case.sentence_summary()
        return sentence_summary(self.defendants)


def story_links(people, cases):
    """What a story page lists after the story, each once: its people grouped by case
    (`case_people`, CasePeople in the order their first person comes, each with the case's own
    summary when the story links the case), the people in no public case (`other_people`) and
    the story's cases none of its people is a defendant in (`other_cases`). People come
    prefetched by PersonQuerySet.with_story_lines(), cases by CaseQuerySet.with_defendants()."""
    blocks, other_people = {}, []
    for entry in with_unnamed_grouped(people):
        if isinstance(entry, UnnamedGroup):
            block = blocks.setdefault(entry.case.pk, CasePeople(entry.case))
            block.groups.append(entry)
            block.defendants.extend(entry.defendants)
        elif not entry.public_defendants:
            other_people.append(entry)
        else:
            for defendant in entry.public_defendants:
                block = blocks.setdefault(defendant.case_id, CasePeople(defendant.case))
                block.named.append(entry)
                block.defendants.append(defendant)
    linked_cases = {case.pk: case for case in cases}
    for block in blocks.values():
        # The case as the story links it has all its public defendants: its summary is the
        # one every other page gives.
        if block.case.pk in linked_cases:
            block.case, block.is_linked = linked_cases[block.case.pk], True
    return {
        "case_people": list(blocks.values()),
        "other_people": other_people,
        "other_cases": [case for case in cases if case.pk not in blocks],
    }
