from django.urls import path

from cases import views
from cases.feeds import CaseFilterFeed

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    # Before the case pages: "feed" is never a case's address (newsroom.slugs.RESERVED_SLUGS).
    path("feed/", CaseFilterFeed(), name="feed"),
    path("<slug:slug>/", views.CaseDetailView.as_view(), name="detail"),
]
