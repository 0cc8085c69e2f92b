"""The shared page cache: whole public pages for anonymous readers, never stale.

PageCacheMiddleware keeps the anonymous GET responses of every public URL in Django's cache
(Redis shared by every app server with REDIS_URL) and answers GET and HEAD from it. What is
never cached or served from the cache: requests that carry the site's session, CSRF, messages or
language cookie or an Authorization header (signed-in staff, previews, forms), the paths in
NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS (/admin/, /healthz), responses other than 200 and 301, a
response that sets a cookie, says private/no-store/no-cache, or varies on a header the key does
not hold.

Never stale: every key holds the content version, kept in the same cache when it is shared
(Redis), else in one database row (ContentVersion) that every process reads. Any committed save or
delete of a model of NEWSROOM_PAGE_CACHE_APPS (newsroom, people, cases: models added later
included) replaces it, so every server's next request renders afresh. The version also holds
the publish times of scheduled stories (one query per change): once one passes, the version
reads differently, and cached pages stop being used at the moment the story goes public. The
date is part of the version too ("this year" figures).
"""

import contextlib
import hashlib
import json
import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag

VERSION_KEY = "page-cache:version"
# At most this many upcoming publish times are kept with the version; past the last of them
# (more stories scheduled than this, all gone public), the version is read again.
UPCOMING_PUBLISH_TIMES = 200
# Request headers that are part of every key: a response may vary on them (and on Cookie:
# only requests without the site's own cookies are cached). Any other Vary is not cached.
KEY_HEADERS = ("Accept-Language",)
CACHEABLE_STATUSES = {200, 301}


def page_cache_enabled():
    return settings.NEWSROOM_PAGE_CACHE


def upcoming_publish_times():
    """The publish times (timestamps, soonest first) of stories scheduled to go public."""
    from newsroom.models import Article

    times = Article.objects.scheduled().values_list("publish_at", flat=True)
    return [moment.timestamp() for moment in times[:UPCOMING_PUBLISH_TIMES]]


def new_version():
    upcoming = upcoming_publish_times()
    return {
        "token": uuid.uuid4().hex,
        "upcoming": upcoming,
        "complete": len(upcoming) < UPCOMING_PUBLISH_TIMES,
    }


def version_in_database():
    """Whether the version lives in the database: a local-memory cache is each process's own,
    and a version kept there would not hear of a change saved through another process."""
    return isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache)


def stored_version():
    if version_in_database():
        return version_row()
    return cache.get(VERSION_KEY)


