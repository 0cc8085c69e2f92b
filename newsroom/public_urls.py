from django.urls import path

from newsroom import views
from newsroom.feeds import LatestStoriesFeed
from newsroom.search import SearchView
from newsroom.sitemaps import RobotsView

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/", views.ArticleListView.as_view(), name="article_list"),
    path("stories/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("search/", SearchView.as_view(), name="search"),
    path("feeds/stories/", LatestStoriesFeed(), name="feed"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
]
