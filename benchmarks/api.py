"""API requests per second beside the HTML page of the same data.

    python benchmarks/api.py --demo                     # the demo records only
    python benchmarks/api.py                            # 100,000 people / 20,000 cases
    python benchmarks/api.py --people 10000 --cases 2000
    DATABASE_URL=postgres://... python benchmarks/api.py

The data is built by benchmarks/benchmark.py's builder. Each pair (page, API endpoint with the
same filter) is requested in-process with Django's test client, one request at a time, for at
most --seconds each (after one warm-up request), and the table gives requests per second, the
median time, the SQL queries and the response size. The API's rate limit is lifted for the run
(its cache check still runs). Figures, not pass/fail: these machines are shared.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))

import benchmark  # noqa: E402  (benchmarks/benchmark.py: settings and the data builder)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="only the demo records")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each URL")
    parser.add_argument("--max-requests", type=int, default=200, help="requests per URL at most")
    return parser.parse_args()


def pairs():
    """(label, HTML page, API endpoint of the same data)."""
    from cases.models import Case
    from people.models import Organization, Person

    organization = (
        Organization.objects.public()
        .exclude(slug="democratic-choice-of-kazakhstan")
        .order_by("pk")
        .first()
        or Organization.objects.public().order_by("pk").first()
    )
    case = Case.objects.published().order_by("-pk").first()
    person = Person.objects.public().filter(name_status="named").order_by("-pk").first()
    yield "case list", "/cases/", "/api/v1/cases/"
    filtered = f"?organization={organization.slug}&sentence=prison"
    yield "case list, organization+prison", f"/cases/{filtered}", f"/api/v1/cases/{filtered}"
    yield "case list, page 2", "/cases/?page=2", "/api/v1/cases/?page=2"
    yield "case", case.get_absolute_url(), f"/api/v1/cases/{case.slug}/"
    yield "people list", "/people/", "/api/v1/people/"
    yield (
        "people list, imprisoned",
        "/people/?status=imprisoned",
        "/api/v1/people/?status=imprisoned",
    )
    yield "person", person.get_absolute_url(), f"/api/v1/people/{person.slug}/"
    yield "organization list", "/organizations/", "/api/v1/organizations/"
    yield "story list", "/stories/", "/api/v1/stories/"


def rate(client, url, args):
    """(requests per second, median ms, status, queries, bytes) of one URL."""
    from django.db import connection

    # Counted as they run (each request resets Django's own query log when it starts).
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        response = client.get(url)  # warm-up, and the figures of one request
    timings = []
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline and len(timings) < args.max_requests:
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    per_second = len(timings) / sum(timings)
    return per_second, statistics.median(timings) * 1000, response, len(queries)


def measure(args):
    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.ERROR)
    client = Client()
    print(
        f"{'data':34} {'kind':4} {'status':>6} {'queries':>7} {'req/s':>7} {'median ms':>9} "
        f"{'KiB':>7}"
    )
    for label, page_url, api_url in pairs():
        for kind, url in (("page", page_url), ("api", api_url)):
            per_second, median, response, queries = rate(client, url, args)
            print(
                f"{label:34} {kind:4} {response.status_code:>6} {queries:>7} {per_second:>7.1f} "
                f"{median:>9.1f} {len(response.content) / 1024:>7.1f}"
            )


def main():
    args = parse_args()
    os.environ["NEWSROOM_API_RATE_LIMIT"] = "1000000/minute"
    benchmark.run_with_data(args, measure)


if __name__ == "__main__":
    main()
