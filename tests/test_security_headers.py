"""Security headers on every kind of page, and the production settings that switch on HTTPS."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import ArticleFactory

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header):
    parsed = {}
    for directive in header.split(";"):
        name, _, sources = directive.strip().partition(" ")
        parsed[name] = sources
    return parsed


@pytest.fixture
def page_urls(db):
    story = ArticleFactory()
    return {
        "home": reverse("newsroom:home"),
        "story": story.get_absolute_url(),
        "story list": reverse("newsroom:article_list"),
        "people list": reverse("people:list"),
        "case list": reverse("cases:list"),
        "admin sign-in": reverse("admin:login"),
        "not found": "/no-such-page/",
    }


PAGE_TYPES = ["home", "story", "story list", "people list", "case list", "admin sign-in"]


@pytest.mark.parametrize("page", [*PAGE_TYPES, "not found"])
def test_every_page_type_has_the_strict_content_security_policy(client, page_urls, page):
    response = client.get(page_urls[page])
    assert response.status_code == (404 if page == "not found" else 200)
    assert directives(response["Content-Security-Policy"]) == STRICT_POLICY


# Browser features no page of the site uses: each must be switched off ("feature=()", no origin
# allowed, not even the site's own) so that injected code cannot ask a reader for them.
SWITCHED_OFF_FEATURES = {
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
}
# One item of the header: a feature and its allowlist, "()" (nobody), "(self ...)" or "*".
PERMISSIONS_POLICY_ITEM = re.compile(r"(?P<feature>[a-z][a-z0-9-]*)=(?P<allowlist>\([^(),]*\)|\*)")


def permissions_policy(header):
    """{feature: allowlist} of a Permissions-Policy header, each item checked for its syntax."""
    features = {}
    for item in header.split(","):
        match = PERMISSIONS_POLICY_ITEM.fullmatch(item.strip())
        assert match, f"not a Permissions-Policy item: {item!r}"
        assert match["feature"] not in features, f"{match['feature']} is listed twice"
        features[match["feature"]] = match["allowlist"]
    return features


@pytest.mark.parametrize("page", [*PAGE_TYPES, "not found"])
def test_every_page_type_has_the_other_security_headers(client, page_urls, page):
    response = client.get(page_urls[page])
    assert response.status_code == (404 if page == "not found" else 200)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = permissions_policy(response["Permissions-Policy"])
    assert set(features) >= SWITCHED_OFF_FEATURES
    assert features == dict.fromkeys(features, "()")  # no feature allowed to any origin


def test_the_permissions_policy_switches_off_camera_microphone_and_location(client, db):
    response = client.get(reverse("newsroom:home"))

    assert response.status_code == 200
    features = permissions_policy(response["Permissions-Policy"])
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features.get(feature) == "()", feature


def test_the_permissions_policy_parser_tells_a_granted_feature_from_a_switched_off_one():
    """The checks above could not pass on a header that allows a feature."""
    features = permissions_policy("camera=(), geolocation=(self), usb=*")

    assert features == {"camera": "()", "geolocation": "(self)", "usb": "*"}


def test_the_admin_signed_in_pages_have_the_strict_policy_too(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == STRICT_POLICY


@pytest.mark.parametrize("page", ["home", "story", "story list", "admin sign-in"])
def test_pages_have_no_inline_script_or_style(client, page_urls, page):
    """Everything a strict policy would block: inline code, style attributes and blocks."""
    response = client.get(page_urls[page])
    assert response.status_code == 200
    html = response.text
    assert 'rel="stylesheet"' in html and "</body>" in html  # a whole page, styled from a file
    for script in html.split("<script")[1:]:
        opening_tag = script.split(">", 1)[0]
        assert "src=" in opening_tag or 'type="application/ld+json"' in opening_tag, opening_tag
    assert "<style" not in html
    assert " style=" not in html
    assert " onload=" not in html and " onclick=" not in html


PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@override_settings(**PRODUCTION)
def test_in_production_plain_http_is_redirected_to_https(client, db):
    response = client.get(reverse("newsroom:home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(**PRODUCTION)
def test_in_production_https_responses_carry_hsts_for_a_year_with_subdomains(client, db):
    response = client.get(reverse("newsroom:home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@override_settings(**PRODUCTION)
def test_in_production_the_session_and_csrf_cookies_are_secure(client, django_user_model):
    django_user_model.objects.create_user("desk", password="a long passphrase", is_staff=True)
    sign_in = reverse("admin:login")
    client.get(sign_in, secure=True)
    assert client.cookies["csrftoken"]["secure"]
    client.post(sign_in, {"username": "desk", "password": "a long passphrase"}, secure=True)
    session_cookie = client.cookies["sessionid"]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
