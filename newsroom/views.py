import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from cases.models import Case, Defendant
from newsroom.models import Article, Page
from newsroom.preview import StaffPreviewMixin
from newsroom.share_images import stored_share_image
from newsroom.statistics.figures import people_in_prison_today
from people.models import Recognition


def home(request):
    this_year = timezone.now().year
    # Dated verdicts first, newest first; those whose date was not reported after them.
    recent_verdicts = list(
        Case.objects.published()
        .with_verdict()
        .newest_verdict_first()
        .with_defendants(charges=False)[:5]
    )
    # Certainly in prison today, and "may be" (a release window that straddles today or cannot
    # be worked out, cases/release.py): the count /statistics/ and organization pages give.
    # Counted straight from the public defendants, who are all in published cases: the same
    # figures as in_prison_now(Case.objects.published()) without the database listing every
    # published case first.
    imprisoned_count, maybe_imprisoned_count = people_in_prison_today(Defendant.objects.public())
    imprisoned_recognised_count = Recognition.objects.public().count_people_in_prison()
    # Both figures in one aggregate query.
    sentenced_this_year_count, sentenced_undated_count = (
        Defendant.objects.public().sentenced_counts(this_year)
    )
    context = {
        "stories": Article.objects.published()[:10],
        "imprisoned_count": imprisoned_count,
        "maybe_imprisoned_count": maybe_imprisoned_count,
        "imprisoned_recognised_count": imprisoned_recognised_count,
        "this_year": this_year,
        "sentenced_this_year_count": sentenced_this_year_count,
        # The yearly figure cannot count these: the page says how many it leaves out.
        "sentenced_undated_count": sentenced_undated_count,
        "recent_verdicts": recent_verdicts,
        "recent_verdicts_include_undated": any(
            case.verdict_date is None for case in recent_verdicts
        ),
    }
    return render(request, "newsroom/home.html", context)


class PageDetailView(StaffPreviewMixin, DetailView):
    """A page of the site's own text (/about/), as editors last published it; staff preview an
    unpublished one, readers get a 404."""

    def get_queryset(self):
        return Page.objects.published()


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published()


class ArticleDetailView(StaffPreviewMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().with_references()

    def get_preview_queryset(self):
        return Article.objects.with_references()


class ArticleShareImageView(StaffPreviewMixin, DetailView):
    """The story's share image (newsroom/share_images.py): for readers only when the story page
    is public, for staff who may preview it also before."""

    # Long enough to spare the server when a link spreads, short enough that an unpublished
    # story's image does not linger in caches.
    PUBLIC_MAX_AGE = 60 * 60

    def get_queryset(self):
        return Article.objects.published().only("pk", "slug", "headline")

    def get_preview_queryset(self):
        return Article.objects.only("pk", "slug", "headline")

    def get_context_data(self, **kwargs):
        return {}

    def render_to_response(self, context):
        # A few tens of kilobytes: read whole rather than streamed.
        with default_storage.open(stored_share_image(self.object), "rb") as stored:
            response = HttpResponse(stored.read(), content_type="image/png")
        if not self.is_preview:
            patch_cache_control(response, public=True, max_age=self.PUBLIC_MAX_AGE)
        return response


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (a feed, a JSON file): the
    site's icon itself, since a redirect would be one more request for every such browser."""
    return HttpResponse(favicon_svg(), content_type="image/svg+xml")


@functools.cache
def favicon_svg():
    return Path(finders.find("favicon.svg")).read_bytes()
