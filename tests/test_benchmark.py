"""The production-mode benchmark (benchmarks/benchmark.py, `make benchmark`) runs end to end:
run at the demo size on SQLite, for two pages and a fraction of a second each, so the script
cannot rot unnoticed. Its figures are not checked (the machine is shared), only that the report
is whole: every column, a ratio to hello for every page served, and the servers stopped."""

import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from benchmarks.benchmark import python_load, wrk_load

PROJECT = Path(__file__).resolve().parent.parent
COLUMNS = [
    "page",
    "status",
    "req/s uncached",
    "ratio uncached",
    "req/s cached",
    "ratio cached",
    "in-process ms",
    "queries",
    "peak MiB",
    "target",
]
RATIO = re.compile(r"^\d+\.\d+$")


def benchmark_environment(tmp_path):
    """On SQLite, in a temporary folder, whatever database the suite runs on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env["TMPDIR"] = str(tmp_path)
    return env


def run_benchmark(tmp_path, *arguments):
    return subprocess.run(
        [sys.executable, "benchmarks/benchmark.py", *arguments],
        cwd=PROJECT,
        env=benchmark_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def table_rows(report):
    lines = [line for line in report.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return header, [
        dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        for line in lines[2:]
    ]


def refuses_connections(address):
    host, port = address.removeprefix("http://").split(":")
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex((host, int(port))) != 0


@pytest.mark.benchmark
def test_benchmark_reports_every_page_against_hello_and_stops_its_servers(tmp_path):
    result = run_benchmark(
        tmp_path,
        "--demo",
        "--seconds=0.3",
        "--repeat=1",
        # wrk takes whole seconds; its own path is checked below, in a second.
        "--load-tool=python",
        "--only=least detail page|person|case list, organization+prison",
        "--hello-every=1",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout

    header, rows = table_rows(report)
    assert header == COLUMNS
    least, *rows = rows
    assert [row["page"] for row in rows] == ["person", "case list, organization+prison"]
    for row in rows:
        assert row["status"] == "200"
        assert RATIO.match(row["ratio uncached"]), row
        assert RATIO.match(row["ratio cached"]), row
        assert float(row["in-process ms"]) > 0
        assert int(row["queries"]) > 0
        # Issue 9's targets, named for each page: a detail page and a filtered list.
        assert row["target"].startswith("uncached ≥ "), row
        assert "cached ≥ 0.5" in row["target"], row
        # With the page cache on, the pages were answered from it; no request failed.
        assert "cache answered" not in row["target"], row
        assert "failed" not in row["target"], row
    assert "uncached ≥ 0.1 " in rows[0]["target"]
    assert "uncached ≥ 0.04 " in rows[1]["target"]
    # The reach of the detail pages' target: as many queries as a case page, nothing to show.
    assert least["page"] == "least detail page: 8 small ORM queries, the site's frame"
    assert (least["status"], least["queries"]) == ("200", "8")
    assert RATIO.match(least["ratio uncached"]), least
    assert least["target"].startswith("uncached ≥ 0.1 "), least

    assert re.search(r"^database: sqlite; size: demo \(", report, re.M)
    assert "DEBUG False" in report
    hello = re.search(
        r"^hello: ([\d,]+) req/s at the start, ([\d,]+) req/s at the end",
        report,
        re.M,
    )
    assert hello, report
    assert all(int(figure.replace(",", "")) > 0 for figure in hello.groups())
    # Also between the two pages: each page's ratios are to the hello measured around it.
    assert "; measured 4 times (every 1 pages)" in report
    assert re.search(r"^load average at the start: \d", report, re.M)
    assert re.search(r"^load average at the end: \d", report, re.M)
    assert re.search(r"^served: gunicorn, 2 sync workers; load from python, 8 conn", report, re.M)

    servers = re.findall(r"^gunicorn on (http://127\.0\.0\.1:\d+), page cache", report, re.M)
    assert len(servers) == 2
    assert all(refuses_connections(server) for server in servers)


@pytest.mark.benchmark
def test_a_benchmark_stopped_midway_stops_its_servers(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "benchmarks/benchmark.py", "--demo", "--repeat=1", "--only=person"]
        + ["--load-tool=python", "--seconds=30"],
        cwd=PROJECT,
        env=benchmark_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    servers = []
    try:
        for line in process.stderr:
            servers += re.findall(r"^gunicorn \w+ on (http://\S+)$", line)
            if line.startswith("served: hello (start)"):
                break
        assert len(servers) == 2
        assert not any(refuses_connections(server) for server in servers)
        process.terminate()
        assert process.wait(timeout=30) != 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert all(refuses_connections(server) for server in servers)
    # The temporary folder (database, static files, logs) is gone with them.
    assert list(tmp_path.iterdir()) == []


class Answers(http.server.BaseHTTPRequestHandler):
    """200 at /, 404 anywhere else."""

    def do_GET(self):
        body = b"hello"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a load tool closing its connections at the end is no error


@pytest.fixture
def little_server():
    server = QuietServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.benchmark
@pytest.mark.parametrize("load", [python_load, wrk_load], ids=["python", "wrk"])
def test_each_load_tool_counts_requests_and_failed_answers(little_server, load):
    if load is wrk_load and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (the benchmark then uses its Python threads)")
    answered = load(f"{little_server}/", 0.5, 4)
    assert answered.requests > 10
    assert answered.per_second > 10
    assert answered.failed == 0

    missing = load(f"{little_server}/missing", 0.5, 4)
    assert missing.requests > 10
    assert missing.failed == missing.requests
