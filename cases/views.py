from django.views.generic import DetailView, ListView

from cases.models import Case


class CaseListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Case.objects.published()


class CaseDetailView(DetailView):
    def get_queryset(self):
        return Case.objects.published()
