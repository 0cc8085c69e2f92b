"""What every /api/ response gets: CORS headers on reads, and validators with 304 answers."""

import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext

API_PREFIX = "/api/"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
CORS_HEADERS = {
    # Public data and no credentials: any site may read it (and no cookie is ever honoured).
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After, Content-Language",
    "Access-Control-Max-Age": "86400",
}
# How long the time a representation was first served is kept (Last-Modified); when it is
# forgotten, Last-Modified becomes the time of the next request: later, never wrongly earlier.
FIRST_SERVED_SECONDS = 7 * 24 * 60 * 60


def representation_etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def first_served(request, etag):
    """When this URL's representation with this ETag was first served (as an HTTP date).

    Computed from the content, so no change can be missed, whatever process or cache served it
    before: a new representation is "modified" at the first request that sees it."""
    key = "api:first-served:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    stored = cache.get(key)
    if stored and stored[0] == etag:
        return stored[1]
    served_at = http_date()
    cache.set(key, (etag, served_at), FIRST_SERVED_SECONDS)
    return served_at


class APIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # An address no endpoint matches: an answer in the API's format, not the site's page.
            response = JsonResponse({"detail": gettext("Not found.")}, status=404)
        if request.method not in READ_METHODS:
            return response
        if request.method != "OPTIONS" and response.status_code == 200 and not response.streaming:
            response = self.conditional(request, response)
        for header, value in CORS_HEADERS.items():
            response.headers[header] = value
        return response

    def conditional(self, request, response):
        """The response with ETag and Last-Modified, or a 304 when the client has it."""
        # Every reader sees the same public data; caches must still ask (ETag) before reuse,
        # so that an unpublished record disappears at once.
        patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ["Accept"])
        if "ETag" not in response.headers:
            response.headers["ETag"] = representation_etag(response.content)
        etag = response.headers["ETag"]
        if "Last-Modified" not in response.headers:
            response.headers["Last-Modified"] = first_served(request, etag)
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=parse_http_date_safe(response.headers["Last-Modified"]),
            response=response,
        )
