"""Merging two records of one person (the editors' "Merge" action on the person list).

Everything that points to the merged-away person moves to the survivor: memberships, defendant
records, recognitions, story links, import records; the loser's names become the survivor's
alternate names; the loser's address answers 301 to the survivor's (PersonRedirect, which never
reveals a withheld name). The merge is one revision with a comment. The loser's own past
revisions stay in the history under its old id; a MergedPerson row lists them on the survivor's
admin page.
"""

import reversion
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Defendant
from newsroom.slugs import is_neutral_slug
from people.models import (
    Membership,
    MergedPerson,
    Person,
    PersonName,
    PersonRedirect,
    Recognition,
)


class MergeRefused(ValueError):
    pass


def merge_refusal(survivor, loser):
    """Why these two cannot be merged, or ""."""
    if survivor.pk == loser.pk:
        return _("Choose two different people.")
    withheld = Person.NameStatus.WITHHELD
    if loser.name_status == withheld and survivor.name_status != withheld:
        # Its cases and memberships would show under the survivor's name: readers could tell
        # who the withheld defendant is. Withholding is a safety decision, not a merge's.
        return _(
            "The name of %(loser)s is withheld: merging it into a person whose name is shown "
            "would show who they are. Withhold the name of %(survivor)s first, or keep %(loser)s "
            "as the survivor."
        ) % {"loser": loser, "survivor": survivor}
    shared = Defendant.objects.filter(person=survivor, case__in=loser.defendants.values("case"))
    if shared.exists():
        titles = ", ".join(sorted({d.case.title for d in shared.select_related("case")}))
        return _(
            "Both are defendants in the same case (%(cases)s): keep one defendant record there "
            "first."
        ) % {"cases": titles}
    return ""


def _add_alternate_name(survivor, name, script="latin"):
    name = (name or "").strip()
    taken = {
        survivor.name,
        survivor.native_name,
        *survivor.alternate_names.values_list("name", flat=True),
    }
    if name and name not in taken:
        PersonName.objects.create(person=survivor, name=name, script=script)


def merge_people(survivor, loser, user=None):
    """Move everything of `loser` to `survivor` and delete `loser`, in one transaction and one
    revision. Returns the revision's comment."""
    refusal = merge_refusal(survivor, loser)
    if refusal:
        raise MergeRefused(refusal)
    comment = _("Merged %(loser)s (#%(pk)s) into this person.") % {"loser": loser, "pk": loser.pk}
    with transaction.atomic(), reversion.create_revision():
        from newsroom.imports.models import ImportedRecord

        for defendant in Defendant.objects.filter(person=loser):
            defendant.person = survivor
            defendant.save()
        for membership in Membership.objects.filter(person=loser):
            membership.person = survivor
            membership.save()
        for recognition in Recognition.objects.filter(person=loser):
            recognition.person = survivor
            recognition.save()
        ImportedRecord.objects.filter(person=loser).update(person=survivor)
        survivor.stories.add(*loser.stories.all())
        if loser.name_status == Person.NameStatus.NAMED:
            _add_alternate_name(survivor, loser.name)
            _add_alternate_name(survivor, loser.native_name, script="other")
        elif survivor.name_status == loser.name_status == Person.NameStatus.WITHHELD:
            # A withheld name is kept, but only where withheld names are: on a withheld survivor.
            _add_alternate_name(survivor, loser.name)
        # What a withheld record holds (alternate names, birth date, summary...) never
        # appears publicly: it moves only to a named loser's survivor or a withheld survivor.
        may_copy = loser.name_status == Person.NameStatus.NAMED or (
            survivor.name_status == Person.NameStatus.WITHHELD
        )
        if may_copy:
            for alternate in loser.alternate_names.all():
                _add_alternate_name(survivor, alternate.name, alternate.script)
            for field in ("birth_date", "native_name", "country", "occupation", "summary"):
                if not getattr(survivor, field) and getattr(loser, field):
                    setattr(survivor, field, getattr(loser, field))
        old_slug = loser.slug
        PersonRedirect.objects.filter(person=loser).update(person=survivor)
        # The survivor keeps the history of both: of the loser, and of what merged into it.
        MergedPerson.objects.filter(survivor=loser).update(survivor=survivor)
        loser_id = loser.pk
        loser.delete()
        MergedPerson.objects.create(survivor=survivor, merged_id=loser_id)
        if old_slug and not is_neutral_slug(old_slug, "person"):
            PersonRedirect.objects.update_or_create(
                old_slug=old_slug, defaults={"person": survivor}
            )
        survivor.save()
        reversion.add_to_revision(survivor)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
    return comment
