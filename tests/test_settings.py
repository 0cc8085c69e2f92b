import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 60


def load_settings(**environ):
    """Import the settings in a fresh interpreter with only these settings variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(environ)
    code = (
        "import newsroom.settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )


def test_without_environment_the_site_runs_in_development_mode_on_sqlite():
    result = load_settings()
    assert result.stdout.split()[0] == "True"
    assert result.stdout.split()[-1] == "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    "environ",
    [
        {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "news.example.org"},
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "news.example.org",
            "DJANGO_SECRET_KEY": "short",
        },
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY},
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "*"},
        {"DJANGO_DEBUG": "maybe"},
    ],
    ids=["no key", "short key", "no hosts", "any host", "unclear debug"],
)
def test_with_debug_off_the_site_refuses_to_start_without_a_real_key_and_hosts(environ):
    result = load_settings(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_with_debug_off_a_real_key_and_hosts_are_enough():
    result = load_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="news.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ['news.example.org']")


def test_database_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://user:secret@127.0.0.1:5432/newsroom")
    assert result.stdout.split()[-1] == "django.db.backends.postgresql"


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    # A key like a real one: `check --deploy` also wants at least five different characters.
    "DJANGO_SECRET_KEY": "q8Zr-3vN_wT1yLk0pXe7Hs2Bc9Ud4Fm6Ga5Jo-Vi_Rt8Wn1Yb3Kl0Qe7Xs2Pz9Mh4",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def production_environment(**environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    return {**env, **PRODUCTION, **environ}


def test_check_deploy_reports_no_issues_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=PROJECT,
        env=production_environment(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def production_setting_values(**environ):
    code = (
        "import newsroom.settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=production_environment(**environ),
        capture_output=True,
        text=True,
    )
    return result


def test_with_debug_off_https_hsts_and_secure_cookies_are_on():
    result = production_setting_values()
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True", "None"]


def test_with_debug_on_there_is_no_https_redirect_or_hsts():
    code = "import newsroom.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["False", "0"]


def test_behind_a_tls_proxy_the_redirect_can_be_left_to_the_proxy():
    result = production_setting_values(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    values = result.stdout.strip().split(None, 6)
    assert values[0] == "False"
    assert values[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_proxy_ssl_header_without_its_value_is_refused():
    result = production_setting_values(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_an_empty_database_url_means_sqlite():
    result = load_settings(DATABASE_URL="")
    assert result.stdout.split()[-1] == "django.db.backends.sqlite3"


def test_secure_cookies_can_be_turned_off_for_plain_http_on_the_loopback_address():
    """`make serve` runs production mode over http://127.0.0.1, where Secure cookies are lost."""
    on = production_setting_values().stdout.split()
    assert (on[3], on[5]) == ("True", "True")
    off = production_setting_values(DJANGO_SECURE_COOKIES="0").stdout.split()
    assert (off[3], off[5]) == ("False", "False")


def static_storage(**environ):
    code = "import newsroom.settings as s; print(s.STORAGES['staticfiles']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=production_environment(**environ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_debug_off_static_files_get_hashed_compressed_names_and_not_in_development():
    assert static_storage() == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings as s; print(hasattr(s, 'STORAGES'))"],
        cwd=PROJECT,
        env={key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "False"
