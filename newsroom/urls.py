from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from newsroom.sitemaps import sitemaps

urlpatterns = [
    path("", include("newsroom.public_urls")),
    path("", include("newsroom.downloads.urls")),
    path("people/", include("people.urls")),
    path("organizations/", include("people.organization_urls")),
    path("cases/", include("cases.urls")),
    path("", include("newsroom.ftm.urls")),
    path("api/v1/", include("newsroom.api.urls")),
    path("statistics/", include("newsroom.statistics.urls")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Development only: uploaded images. In production the web server serves MEDIA_URL.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
