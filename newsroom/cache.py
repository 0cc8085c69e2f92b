"""A Redis cache that a Redis outage cannot take the site down with.

With REDIS_URL set, every app server shares one Redis cache (newsroom/settings.py). The cache
only saves work: when Redis is down, slow or refusing writes, a read is a miss and a write is
dropped, so pages are served uncached. After a failure Redis is left alone for a few seconds
(no connection attempt per request while it is down), then tried again, so the cache comes
back by itself.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long, after a failure, the cache answers "miss" without trying Redis.
PAUSE_AFTER_FAILURE_SECONDS = 5


def _or_when_down(fallback):
    """Make a cache method return fallback(*its arguments) when Redis fails or is paused."""

    def decorate(method):
        @functools.wraps(method)
        def degrading(self, *args, **kwargs):
            if time.monotonic() < self._paused_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
                logger.warning(
                    "Cache unavailable, serving pages uncached for %ss: %s",
                    PAUSE_AFTER_FAILURE_SECONDS,
                    error,
                )
                return fallback(*args, **kwargs)

        return degrading

    return decorate


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, degrading to "no cache" (and logging it) when Redis fails:
    a read is a miss, a write is dropped."""

    _paused_until = 0.0

    get = _or_when_down(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _or_when_down(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _or_when_down(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _or_when_down(lambda *args, **kwargs: False)(RedisCache.add)
    set = _or_when_down(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _or_when_down(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _or_when_down(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _or_when_down(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _or_when_down(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _or_when_down(lambda *args, **kwargs: None)(RedisCache.clear)
