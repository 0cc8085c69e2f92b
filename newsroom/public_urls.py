from django.urls import path

from newsroom import health, views
from newsroom.feeds import LatestStoriesFeed
from newsroom.models import ABOUT_PAGE_SLUG
from newsroom.search import SearchView
from newsroom.sitemaps import RobotsView

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/", views.ArticleListView.as_view(), name="article_list"),
    path("stories/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path(
        "stories/<slug:slug>/share.png",
        views.ArticleShareImageView.as_view(),
        name="article_share_image",
    ),
    path("search/", SearchView.as_view(), name="search"),
    path("about/", views.PageDetailView.as_view(), {"slug": ABOUT_PAGE_SLUG}, name="about"),
    path("pages/<slug:slug>/", views.PageDetailView.as_view(), name="page"),
    path("feeds/stories/", LatestStoriesFeed(), name="feed"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # For load balancers: is this app server able to serve (database and cache reachable)?
    path("healthz", health.healthz, name="healthz"),
]
