"""Time and peak memory of every download (CSV, XLSX, JSON of each table), at demo size and at
newsroom size, each whole and filtered down to a few rows: memory should stay flat from a few
rows to 100,000.

    python benchmarks/downloads.py --demo          # the demo data only
    python benchmarks/downloads.py                 # 100,000 people / 20,000 cases (the data
                                                   # builder of benchmarks/benchmark.py)
    DATABASE_URL=postgres://... python benchmarks/downloads.py

Prints, per file: status, rows, size, SQL queries, time (median of --repeat), and the peak
memory Python allocated while making and reading it (tracemalloc, in a separate run, as
tracing slows the code down; with --repeat 0 the time is that of the traced run). Figures, not
pass/fail: these machines are shared.
"""

import argparse
import logging
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark  # noqa: E402  (the data builder, beside this file)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="only the demo data (load_demo)")
    return parser.parse_args()


def downloads():
    """(label, address) of every file: whole, and filtered to the demo's few Koshe party rows."""
    from django.urls import reverse

    from newsroom.downloads.tables import TABLES

    for table in TABLES.values():
        for fmt in ("csv", "xlsx", "json"):
            url = reverse(f"downloads:{table.name}-{fmt}")
            yield f"{table.name}.{fmt}", url
            if table.filterset_class is not None:
                yield f"{table.name}.{fmt}, koshe-party", f"{url}?organization=koshe-party"


def read_body(response):
    """(bytes, CSV rows) of a streamed file, read piece by piece as a client would."""
    size = lines = 0
    for piece in response.streaming_content:
        size += len(piece)
        lines += piece.count(b"\r\n")
    return size, lines - 1


def measure(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)
    client = Client()
    print(
        f"{'file':40} {'status':>6} {'rows':>7} {'KiB':>8} {'queries':>7} "
        f"{'median s':>8} {'peak MiB':>8}"
    )
    for label, url in downloads():
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            read_body(client.get(url))
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            tracemalloc.start()
            started = time.perf_counter()
            response = client.get(url)
            size, lines = read_body(response)
            traced_time = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        # With --repeat 0 the only time is the traced one (tracing slows the code down).
        seconds = statistics.median(timings) if timings else traced_time
        rows = lines if ".csv" in label else ""
        print(
            f"{label:40} {response.status_code:>6} {rows!s:>7} {size / 1024:>8.0f} "
            f"{len(queries):>7} {seconds:>8.2f} {peak:>8.1f}",
            flush=True,
        )
    import resource

    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main():
    args = parse_args()
    benchmark.run_with_data(args, measure)


if __name__ == "__main__":
    main()
