"""Prefetch querysets built once per process.

Building a queryset whose filters hold subqueries (the public() rules: EXISTS of a hidden
person, of an unpublished case) costs about as much Python as running it: the detail pages
built a dozen of them per request. Those that depend on no data and no clock (never
Article.objects.published(), whose filter holds the time of the request) are built on first use
and then only cloned, and the clone is what a Prefetch is given: the built queryset itself is
never evaluated, so it never holds rows.
"""

import functools


def built_once(build):
    """Decorate a function without arguments (or with hashable ones) returning a queryset that
    depends on no data and no clock: each call returns a fresh clone of the queryset built on
    the first call with those arguments."""
    built = functools.cache(build)

    @functools.wraps(build)
    def fresh_clone(*args):
        return built(*args).all()

    return fresh_clone
