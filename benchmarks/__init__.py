"""Benchmarks of the site (not part of it): see benchmarks/benchmark.py."""

# The bare view every page is measured against (benchmarks/urls.py).
HELLO_PATH = "/benchmark-hello/"
