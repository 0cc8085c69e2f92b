"""Benchmarks of the site (not part of it): see benchmarks/benchmark.py."""

# The bare view every page is measured against (benchmarks/urls.py).
HELLO_PATH = "/benchmark-hello/"
# A page rendered from a template with a 20-item loop and no database (benchmarks/urls.py):
# what any rendered page costs at least, for comparison with the site's pages.
TEMPLATE_PAGE_PATH = "/benchmark-template-page/"
