"""sitemap.xml and robots.txt: what search engines may index, from the public QuerySet methods.

/sitemap.xml is an index of one sitemap per section (/sitemap-people.xml...), each in pages of a
few thousand addresses, as the sitemaps protocol allows at most 50,000 per file.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.views.generic import TemplateView

from cases.models import Case
from newsroom.models import Article
from people.models import Organization, Person


class RecordSitemap(Sitemap):
    """A section of the sitemap index: one public QuerySet, in pages of `limit` addresses."""

    # Small pages keep each response fast; the index lists every page. Sections are ordered by
    # primary key so that pages stay stable while records are added.
    limit = 5000

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not a loop over every record as Sitemap's default does.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class StorySitemap(RecordSitemap):
    changefreq = "daily"

    def items(self):
        return Article.objects.published().prefetch_related("corrections")

    def lastmod(self, item):
        return item.modified_at

    def get_latest_lastmod(self):
        latest = self.items().aggregate(
            edited=Max("updated_at"), corrected=Max("corrections__published_at")
        )
        return max((time for time in latest.values() if time is not None), default=None)


class PersonSitemap(RecordSitemap):
    def items(self):
        # Only named people: the page of someone whose name is withheld or not reported holds
        # nothing a search engine should index under that person.
        return Person.objects.searchable().order_by("pk")


class OrganizationSitemap(RecordSitemap):
    def items(self):
        return Organization.objects.public().order_by("pk")


class CaseSitemap(RecordSitemap):
    def items(self):
        return Case.objects.published().order_by("pk")


class ListPageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "newsroom:home",
            "newsroom:article_list",
            "people:list",
            "organizations:list",
            "cases:list",
        ]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": ListPageSitemap,
    "stories": StorySitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
    "cases": CaseSitemap,
}


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        # Crawlers need the sitemap's absolute address; the host is one ALLOWED_HOSTS accepted.
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        # Search results are no content of their own, and every query is a page built anew:
        # crawlers following search links would only load the site.
        search_path = reverse("newsroom:search")
        return super().get_context_data(sitemap_url=sitemap_url, search_path=search_path, **kwargs)
