"""Per-address rate limiting of the API (429 with Retry-After), counted in Django's cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from newsroom.admin_site import client_address


class AddressRateThrottle(SimpleRateThrottle):
    """settings.NEWSROOM_API_RATE_LIMIT requests per client address, whoever is signed in.

    The address is the one sign-in throttling counts (REMOTE_ADDR, or the trusted proxies'
    X-Forwarded-For entry when NEWSROOM_TRUSTED_PROXY_COUNT says so), never a header a client
    could forge. The rate is read on every request, so a changed setting applies at once.
    """

    scope = "api"

    def get_rate(self):
        return settings.NEWSROOM_API_RATE_LIMIT

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request._request)}
