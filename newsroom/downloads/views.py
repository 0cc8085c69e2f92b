"""The downloads of the public lists, the /data/ page and the Frictionless data package."""

from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases.models import Case
from newsroom.downloads.tables import TABLES, Links
from newsroom.downloads.writers import csv_pieces, json_pieces, xlsx_file
from newsroom.models import Article
from people.models import Organization, Person

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Records read from the database at a time; their related rows are prefetched per chunk, so a
# file costs a fixed number of queries per chunk and never one per row, and memory holds one
# chunk (measured: 500 cases with their defendants peak near 30 MiB, whether the file has 6,000
# or 100,000 rows; chunks of 2,000 peaked near 100 MiB).
CHUNK_SIZE = 500


def download_url_name(table, fmt):
    return f"downloads:{table.name}-{fmt}"


def licence():
    return settings.DATA_LICENCE


def last_public_change():
    """The latest change readers can see among stories, cases, people and organizations."""
    changes = [
        Article.objects.last_public_change(),
        Case.objects.last_public_change(),
        Person.objects.last_public_change(),
        Organization.objects.last_public_change(),
    ]
    return max((change for change in changes if change is not None), default=None)


def invalid_filters_response(filterset):
    """The filters' messages, as the list page gives them, with status 400."""
    lines = [_("Some filters are not valid, so no file is made. Correct or remove them:")]
    for name, errors in filterset.form.errors.items():
        label = filterset.form.fields[name].label if name in filterset.form.fields else ""
        for error in errors:
            lines.append(f"- {label}: {error}" if label else f"- {error}")
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def filtered_records(table, query):
    """(records in the list page's order, None) or (None, the 400 response for bad filters)."""
    queryset = table.base_queryset()
    if table.filterset_class is not None:
        filterset = table.filterset_class(query, queryset=queryset)
        if not filterset.is_valid():
            return None, invalid_filters_response(filterset)
        queryset = filterset.qs
    return table.prefetch(queryset).iterator(chunk_size=CHUNK_SIZE), None


def file_name(table, fmt):
    """newsroom-cases-2026-11-29.csv: the site, the table and the day it was made."""
    site = slugify(settings.SITE_NAME) or "data"
    return f"{site}-{table.name}-{timezone.localdate().isoformat()}.{fmt}"


@require_safe
def download(request, table_name, fmt):
    table = TABLES[table_name]
    records, error = filtered_records(table, request.GET)
    if error is not None:
        return error
    links = Links(request.build_absolute_uri)
    name = file_name(table, fmt)
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(table, records, links),
            as_attachment=True,
            filename=name,
            content_type=FORMATS["xlsx"],
        )
    if fmt == "json":
        about = {
            "title": str(table.title),
            "description": str(table.description),
            "data_dictionary": request.build_absolute_uri(reverse("downloads:data")),
            "licence": licence(),
        }
        pieces = json_pieces(table, records, links, about)
    else:
        pieces = csv_pieces(table, records, links)
    response = StreamingHttpResponse(pieces, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def table_schema(table):
    schema = {"fields": [column.schema_field() for column in table.columns]}
    if table.primary_key:
        schema["primaryKey"] = [table.primary_key]
    return schema


def downloads_of(table, request=None):
    """{format: address} of the table's full files (absolute when a request is given)."""
    urls = {fmt: reverse(download_url_name(table, fmt)) for fmt in FORMATS}
    if request is not None:
        urls = {fmt: request.build_absolute_uri(url) for fmt, url in urls.items()}
    return urls


def citation(request, changed):
    date = (changed or timezone.now()).date().isoformat()
    return _(
        "%(site)s, open data on people prosecuted for their views (version of %(date)s), %(url)s"
    ) % {
        "site": settings.SITE_NAME,
        "date": date,
        "url": request.build_absolute_uri(reverse("downloads:data")),
    }


@require_safe
def data_page(request):
    changed = last_public_change()
    tables = [
        {
            "table": table,
            "downloads": downloads_of(table),
            "list_url": reverse(table.list_url_name),
        }
        for table in TABLES.values()
    ]
    return render(
        request,
        "downloads/data.html",
        {
            "tables": tables,
            "licence": licence(),
            "last_change": changed,
            "citation": citation(request, changed),
            "datapackage_url": reverse("downloads:datapackage"),
        },
    )


@require_safe
def datapackage(request):
    """The whole public dataset as a Frictionless Data Package: one resource per full CSV file,
    each with its Table Schema made from the same columns as the files."""
    changed = last_public_change()
    data_licence = licence()
    package = {
        "profile": "tabular-data-package",
        "name": f"{slugify(settings.SITE_NAME) or 'site'}-open-data",
        "title": _("%(site)s open data") % {"site": settings.SITE_NAME},
        "homepage": request.build_absolute_uri(reverse("downloads:data")),
        "licenses": [
            {
                "name": data_licence["name"],
                "path": data_licence["url"],
                "title": data_licence["title"],
            }
        ],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": str(table.title),
                "description": str(table.description),
                "path": downloads_of(table, request)["csv"],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for table in TABLES.values()
        ],
    }
    if changed is not None:
        package["created"] = changed.isoformat()
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
