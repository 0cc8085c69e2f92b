"""The API's endpoints: list and detail of stories, people, organizations and cases.

Each list starts from the same queryset as its page (same public rules, same order), filtered
by the page's own FilterSet with the same validation, and paginated with the page's page size.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django_filters import ChoiceFilter, MultipleChoiceFilter, NumberFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.filters import CaseFilter
from cases.models import Case
from cases.views import CaseListView
from newsroom.filters import takes_several_values
from newsroom.models import Article
from newsroom.views import ArticleListView
from people.filters import PersonFilter
from people.models import Organization, Person
from people.views import OrganizationListView, PersonListView

from . import serializers as api_serializers

MAX_PAGE_SIZE = 100

ErrorSerializer = inline_serializer(
    "Error", fields={"detail": serializers.CharField()}, allow_null=False
)
InvalidFiltersSerializer = inline_serializer(
    "InvalidFilters",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text=gettext_lazy(
                "The messages of each parameter that is not valid, as the page shows them."
            ),
        ),
    },
)


class InvalidFilters(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy("Some filters are not valid, so no results are given.")

    def __init__(self, errors):
        super().__init__()
        self.detail = {
            "detail": str(self.default_detail),
            "errors": {name: list(messages) for name, messages in errors.items()},
        }


class PagePagination(PageNumberPagination):
    """The page's own page size by default (`page_size` up to 100 for more); a page number
    that does not exist, or is given twice, is a 404 as on the pages."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.page_size = view.page_size
        if len(request.query_params.getlist(self.page_query_param)) > 1:
            raise Http404(gettext("Give the page number only once."))
        return super().paginate_queryset(queryset, request, view)


def filter_parameters(filterset_class):
    """The OpenAPI query parameters of a page's FilterSet: the same names, kinds and values."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        choices = filter_.extra.get("choices")
        enum = [value for value, label in choices] if isinstance(choices, list) else None
        kind = OpenApiTypes.NUMBER if isinstance(filter_, NumberFilter) else OpenApiTypes.STR
        description = f"{filter_.label or name}."
        if filter_.extra.get("help_text"):
            description += f" {filter_.extra['help_text']}"
        repeatable = takes_several_values(filter_.field_class) or isinstance(
            filter_, MultipleChoiceFilter
        )
        if repeatable:
            description += " " + gettext("Repeat the parameter for any of several values.")
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=description,
                enum=enum if isinstance(filter_, ChoiceFilter | MultipleChoiceFilter) else None,
                many=repeatable,
                explode=True if repeatable else None,
            )
        )
    return parameters


def list_schema(serializer_class, filterset_class=None):
    responses = {
        200: serializer_class,
        404: OpenApiResponse(ErrorSerializer),
        429: OpenApiResponse(ErrorSerializer),
    }
    if filterset_class:
        responses[400] = OpenApiResponse(InvalidFiltersSerializer)
    return extend_schema(
        parameters=filter_parameters(filterset_class) if filterset_class else None,
        responses=responses,
    )


def detail_schema(serializer_class):
    return extend_schema(
        responses={
            200: serializer_class,
            404: OpenApiResponse(ErrorSerializer),
            429: OpenApiResponse(ErrorSerializer),
        }
    )


class PublicRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail endpoint: `list_queryset()` as the page lists the records,
    `detail_queryset()` as the record's page shows one, by its public slug."""

    lookup_field = "slug"
    pagination_class = PagePagination
    filterset_class = None
    page_size = 20
    list_serializer_class = detail_serializer_class = None

    def get_queryset(self):
        return self.list_queryset() if self.action == "list" else self.detail_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        return self.detail_serializer_class

    def filter_queryset(self, queryset):
        if self.action != "list" or self.filterset_class is None:
            return queryset
        # As the page builds it (FilterView): unbound without parameters.
        filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request._request
        )
        if filterset.is_bound and not filterset.is_valid():
            raise InvalidFilters(filterset.form.errors)
        return filterset.qs


@extend_schema_view(
    list=list_schema(api_serializers.CaseSerializer, CaseFilter),
    retrieve=detail_schema(api_serializers.CaseSerializer),
)
class CaseViewSet(PublicRecordViewSet):
    """Published cases with their court, organizations, defendants (their charges and
    sentences), timeline and stories; newest verdict first, as on /cases/."""

    filterset_class = CaseFilter
    page_size = CaseListView.paginate_by
    list_serializer_class = detail_serializer_class = api_serializers.CaseSerializer

    def list_queryset(self):
        return Case.objects.published().newest_verdict_first().with_details()

    def detail_queryset(self):
        return Case.objects.published().with_details()


@extend_schema_view(
    list=list_schema(api_serializers.PersonSerializer, PersonFilter),
    retrieve=detail_schema(api_serializers.PersonDetailSerializer),
)
class PersonViewSet(PublicRecordViewSet):
    """Public people, named ones by surname, then those whose name was not reported or is
    withheld (without a name), as on /people/."""

    filterset_class = PersonFilter
    page_size = PersonListView.paginate_by
    list_serializer_class = api_serializers.PersonSerializer
    detail_serializer_class = api_serializers.PersonDetailSerializer

    def list_queryset(self):
        return Person.objects.public().in_public_order()

    def detail_queryset(self):
        return Person.objects.public().with_details()


@extend_schema_view(
    list=list_schema(api_serializers.OrganizationSerializer),
    retrieve=detail_schema(api_serializers.OrganizationDetailSerializer),
)
class OrganizationViewSet(PublicRecordViewSet):
    """Public organizations with their designations, by name, as on /organizations/."""

    page_size = OrganizationListView.paginate_by
    list_serializer_class = api_serializers.OrganizationSerializer
    detail_serializer_class = api_serializers.OrganizationDetailSerializer

    def list_queryset(self):
        return Organization.objects.public().in_public_order().with_designations()

    def detail_queryset(self):
        return Organization.objects.public().with_details().with_public_memberships()


@extend_schema_view(
    list=list_schema(api_serializers.StorySerializer),
    retrieve=detail_schema(api_serializers.StoryDetailSerializer),
)
class StoryViewSet(PublicRecordViewSet):
    """Published stories, newest first, as on /stories/."""

    page_size = ArticleListView.paginate_by
    list_serializer_class = api_serializers.StorySerializer
    detail_serializer_class = api_serializers.StoryDetailSerializer

    def list_queryset(self):
        return Article.objects.published()

    def detail_queryset(self):
        return Article.objects.published().with_references()


ENDPOINTS = {
    "stories": "api:story-list",
    "people": "api:person-list",
    "organizations": "api:organization-list",
    "cases": "api:case-list",
    "schema": "api:schema",
    "docs": "api:docs",
}


class APIRootView(APIView):
    """The API's endpoints, with absolute addresses."""

    @extend_schema(
        responses=inline_serializer(
            "Endpoints", fields={name: serializers.URLField() for name in ENDPOINTS}
        )
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(view)) for name, view in ENDPOINTS.items()}
        )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the site's own static files, with its set-up script served as a file
    (no inline script or style: the site's Content-Security-Policy applies here too)."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = gettext_lazy("API documentation")
