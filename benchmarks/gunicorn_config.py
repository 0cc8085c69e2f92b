"""gunicorn settings of the benchmark's servers (benchmarks/benchmark.py): each worker says when
it has loaded the site, so that no measurement starts while one is still loading."""

import os
from pathlib import Path


def post_worker_init(worker):
    folder = os.environ.get("BENCHMARK_READY_FOLDER")
    if folder:
        (Path(folder) / str(worker.pid)).touch()