def version_row():
    """The version kept in the database, or None. Read by every request the cache answers: one
    plain statement, because building it with the ORM each time was half the cost of a hit."""
    from newsroom.models import ContentVersion

    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(ContentVersion._meta.db_table)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608 (a model's table)
        row = cursor.fetchone()
    if row is None:
        return None
    # SQLite gives the JSON text; PostgreSQL's driver may already give the decoded value.
    return json.loads(row[0]) if isinstance(row[0], str | bytes) else row[0]


def store_version(version, *, replace=True):
    """Store a new version; with replace=False only when there is none (a bump committed
    meanwhile wins over what a request read before it)."""
    if version_in_database():
        from newsroom.models import ContentVersion

        # update() and get_or_create(): ContentVersion is left out of the models whose saves
        # bump the version, and no signal is wanted here anyway.
        if not replace or not ContentVersion.objects.filter(pk=1).update(version=version):
            ContentVersion.objects.get_or_create(pk=1, defaults={"version": version})
    elif replace:
        cache.set(VERSION_KEY, version, None)
    else:
        cache.add(VERSION_KEY, version, None)


def bump_content_version(**kwargs):
    """Make every cached page fresh, on every server sharing the cache."""
    store_version(new_version())


def content_version():
    """The version every page key holds now: the stored token, how many scheduled stories have
    gone public since it was stored, and today's date. Normally one cache read, no query.
    None when the cache cannot keep a version."""
    version = stored_version()
    if version is None:
        # First request, or the entry was evicted.
        store_version(new_version(), replace=False)
        version = stored_version()
        if version is None:
            return None  # the cache keeps nothing (Redis down): pages are served uncached
    now = time.time()
    gone_public = sum(1 for moment in version["upcoming"] if moment <= now)
    if gone_public == len(version["upcoming"]) and gone_public and not version["complete"]:
        version = new_version()
        store_version(version)
        gone_public = sum(1 for moment in version["upcoming"] if moment <= now)
    return f"{version['token']}.{gone_public}.{timezone.now().date().isoformat()}"


def schedule_bump(sender, **kwargs):
    """On any change to a model readers may see: a new version once the change is committed
    (not before: a request in between would cache the old rows under the new version). One
    bump per transaction, however many rows it saves."""
    if not page_cache_enabled():
        return
    connection = connections[kwargs.get("using") or DEFAULT_DB_ALIAS]
    # Already due on the same commit (same savepoints: kept or rolled back together).
    savepoints = set(connection.savepoint_ids)
    for pending_savepoints, callback, _ in connection.run_on_commit:
        if callback is bump_content_version and pending_savepoints == savepoints:
            return
    transaction.on_commit(bump_content_version, using=connection.alias)


def schedule_bump_for_m2m(sender, action, **kwargs):
    if action.startswith("post_"):  # sender: the relation's table, a model of these apps
        schedule_bump(sender, **kwargs)


def models_covered():
    """Every model of NEWSROOM_PAGE_CACHE_APPS, many-to-many tables included: those added
    later too, since this runs once every model is loaded (AppConfig.ready)."""
    from newsroom.models import ContentVersion

    return [
        model
        for label in sorted(settings.NEWSROOM_PAGE_CACHE_APPS)
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model is not ContentVersion  # the version itself
    ]


def connect_signals():
    # Model by model rather than for every sender: a post_delete receiver for every model would
    # stop Django's fast deletes of other apps' rows (sessions, history) too.
    for model in models_covered():
        label = model._meta.label
        post_save.connect(schedule_bump, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(schedule_bump, sender=model, dispatch_uid=f"page-cache-del-{label}")
        m2m_changed.connect(
            schedule_bump_for_m2m, sender=model, dispatch_uid=f"page-cache-m2m-{label}"
        )
    # Data migrations change rows without signals. Forgetting the version (no query: the tables
    # may not all exist yet) makes the next request start a new one.
    post_migrate.connect(forget_content_version, dispatch_uid="page-cache-migrate")


def forget_content_version(**kwargs):
    if version_in_database():
        from newsroom.models import ContentVersion

        with contextlib.suppress(DatabaseError):  # migrated back to before the table existed
            ContentVersion.objects.filter(pk=1).delete()
    else:
        cache.delete(VERSION_KEY)


def is_personal(request):
    """Whether the request may see a page of its own: anything signed in or with a form."""
    own_cookies = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
    }
    return bool(own_cookies & request.COOKIES.keys()) or "HTTP_AUTHORIZATION" in request.META


def is_excluded(request):
    excluded = settings.NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS
    return any(request.path.startswith(path) for path in excluded)


def page_key(request, version):
    parts = [request.build_absolute_uri()] + [request.headers.get(h, "") for h in KEY_HEADERS]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page-cache:page:{version}:{digest}"


def may_store(request, response):
    if response.status_code not in CACHEABLE_STATUSES or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    return vary <= {"cookie", *(h.lower() for h in KEY_HEADERS)}


def add_public_cache_headers(response):
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response,
            public=True,
            max_age=settings.NEWSROOM_PAGE_CACHE_BROWSER_SECONDS,
            s_maxage=settings.NEWSROOM_PAGE_CACHE_CDN_SECONDS,
        )


def stored_page(response):
    """What is kept of a response: status, headers and body (with its ETag and time)."""
    body = response.content
    response["ETag"] = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response["Last-Modified"] = http_date()
    add_public_cache_headers(response)
    return {"status": response.status_code, "headers": dict(response.items()), "body": body}


def response_from(page, request):
    # HEAD is answered from the GET page: same headers (Content-Length included), no body.
    body = b"" if request.method == "HEAD" else page["body"]
    response = HttpResponse(body, status=page["status"])
    for header, value in page["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = "hit"
    return response


def conditional(request, response):
    """A 304 when the reader's copy is still this one (If-None-Match / If-Modified-Since)."""
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


class PageCacheMiddleware:
    """Whole public pages for anonymous readers from the shared cache (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache_enabled() or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if is_personal(request):
            response = self.get_response(request)
            if not is_excluded(request):
                # Rendered for one reader: no proxy or CDN may keep it.
                add_never_cache_headers(response)
            return response
        if is_excluded(request):
            return self.get_response(request)

        try:
            version = content_version()  # read before rendering: see schedule_bump
        except DatabaseError:
            # The database keeps the version and is down: the view's own error says so (503).
            version = None
        if version is None:
            return self.get_response(request)
        key = page_key(request, version)
        page = cache.get(key)
        if page is not None:
            return conditional(request, response_from(page, request))

        response = self.get_response(request)
        if request.method == "GET" and may_store(request, response):
            cache.set(key, stored_page(response), settings.NEWSROOM_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
            return conditional(request, response)
        return response
