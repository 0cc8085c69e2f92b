"""Settings of the benchmark (benchmarks/benchmark.py): the site's own settings, read from the
same environment, with the benchmark's URLconf, which adds a bare "hello" view that every page
is measured against. The site itself never serves that view."""

from benchmarks import HELLO_PATH
from newsroom.settings import *  # noqa: F403
from newsroom.settings import NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS

ROOT_URLCONF = "benchmarks.urls"
# The yardstick costs the same with the page cache on and off: never cached.
NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS = [*NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS, HELLO_PATH]
