from django.urls import path

from people import views
from people.feeds import PersonFilterFeed

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="list"),
    # Before the person pages: "feed" is never a person's address (newsroom.slugs.RESERVED_SLUGS).
    path("feed/", PersonFilterFeed(), name="feed"),
    path("<slug:slug>/", views.PersonDetailView.as_view(), name="detail"),
]
