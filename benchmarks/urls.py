"""The benchmark's URLconf: every URL of the site, plus a bare view returning a short response
(the yardstick: what Django, the site's middleware and the server cost with no page work)."""

from django.http import HttpResponse
from django.urls import path

from benchmarks import HELLO_PATH
from newsroom.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path(HELLO_PATH.strip("/") + "/", hello, name="benchmark-hello"), *site_urlpatterns]
