"""What a revision holds: the models django-reversion records, and the rows each one's
revision follows (its inline rows), so a save with inlines is one revision."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import Article, Correction, Page, Source
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    Recognition,
)

# What each revision holds besides the record itself: the rows edited inline on its admin page.
# Saving a case with its defendants inline, or a defendant with its sentence parts, makes one
# revision with all of them, and restoring it brings them all back.
FOLLOW = {
    Article: ["corrections"],
    Correction: [],
    Source: [],
    Page: [],
    Person: ["alternate_names", "memberships", "recognitions"],
    PersonName: [],
    Organization: ["alternate_names", "designations", "memberships"],
    OrganizationName: [],
    Membership: [],
    Recognition: [],
    Designation: [],
    Case: ["defendants", "events"],
    Charge: [],
    Defendant: ["sentence_parts", "defendantcharge_set"],
    DefendantCharge: [],
    SentencePart: [],
    CaseEvent: [],
}

# The links between a story and the people, organizations and cases in it, edited inline on
# the story's page. A link row has no reverse accessor to follow, so HistoryAdmin.save_related
# adds the story's links to each revision of the story.
STORY_LINKS = [Person.stories.through, Organization.stories.through, Case.stories.through]

for _model, _follow in [*FOLLOW.items(), *((link, []) for link in STORY_LINKS)]:
    if not reversion.is_registered(_model):
        reversion.register(_model, follow=_follow)


def create_link_content_types(using=DEFAULT_DB_ALIAS, **kwargs):
    """Content types of the link tables, which Django creates only on first use.

    Created on first use inside a save that is then rolled back, the id would stay in
    ContentType's cache and every later revision would point to a missing row.
    """
    ContentType.objects.db_manager(using).get_for_models(*STORY_LINKS, for_concrete_models=False)


post_migrate.connect(create_link_content_types, dispatch_uid="newsroom.history.link_types")
