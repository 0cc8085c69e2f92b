"""The Atom feed of published stories, with their corrections."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from newsroom.filters import filter_query_string
from newsroom.models import Article
from newsroom.partial_dates import date_as_said

FEED_LENGTH = 50


class AtomFeedWithContent(Atom1Feed):
    """Atom with the full story in <content>, next to the standfirst in <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def correction_heading(correction):
    return gettext("Correction (%(date)s):") % {"date": date_as_said(correction.published_at)}


def correction_line(correction):
    return f"{correction_heading(correction)} {correction.text}"


class LatestStoriesFeed(Feed):
    feed_type = AtomFeedWithContent
    subtitle = gettext_lazy("The latest stories.")
    link = reverse_lazy("newsroom:article_list")
    feed_url = reverse_lazy("newsroom:feed")

    def title(self):
        return settings.SITE_NAME

    def author_name(self):
        # Entries without a byline fall back to this author, as RFC 4287 requires one.
        return settings.SITE_NAME

    def items(self):
        # The body links the records linked to each story (body_html).
        return Article.objects.published().with_mention_links()[:FEED_LENGTH]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Atom's <summary type="html">: the standfirst, then each correction, escaped.
        lines = [item.standfirst, *(correction_line(c) for c in item.corrections.all())]
        return str(format_html_join("", "<p>{}</p>", ((line,) for line in lines if line)))

    def item_author_name(self, item):
        return item.byline or None

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        # A correction changes the story for readers, so it counts as an update.
        return item.modified_at

    def item_extra_kwargs(self, item):
        corrections = format_html_join(
            "",
            "<p><strong>{}</strong> {}</p>",
            ((correction_heading(c), c.text) for c in item.corrections.all()),
        )
        # body_html is the one sanitised rendering of the story body.
        content = format_html("{}{}", item.body_html, corrections)
        return {"content": str(content)}


class FilteredListFeed(Feed):
    """The Atom feed of one filter of a list page (/cases/feed/?<the page's filters>): the
    page's FilterSet over a queryset of the same public records, so the feed holds what the
    page lists. Invalid filters get a 400 that says which and why, as the page says it.

    Entries come most recently changed first (the newest FEED_LENGTH of them), so that a reader
    following a filter sees new records and new verdicts, whatever the page's own order. An
    entry's id names the state it announces (see entry_id()), so that a verdict recorded on a
    case already in the feed comes as a new entry, not a silent update.
    """

    feed_type = Atom1Feed
    filterset_class = None
    list_url_name = None
    feed_url_name = None
    noun = ""

    def queryset(self):
        """The public records the feed draws from, most recently changed first."""
        raise NotImplementedError

    def entry_id(self, item, url):
        """The entry's id: its absolute page URL and what is new about it."""
        return url

    def __call__(self, request, *args, **kwargs):
        # As FilterView builds it: no parameter at all is an unbound (unfiltered) filter set.
        filterset = self.filterset_class(
            request.GET or None, queryset=self.queryset(), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            return invalid_filters_response(filterset)
        # One feed object serves every request, so the filter set travels with the request.
        request.feed_filterset = filterset
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return FeedRequest(request, request.feed_filterset)

    def title(self, obj):
        active = ", ".join(active.short_label for active in obj.filterset.active_filters())
        title = f"{settings.SITE_NAME}: {self.noun}"
        return f"{title}: {active}" if active else title

    def author_name(self):
        return settings.SITE_NAME

    def link(self, obj):
        return reverse(self.list_url_name) + obj.query_string

    def feed_url(self, obj):
        return reverse(self.feed_url_name) + obj.query_string

    def items(self, obj):
        items = list(obj.filterset.qs[:FEED_LENGTH])
        for item in items:
            item.feed_entry_id = self.entry_id(
                item, obj.request.build_absolute_uri(item.get_absolute_url())
            )
        return items

    def item_guid(self, item):
        return item.feed_entry_id

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.last_changed


class FeedRequest:
    """What a filter feed is about: the request and its bound FilterSet."""

    def __init__(self, request, filterset):
        self.request = request
        self.filterset = filterset
        self.query_string = filter_query_string(request)


def invalid_filters_response(filterset):
    """A 400 naming each filter that is not valid, with the list page's own messages."""
    lines = [gettext("Some filters are not valid, so there is no feed. Correct or remove them:")]
    for name, errors in filterset.form.errors.items():
        field = filterset.form.fields.get(name)
        label = field.label if field is not None else ""
        lines.append(f"- {label}: {' '.join(errors)}" if label else f"- {' '.join(errors)}")
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
