"""Response headers that Django and django-csp do not set themselves, and the 503 page for a
database that is down or too slow."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Browser features the site never uses, switched off for every page and any frame in it, so that
# injected or third-party code cannot ask a reader for their camera, microphone or location.
# Only feature names current browsers recognise: an unknown name is logged as a console error.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A database that cannot answer (down, unreachable, or a statement cancelled by the
    statement timeout, see DB_STATEMENT_TIMEOUT_MS) gives the reader a plain 503 page with
    Retry-After instead of a 500: nothing is wrong with the page, and a later try will work.
    Nothing of the failure is kept: a broken connection is closed at the end of the request
    (or, if kept, replaced by the health check), so the site recovers with the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # psycopg's connection errors and QueryCanceled (the statement timeout) both arrive as
        # OperationalError; a kept connection that died on the way is an InterfaceError.
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable or too slow for %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        # No request context: the page must not touch the database (a session, a user).
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
