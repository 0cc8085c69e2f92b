from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("newsroom.public_urls")),
    path("people/", include("people.urls")),
    path("organizations/", include("people.organization_urls")),
    path("cases/", include("cases.urls")),
    path("admin/", admin.site.urls),
]
