"""Settings for newsroom, read from the environment.

Without any environment the site runs in development mode on SQLite in the project folder.
With DJANGO_DEBUG=0 it refuses to start unless a real secret key and allowed hosts are given.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    # Development only: a key that is never valid in production, and local hosts.
    SECRET_KEY = SECRET_KEY or "insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG is off."
        )

INSTALLED_APPS = [
    # Django's admin with the newsroom's sign-in (2FA codes): newsroom/admin_site.py.
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # One-time enrolment codes for a first authenticator app (issue_enrolment_code command).
    "django_otp.plugins.otp_static",
    "reversion",
    # The read-only JSON API (newsroom/api/), its OpenAPI schema and self-hosted docs assets.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "newsroom",
    "people",
    "cases",
    # Imports of spreadsheets and JSON (issue 12): where each imported record came from.
    "newsroom.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Collected static files, served by each app server before any other work (no session, no
    # database); hashed names are cached for ever, files compressed for readers who accept it.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # /api/ only: CORS headers for reads, ETag and Last-Modified with 304 answers.
    "newsroom.api.middleware.APIMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    # A database that is down or too slow gives a 503 page with Retry-After, not a 500.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Whole public pages for anonymous readers from the shared cache, before any session or
    # database work (newsroom/page_cache.py); a hit is served even while the database is down.
    "newsroom.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL counts as unset.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # In production a worker keeps its connection for a minute: opening one costs more than
        # a page served from the cache (about 2 ms on SQLite, 5 ms or more on PostgreSQL). The
        # development server starts a thread per request, which could not reuse it.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "60")),
        # A kept connection that broke while the database was down is replaced, not reused.
        conn_health_checks=True,
    )
}


def env_milliseconds(name, default):
    value = os.environ.get(name) or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of milliseconds, not {value!r}.")
    return int(value)


# How long one SQL statement may run on PostgreSQL before the server cancels it: a slow query
# then costs the reader a 503 page ("try again", newsroom.middleware.DatabaseUnavailableMiddleware)
# instead of a worker and everyone queued behind it. 0 turns it off, e.g. for a long one-off
# data migration: `DJANGO_DB_STATEMENT_TIMEOUT_MS=0 manage.py migrate`.
DB_STATEMENT_TIMEOUT_MS = env_milliseconds("DJANGO_DB_STATEMENT_TIMEOUT_MS", 5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Seconds to wait for a database that does not answer (down, or a network fault).
    _db_options.setdefault("connect_timeout", 5)
    # No JIT compilation: it pays off in long reports, not in page queries, where compiling a
    # plan whose cost the planner over-estimated took a second for a 50 ms query.
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
    if DB_STATEMENT_TIMEOUT_MS:
        _timeout_option = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        _db_options["options"] = f"{_db_options['options']} {_timeout_option}"
# Seconds a reader is asked to wait (Retry-After) when the database is down or too slow.
DB_UNAVAILABLE_RETRY_AFTER = 30

# The cache: with REDIS_URL (redis://host:6379/0) one Redis shared by every app server, which
# pages survive losing (newsroom/cache.py: a read is a miss, a write is dropped); without it,
# each process keeps its own small cache in memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            # A Redis that does not answer costs a page half a second at most, then is skipped.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The page cache (newsroom/page_cache.py): anonymous readers' pages, made fresh on every server by
# any committed change. Its version lives in Redis with REDIS_URL, else in the database, which
# every process of a local-memory set-up shares (DJANGO_PAGE_CACHE=0 turns the cache off).
NEWSROOM_PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
# How long a page is kept when nothing changes (changes make it fresh at once anyway).
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS") or "600")
# Cache-Control of cached pages. Nothing can make a browser's or a CDN's copy fresh, so both are
# short: a reader may see a page this much older than the site after a change.
NEWSROOM_PAGE_CACHE_BROWSER_SECONDS = int(
    os.environ.get("DJANGO_PAGE_CACHE_BROWSER_SECONDS") or "0"
)
NEWSROOM_PAGE_CACHE_CDN_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_CDN_SECONDS") or "30")
# Changes to any model of these apps make every cached page fresh.
NEWSROOM_PAGE_CACHE_APPS = {"newsroom", "people", "cases"}
NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/healthz"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security: HTTPS, cookies, headers, Content-Security-Policy, sign-in ---------------------
# Everything below is on in production (DJANGO_DEBUG=0) and `manage.py check --deploy` is clean.

# HTTPS only. Behind a proxy that terminates TLS, set DJANGO_SECURE_PROXY_SSL_HEADER to the header
# it sets and its value ("HTTP_X_FORWARDED_PROTO,https"); DJANGO_SECURE_SSL_REDIRECT=0 if the
# proxy already redirects plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer checks the health of each app server over plain HTTP (newsroom/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
_proxy_ssl_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_PROXY_SSL_HEADER must be a header and its value, "
            "such as HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
# One year of HSTS once a browser has seen the site over HTTPS; off in development, where a
# stuck HSTS entry for localhost would break other local projects.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Session and CSRF cookies only over HTTPS. DJANGO_SECURE_COOKIES=0 is for trying production
# mode on plain http://127.0.0.1 (`make serve`), where a browser would drop Secure cookies and
# the admin could not keep anyone signed in; never turn it off on a public site.
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
# Readers who follow a link out of the site do not tell the other site which story they read.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy: newsroom.middleware.PermissionsPolicyMiddleware.

# No inline script or style anywhere, no third-party origin (django-csp 4). JSON-LD blocks are
# data, not script, so they need no exception. The Django admin works under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Admin sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one
# username from one address, that pair is locked out for the cool-off time (status 429 and a plain
# message). Administrators unlock early with `manage.py axes_reset_username USERNAME`.
AUTHENTICATION_BACKENDS = [
    "newsroom.admin_site.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.admin_site.signin_lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind reverse proxies, how many of them append to X-Forwarded-For (the lockout counts per client
# address; without this everyone signing in would share the proxy's address).
NEWSROOM_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "newsroom.admin_site.client_address"

# --- The read-only JSON API (newsroom/api/) --------------------------------------------------
# Public data only: no session or other sign-in, so staff previews never show through it.
# Requests per client address (the address as sign-in throttling counts it, see
# NEWSROOM_TRUSTED_PROXY_COUNT) in Django's cache: "120/minute", "2000/hour" or "10/second".
NEWSROOM_API_RATE_LIMIT = os.environ.get("NEWSROOM_API_RATE_LIMIT") or "120/minute"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["newsroom.api.throttling.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{os.environ.get('NEWSROOM_SITE_NAME', 'Newsroom')} API",
    "DESCRIPTION": (
        "Read-only public data: stories, people, organizations and cases with their "
        "defendants, charges and sentences. The list endpoints take the same filter "
        "parameters as the list pages. Dates keep their reported precision (2018, 2018-03 or "
        "2018-03-15). People whose name is withheld or was not reported carry no name."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the site's own static files: nothing is loaded from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No schema validator badge: it would send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "ENUM_NAME_OVERRIDES": {
        "SentencePartKindEnum": "cases.models.SentencePart.Kind",
        "OrganizationKindEnum": "people.models.Organization.Kind",
        "CaseStatusEnum": "cases.models.Case.Status",
    },
}

# Two-factor sign-in (django-otp, TOTP apps): optional for staff; with DJANGO_REQUIRE_2FA=1, every
# staff account must give an authenticator code to use the admin and staff previews, and adding a
# first app needs a one-time code from `manage.py issue_enrolment_code USERNAME`.
NEWSROOM_REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
if not DEBUG:
    # `manage.py collectstatic` writes each file under a name with a hash of its content
    # (site.a4f3b1a37af7.css) and a compressed copy; pages name the hashed files, which browsers and
    # CDNs may then cache for ever. Development and tests keep Django's plain storage, which
    # needs no collectstatic.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        },
    }
# In development and tests (where nothing is collected) WhiteNoise looks files up per request
# instead of indexing STATIC_ROOT at start-up, which would warn that it does not exist.
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded images: newsroom/images.py refuses files over 10 MB with a form error. Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields, not files, so a large upload still reaches the
# form; files over this size are spooled to a temporary file rather than held in memory. A proxy
# in front must accept bodies above 10 MB (nginx: client_max_body_size 40m) or editors get a 413.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")

# The licence of the open data (/data/, the downloads and datapackage.json): `name` is an SPDX
# identifier, as the Frictionless data package expects. A site publishing under another
# licence sets its own here.
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# Opening a record in the admin names whoever else opened or saved it within these minutes
# (newsroom/history/merging.py; openings are kept in the cache, shared by app servers with
# REDIS_URL).
NEWSROOM_EDIT_PRESENCE_MINUTES = int(os.environ.get("NEWSROOM_EDIT_PRESENCE_MINUTES") or "10")

# --- Email: editors are told when a story is submitted for review ----------------------------
# In development mail is printed to the console (runserver's output); otherwise it goes out by
# SMTP through DJANGO_EMAIL_HOST. DJANGO_EMAIL_BACKEND may name any Django email backend. Tests
# use Django's in-memory backend (mail.outbox) whatever is set here.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT") or "25")
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
# Seconds before a mail server that does not answer is given up (the save still succeeds).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT") or "10")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL") or "newsroom@localhost"

# Imports (newsroom/imports): the largest file accepted, and where uploaded files wait between
# the admin's preview and confirm steps (never under MEDIA_ROOT, so never at a public URL).
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("NEWSROOM_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
NEWSROOM_IMPORT_UPLOAD_DIR = os.environ.get(
    "NEWSROOM_IMPORT_UPLOAD_DIR", os.path.join(tempfile.gettempdir(), "newsroom-imports")
)
