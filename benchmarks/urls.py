"""The benchmark's URLconf: every URL of the site, plus a bare view returning a short response
(the yardstick: what Django, the site's middleware and the server cost with no page work), a
plain template page (what rendering a small page costs with no database) and the least detail
page (what the queries and the frame of a detail page cost with nothing to show)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from benchmarks import (
    HELLO_PATH,
    LEAST_DETAIL_PAGE_PATH,
    LEAST_DETAIL_PAGE_QUERIES,
    TEMPLATE_PAGE_PATH,
)
from cases.models import Defendant
from newsroom.urls import urlpatterns as site_urlpatterns
from people.models import Person

# Compiled once, as the cached template loader keeps the site's templates in production.
TEMPLATE_PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<ul>{% for item in items %}<li><a href="/items/{{ item.number }}/">{{ item.name|title }}</a>
{% if item.number|divisibleby:2 %}even{% else %}odd{% endif %}</li>{% endfor %}</ul>
</body></html>"""
)

# The site's frame (header, navigation, language choice, footer) around an empty content block.
LEAST_DETAIL_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ person.name }}{% endblock %}'
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


def template_page(request):
    items = [{"number": number, "name": f"item number {number}"} for number in range(20)]
    return HttpResponse(TEMPLATE_PAGE.render({"title": "Twenty items", "items": items}, request))


def least_detail_page(request):
    """The least a detail page does: read its record, then the related rows of each of its
    sections, one small query each (a person's trials, with each trial joined), and render the
    frame every page has. A real page reads more columns and rows and renders them too."""
    person = Person.objects.public().order_by("pk").first()
    for _ in range(LEAST_DETAIL_PAGE_QUERIES - 1):
        list(Defendant.objects.filter(person=person).select_related("case"))
    return HttpResponse(LEAST_DETAIL_PAGE.render({"person": person}, request))


urlpatterns = [
    path(HELLO_PATH.strip("/") + "/", hello, name="benchmark-hello"),
    path(TEMPLATE_PAGE_PATH.strip("/") + "/", template_page, name="benchmark-template-page"),
    path(
        LEAST_DETAIL_PAGE_PATH.strip("/") + "/",
        least_detail_page,
        name="benchmark-least-detail-page",
    ),
    *site_urlpatterns,
]
