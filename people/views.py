from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import reverse
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from cases.models import Case
from newsroom.filters import FilteredListMixin
from newsroom.key_lists import InKeys
from newsroom.preview import StaffPreviewMixin
from people.filters import PersonFilter
from people.models import Organization, Person, PersonRedirect


class PersonListView(FilteredListMixin, FilterView):
    filterset_class = PersonFilter
    template_name = "people/person_list.html"
    paginate_by = 50
    feed_url_name = "people:feed"

    def get_queryset(self):
        return Person.objects.public().in_public_order().with_story_lines()


class PersonDetailView(StaffPreviewMixin, DetailView):
    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # The address of a person merged into another (PersonRedirect.target's rules).
            survivor = PersonRedirect.target(kwargs["slug"])
            if survivor is None:
                raise
            return HttpResponsePermanentRedirect(survivor.get_absolute_url())

    def get_queryset(self):
        return Person.objects.public().with_details()

    def get_preview_queryset(self):
        return Person.objects.with_details()


class OrganizationListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Organization.objects.public().in_public_order().with_designations()


class OrganizationDetailView(StaffPreviewMixin, DetailView):
    # The newest verdicts shown; the case list, filtered by the organization, has them all.
    CASES_SHOWN = 20

    def get_queryset(self):
        return Organization.objects.public().with_details()

    def get_preview_queryset(self):
        return Organization.objects.with_details()

    def get_context_data(self, **kwargs):
        from newsroom.statistics.figures import in_prison_now, organization_figures
        from newsroom.statistics.views import drawn

        context = super().get_context_data(**kwargs)
        concerning = Case.objects.published().concerning_any([self.object])
        # Its cases' keys, read once: the list, its count and each figure then start from
        # these cases rather than work out again, in each query, which cases concern it.
        case_ids = list(concerning.order_by().values_list("pk", flat=True))
        cases = Case.objects.published().filter(InKeys("pk", case_ids))
        shown = cases.newest_verdict_first().with_defendants(charges=False)[: self.CASES_SHOWN]
        context["cases"] = shown
        context["case_count"] = len(case_ids)
        # Its own small set of the /statistics/ charts, and all its cases, by the same filter
        # of the case list (organization=).
        query = QueryDict(mutable=True)
        query["organization"] = self.object.slug
        context["statistics_query"] = query.urlencode()
        context["all_cases_url"] = f"{reverse('cases:list')}?{query.urlencode()}"
        context["in_prison_now"] = in_prison_now(cases)
        context["figures"] = drawn(organization_figures(cases), context["statistics_query"])
        return context
