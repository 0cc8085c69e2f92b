"""The Atom feed of a filter of the case list: /cases/feed/?<the same filters as /cases/>."""

from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy

from cases.filters import CaseFilter
from cases.models import Case
from newsroom.feeds import FilteredListFeed


class CaseFilterFeed(FilteredListFeed):
    filterset_class = CaseFilter
    list_url_name = "cases:list"
    feed_url_name = "cases:feed"
    noun = gettext_lazy("cases")
    subtitle = gettext_lazy("Cases published and verdicts recorded that match these filters.")

    def queryset(self):
        return Case.objects.published().recently_changed_first().with_defendants().with_court()

    def entry_id(self, item, url):
        # A new status (on trial, sentenced...) or verdict date is news: a new entry.
        state = item.status
        if item.verdict_date:
            state += f"-{item.verdict_date.isoformat()}"
        return f"{url}#{state}"

    def item_title(self, item):
        return f"{item.title}: {item.get_status_display().lower()}"

    def item_description(self, item):
        court = item.public_court.name if item.public_court else gettext("Court not named")
        place = ", ".join(part for part in (court, item.city, item.country.name) if part)
        verdict = item.verdict_date.display() if item.verdict_date else gettext("date not reported")
        lines = [
            place,
            gettext("Verdict: %(date)s · %(status)s")
            % {"date": verdict, "status": item.get_status_display()},
            item.defendant_count_line(),
            item.sentence_summary(),
        ]
        return str(format_html_join("", "<p>{}</p>", ((line,) for line in lines if line)))

    def item_categories(self, item):
        return [item.get_status_display()]
