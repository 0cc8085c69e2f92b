"""/healthz, the health check a load balancer calls on each app server (issue 9, item 4).

It answers 200 and {"database": "ok", "cache": "ok"} when the server can use both, and 503
naming what failed otherwise; it is never cached, sets no cookie, and answers over plain HTTP
even where the site redirects everything else to HTTPS. The outages are real: a redis-server
and a PostgreSQL cluster started and stopped by the tests (helpers of tests/test_faults.py).
"""

import json
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.test_faults import (  # noqa: F401 (fixtures, used as arguments)
    postgres,
    redis_cache,
    redis_server,
    running_site,
)

HEALTHY = {"database": "ok", "cache": "ok"}


def health(client, **extra):
    return client.get(reverse("newsroom:healthz"), **extra)


@pytest.mark.django_db
def test_healthz_answers_200_with_the_database_and_cache_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == HEALTHY
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_never_touches_the_session_of_a_signed_in_editor(editor_client):
    session_key = editor_client.session.session_key
    response = health(editor_client)
    assert response.status_code == 200
    assert json.loads(response.content) == HEALTHY
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert editor_client.session.session_key == session_key


@pytest.mark.django_db
def test_healthz_answers_only_get_and_head(client):
    assert client.head(reverse("newsroom:healthz")).status_code == 200
    assert client.post(reverse("newsroom:healthz")).status_code == 405


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_over_plain_http_where_pages_redirect_to_https(client):
    """A load balancer checks each app server directly, without TLS."""
    home = client.get(reverse("newsroom:home"))
    assert home.status_code == 301
    assert home["Location"].startswith("https://")
    response = health(client)
    assert response.status_code == 200
    assert json.loads(response.content) == HEALTHY


@pytest.mark.django_db
def test_with_redis_down_healthz_answers_503_cache_unavailable_then_recovers(
    client,
    redis_cache,  # noqa: F811
):
    """The site's Redis cache reads as empty while Redis is down (pages are served uncached),
    so the health check writes a key and reads it back to see the outage."""
    response = health(client)
    assert response.status_code == 200
    assert json.loads(response.content) == HEALTHY
    assert not [key for key in redis_cache.stored_keys() if "healthz" in key]

    redis_cache.stop()
    down = health(client)
    assert down.status_code == 503
    assert json.loads(down.content) == {"database": "ok", "cache": "unavailable"}
    assert down["Cache-Control"] == "no-store"
    # The pages themselves are still served, uncached.
    assert client.get(reverse("newsroom:home")).status_code == 200

    redis_cache.start()
    time.sleep(1.1)  # the pause after a failure (1 s in this fixture), then Redis is tried again
    back = health(client)
    assert back.status_code == 200
    assert json.loads(back.content) == HEALTHY


def test_with_the_database_down_healthz_answers_503_database_unavailable_then_recovers(
    postgres,  # noqa: F811
):
    with running_site(DATABASE_URL=postgres.url) as site:
        answer = site.get("/healthz")
        assert answer.status == 200, answer.text[:500]
        assert json.loads(answer.text) == HEALTHY

        postgres.stop()
        try:
            down = site.get("/healthz")
        finally:
            postgres.start()
        assert down.status == 503, down.text[:500]
        assert json.loads(down.text) == {"database": "unavailable", "cache": "ok"}
        assert down.headers.get("Cache-Control") == "no-store"
        assert "Set-Cookie" not in down.headers

        back = site.get("/healthz")
        assert back.status == 200
        assert json.loads(back.text) == HEALTHY
