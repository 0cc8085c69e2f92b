"""The health check a load balancer calls on each app server: /healthz.

It answers 200 when this server can reach the database and the cache, and 503 naming what
failed otherwise, so the balancer stops sending readers to a server that cannot serve them. It
touches no session and sets no cookie, and plain HTTP is allowed (SECURE_REDIRECT_EXEMPT).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
# Long enough to read the key back, short enough that nothing is left behind if the delete fails.
PROBE_SECONDS = 10


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return UNAVAILABLE
    return OK


def cache_status():
    """Write a key of this request's own and read it back: the site's Redis cache reads as empty
    when Redis is down rather than failing (newsroom/cache.py), so only a read-back tells."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, OK, PROBE_SECONDS)
        stored = cache.get(key)
        cache.delete(key)
    except Exception as error:  # any backend's failure is an unavailable cache, not a 500
        logger.error("Health check: cache unavailable: %s", error)
        return UNAVAILABLE
    if stored != OK:
        logger.error("Health check: cache unavailable: a key written was not read back")
        return UNAVAILABLE
    return OK


@require_safe
def healthz(request):
    statuses = {"database": database_status(), "cache": cache_status()}
    healthy = all(status == OK for status in statuses.values())
    response = JsonResponse(statuses, status=200 if healthy else 503)
    # Always asked afresh: a proxy or CDN must never answer for the server.
    response["Cache-Control"] = "no-store"
    return response
