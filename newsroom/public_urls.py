from django.urls import path

from newsroom import views

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/", views.ArticleListView.as_view(), name="article_list"),
    path("stories/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
]
