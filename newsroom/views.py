from django.shortcuts import render
from django.views.generic import DetailView, ListView

from newsroom.models import Article


def home(request):
    stories = Article.objects.published()[:10]
    return render(request, "newsroom/home.html", {"stories": stories})


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published()
