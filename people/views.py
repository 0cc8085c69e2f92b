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
    # The named members listed, by name; the people list, filtered by the organization, has
    # them all.
    MEMBERS_SHOWN = 50

    def get_queryset(self):
        return Organization.objects.public().with_details()

    def get_preview_queryset(self):
        return Organization.objects.with_details()

    def get_context_data(self, **kwargs):
        from newsroom.statistics.figures import (
            organization_figures,
            people_in_prison_today,
            public_defendants_of_case_keys,
        )
        from newsroom.statistics.views import drawn

        context = super().get_context_data(**kwargs)
        # Its cases' keys, read once: the list, its count and each figure then start from
        # these cases rather than work out again, in each query, which cases concern it.
        case_ids = Case.objects.published_keys_concerning(self.object)
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
        context["members"] = self.object.first_member_groups(self.MEMBERS_SHOWN)
        context["all_members_url"] = f"{reverse('people:list')}?{query.urlencode()}"
        # The public defendants of its cases, asked by the same keys, which the figures count.
        defendants = public_defendants_of_case_keys(case_ids)
        context["in_prison_now"] = people_in_prison_today(defendants, few=True)
        context["figures"] = drawn(
            organization_figures(cases, defendants), context["statistics_query"]
        )
        return context
