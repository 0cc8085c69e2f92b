"""The Atom feed of a filter of the people list: /people/feed/?<the same filters as /people/>."""

from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy

from cases.models import Defendant
from newsroom.feeds import FilteredListFeed
from people.filters import PersonFilter
from people.models import Person


class PersonFilterFeed(FilteredListFeed):
    """People added or newly sentenced who match the filters. Only people whose name is public:
    an entry about someone whose name is withheld or not reported would say nothing a reader
    could follow, and the case feed counts them already."""

    filterset_class = PersonFilter
    list_url_name = "people:list"
    feed_url_name = "people:feed"
    noun = gettext_lazy("people")
    subtitle = gettext_lazy("People added or sentenced who match these filters.")

    def queryset(self):
        return Person.objects.searchable().recently_changed_first().with_story_lines()

    def entry_id(self, item, url):
        # Each verdict of a published case that names the person is news: a new entry.
        decided = sorted(
            defendant.case_id
            for defendant in item.public_defendants
            if defendant.verdict in Defendant.DECIDED_VERDICTS
        )
        return f"{url}#verdicts-{'-'.join(map(str, decided))}" if decided else url

    def item_title(self, item):
        return item.public_name

    def item_description(self, item):
        organizations = [
            gettext("%(organization)s (former)") % {"organization": membership.organization.name}
            if membership.has_ended
            else membership.organization.name
            for membership in item.public_memberships
        ]
        lines = [", ".join(organizations)] if organizations else []
        lines += [
            f"{defendant.case.title}: {defendant.sentence_line()}"
            for defendant in item.public_defendants
        ]
        return str(format_html_join("", "<p>{}</p>", ((line,) for line in lines)))
