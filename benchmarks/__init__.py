"""Benchmarks of the site (not part of it): see benchmarks/benchmark.py."""

# The bare view every page is measured against (benchmarks/urls.py).
HELLO_PATH = "/benchmark-hello/"
# A page rendered from a template with a 20-item loop and no database (benchmarks/urls.py):
# what any rendered page costs at least, for comparison with the site's pages.
TEMPLATE_PAGE_PATH = "/benchmark-template-page/"
# What a public detail page costs at least (benchmarks/urls.py): as many small ORM queries as
# the smallest detail page (a case: 8) and the site's base template with no content of its own.
# Its ratio to hello is the most any detail page can reach on the machine measured.
LEAST_DETAIL_PAGE_PATH = "/benchmark-least-detail-page/"
LEAST_DETAIL_PAGE_QUERIES = 8
