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
