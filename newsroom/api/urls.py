from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from newsroom.api import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("", views.APIRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("stories/", views.StoryViewSet.as_view(LIST), name="story-list"),
    path("stories/<slug:slug>/", views.StoryViewSet.as_view(DETAIL), name="story-detail"),
    path("people/", views.PersonViewSet.as_view(LIST), name="person-list"),
    path("people/<slug:slug>/", views.PersonViewSet.as_view(DETAIL), name="person-detail"),
    path("organizations/", views.OrganizationViewSet.as_view(LIST), name="organization-list"),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationViewSet.as_view(DETAIL),
        name="organization-detail",
    ),
    path("cases/", views.CaseViewSet.as_view(LIST), name="case-list"),
    path("cases/<slug:slug>/", views.CaseViewSet.as_view(DETAIL), name="case-detail"),
]
