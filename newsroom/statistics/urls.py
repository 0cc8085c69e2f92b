from django.urls import path

from newsroom.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics, name="index"),
    path("<slug:chart>.csv", views.figure_csv, name="csv"),
]
