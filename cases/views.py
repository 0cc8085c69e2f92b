from django.views.generic import DetailView
from django_filters.views import FilterView

from cases.filters import CaseFilter
from cases.models import Case
from newsroom.filters import FilteredListMixin
from newsroom.preview import StaffPreviewMixin


class CaseListView(FilteredListMixin, FilterView):
    filterset_class = CaseFilter
    template_name = "cases/case_list.html"
    paginate_by = 20
    feed_url_name = "cases:feed"

    def get_queryset(self):
        # The list summarises sentences but names no charge: one prefetch query less.
        return (
            Case.objects.published()
            .newest_verdict_first()
            .with_defendants(charges=False)
            .with_court()
        )


class CaseDetailView(StaffPreviewMixin, DetailView):
    def get_queryset(self):
        return Case.objects.published().with_details()

    def get_preview_queryset(self):
        return Case.objects.with_details(preview=True)
