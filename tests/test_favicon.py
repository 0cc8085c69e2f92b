"""The site's icon: named by every page, and served at /favicon.ico to browsers that look there
(a browser's request for a missing icon is a 404 in its console on every page)."""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ICON_LINK = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'


def test_a_public_page_names_the_site_s_icon(client):
    ArticleFactory()
    response = client.get(reverse("newsroom:home"))
    assert response.status_code == 200
    assert ICON_LINK in response.content.decode()


def test_the_admin_sign_in_page_names_the_site_s_icon(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert ICON_LINK in response.content.decode()


def test_favicon_ico_is_the_site_s_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == Path(finders.find("favicon.svg")).read_bytes()


def test_the_icon_is_an_svg_drawing():
    path = finders.find("favicon.svg")
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"
