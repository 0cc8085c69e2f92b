"""The Atom feed of published stories, with their corrections."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import date as format_date
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from newsroom.models import Article

FEED_LENGTH = 50


class AtomFeedWithContent(Atom1Feed):
    """Atom with the full story in <content>, next to the standfirst in <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def correction_line(correction):
    return f"Correction ({format_date(correction.published_at, 'j F Y')}): {correction.text}"


class LatestStoriesFeed(Feed):
    feed_type = AtomFeedWithContent
    subtitle = "The latest stories."
    link = reverse_lazy("newsroom:article_list")
    feed_url = reverse_lazy("newsroom:feed")

    def title(self):
        return settings.SITE_NAME

    def author_name(self):
        # Entries without a byline fall back to this author, as RFC 4287 requires one.
        return settings.SITE_NAME

    def items(self):
        # with_references: the body links the records linked to each story (body_html).
        return Article.objects.published().with_references()[:FEED_LENGTH]

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
            "<p><strong>Correction ({}):</strong> {}</p>",
            ((format_date(c.published_at, "j F Y"), c.text) for c in item.corrections.all()),
        )
        # body_html is the one sanitised rendering of the story body.
        content = format_html("{}{}", item.body_html, corrections)
        return {"content": str(content)}
