"""The benchmark's URLconf: every URL of the site, plus a bare view returning a short response
(the yardstick: what Django, the site's middleware and the server cost with no page work) and a
plain template page (what rendering a small page costs with no database)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from benchmarks import HELLO_PATH, TEMPLATE_PAGE_PATH
from newsroom.urls import urlpatterns as site_urlpatterns

# Compiled once, as the cached template loader keeps the site's templates in production.
TEMPLATE_PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<ul>{% for item in items %}<li><a href="/items/{{ item.number }}/">{{ item.name|title }}</a>
{% if item.number|divisibleby:2 %}even{% else %}odd{% endif %}</li>{% endfor %}</ul>
</body></html>"""
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


def template_page(request):
    items = [{"number": number, "name": f"item number {number}"} for number in range(20)]
    return HttpResponse(TEMPLATE_PAGE.render({"title": "Twenty items", "items": items}, request))


urlpatterns = [
    path(HELLO_PATH.strip("/") + "/", hello, name="benchmark-hello"),
    path(TEMPLATE_PAGE_PATH.strip("/") + "/", template_page, name="benchmark-template-page"),
    *site_urlpatterns,
]
