from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from cases.models import Case
from newsroom.filters import FilteredListMixin
from newsroom.preview import StaffPreviewMixin
from people.filters import PersonFilter
from people.models import Organization, Person


class PersonListView(FilteredListMixin, FilterView):
    filterset_class = PersonFilter
    template_name = "people/person_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Person.objects.public().ordered_for_list().with_story_lines()


class PersonDetailView(StaffPreviewMixin, DetailView):
    def get_queryset(self):
        return Person.objects.public().with_details()

    def get_preview_queryset(self):
        return Person.objects.with_details()


class OrganizationListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Organization.objects.public().ordered_for_list().with_designations()


class OrganizationDetailView(StaffPreviewMixin, DetailView):
    def get_queryset(self):
        return Organization.objects.public().with_details()

    def get_preview_queryset(self):
        return Organization.objects.with_details()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = (
            Case.objects.published()
            .concerning_any([self.object])
            .newest_verdict_first()
            .with_defendants()
        )
        return context
