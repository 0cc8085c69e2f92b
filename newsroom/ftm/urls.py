from django.urls import path

from newsroom.ftm import views

# Not namespaced: the data page links it as {% url 'ftm_export' %}.
urlpatterns = [
    path("data/entities.ftm.json", views.ftm_export, name="ftm_export"),
]
