"""The address of a record's page from its slug, as reverse() gives it, worked out once per URL
pattern instead of once per link.

A list or search page links a hundred records; each reverse() matches its arguments against the
URL patterns again (about 15 µs). The address of a `<slug:slug>` pattern is the same text around
the slug, so it is split once around a placeholder, per URL configuration, script prefix and
language (anything reverse() depends on), and joined around each slug. A slug that is not one
Django's `slug` converter takes goes to reverse(), which refuses it as before.
"""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Django's `slug` path converter: a slug of these characters is put in the address as it is.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "record-slug-placeholder"

_around_slug = {}


def slug_url(viewname, slug):
    """reverse(viewname, kwargs={"slug": slug}), the same text."""
    key = (viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    around = _around_slug.get(key)
    if around is None:
        around = _around_slug[key] = tuple(
            reverse(viewname, kwargs={"slug": PLACEHOLDER}).split(PLACEHOLDER)
        )
    if len(around) != 2 or not SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    return slug.join(around)
