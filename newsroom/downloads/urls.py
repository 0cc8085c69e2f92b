"""Download addresses beside each list (design.md: /cases/download.csv...) and /data/."""

from django.urls import path

from newsroom.downloads import views

app_name = "downloads"

# Where each table's files are, beside the list page they come from.
FILE_STEMS = {
    "defendants": "cases/download",
    "cases": "cases/download-cases",
    "people": "people/download",
    "organizations": "organizations/download",
}

urlpatterns = [
    path("data/", views.data_page, name="data"),
    path("data/datapackage.json", views.datapackage, name="datapackage"),
]
# One named route per file (not a <format> parameter), so every file is its own public URL.
urlpatterns += [
    path(
        f"{stem}.{fmt}",
        views.download,
        {"table_name": table_name, "fmt": fmt},
        name=f"{table_name}-{fmt}",
    )
    for table_name, stem in FILE_STEMS.items()
    for fmt in views.FORMATS
]
