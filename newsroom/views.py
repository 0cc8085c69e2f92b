from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView, ListView

from cases.models import Case, Defendant
from newsroom.models import Article
from newsroom.preview import StaffPreviewMixin
from people.models import Person


def home(request):
    this_year = timezone.now().year
    context = {
        "stories": Article.objects.published()[:10],
        "imprisoned_count": Person.objects.imprisoned().count(),
        "this_year": this_year,
        "sentenced_this_year_count": Defendant.objects.public().sentenced_in(this_year).count(),
        "recent_verdicts": Case.objects.published()
        .with_verdict()
        .newest_verdict_first()
        .with_defendants()[:5],
    }
    return render(request, "newsroom/home.html", context)


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published()


class ArticleDetailView(StaffPreviewMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().with_references()

    def get_preview_queryset(self):
        return Article.objects.with_references()
