"""`make serve` runs the demo site as in production (issue 9, item 4): debug off, gunicorn, the
static files collected under hashed names and served compressed by WhiteNoise, and /healthz.

The real `make serve` runs in a process group of its own, on a free port, with a temporary
SQLite database, static folder and media folder, and is stopped at the end.
"""

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_faults import cannot_run, free_port

PROJECT = Path(__file__).resolve().parent.parent
# Migrating a new SQLite database, loading the demo and collecting the static files took
# 12 seconds on a shared 2-core machine.
STARTUP_SECONDS = 60
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/css/site\.([0-9a-f]{12})\.css)">')


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Serve:
    """`make serve` in a process group of its own."""

    def __init__(self, folder):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = open(folder / "serve.log", "w+b")  # noqa: SIM115 (closed in stop())
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
        }
        self.database_url = f"sqlite:///{folder / 'db.sqlite3'}"
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_STATIC_ROOT=str(folder / "static"),
            DJANGO_MEDIA_ROOT=str(folder / "media"),
            SERVE_PORT=str(self.port),
        )
        # The virtualenv running these tests, already installed: `-o` keeps make from
        # reinstalling it (its stamp is older than pyproject.toml right after an edit).
        venv = Path(sys.prefix)
        command = ["make", "--no-print-directory", "serve", f"VENV={venv}"]
        command += ["-o", str(venv / ".installed-stamp")]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self):
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def wait_until_healthy(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"`make serve` stopped:\n{self.log_text()}")
            try:
                status, _, _ = fetch(f"{self.base}/healthz")
            except OSError:
                status = None
            if status == 200:
                return
            time.sleep(0.5)
        raise AssertionError(
            f"`make serve` did not answer in {STARTUP_SECONDS} s:\n{self.log_text()}"
        )

    def get(self, path, **headers):
        return fetch(f"{self.base}{path}", **headers)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()


@pytest.fixture
def served(tmp_path):
    if shutil.which("make") is None:
        cannot_run("no `make` to run `make serve` with")
    serve = Serve(tmp_path)
    try:
        serve.wait_until_healthy()
        yield serve
    finally:
        serve.stop()


def test_make_serve_runs_the_demo_in_production_mode_with_hashed_compressed_static_files(
    served,
):
    status, headers, body = served.get("/")
    assert status == 200, served.log_text()
    page = body.decode()
    assert headers["Server"] == "gunicorn"
    stylesheet = STYLESHEET.search(page)
    assert stylesheet, "the home page links its stylesheet by a hashed name"

    # The hashed file, compressed for a browser that accepts it and cached for ever.
    status, headers, body = served.get(stylesheet[1], **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert gzip.decompress(body) == (PROJECT / "static/css/site.css").read_bytes()
    status, headers, body = served.get(stylesheet[1])
    assert status == 200
    assert "Content-Encoding" not in headers
    assert body == (PROJECT / "static/css/site.css").read_bytes()

    # The icon, by its hashed name on the page and at /favicon.ico.
    assert re.search(r'<link rel="icon" href="/static/favicon\.[0-9a-f]{12}\.svg"', page)
    status, headers, body = served.get("/favicon.ico")
    assert status == 200
    assert headers["Content-Type"] == "image/svg+xml"
    assert body == (PROJECT / "static/favicon.svg").read_bytes()

    status, headers, body = served.get("/healthz")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"database": "ok", "cache": "ok"}

    # Debug is off: an unknown address is the site's plain 404 page, not Django's debug page.
    status, _, body = served.get("/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body
    # Plain HTTP on the loopback address: no redirect to HTTPS.
    status, _, body = served.get("/stories/")
    assert status == 200
    assert b"Traceback" not in body


def test_make_serve_caches_pages_and_a_change_from_another_process_shows_at_once(served):
    """Without Redis each gunicorn worker has its own memory cache; the content version lives in
    the database, so a change saved by any other process (here `manage.py shell`) reaches both
    workers' cached pages on the next request."""
    # Which of the two workers answers is up to them: ask until one answers from its cache.
    cache_states = []
    for _ in range(30):
        status, headers, body = served.get("/stories/")
        assert status == 200
        cache_states.append(headers["X-Page-Cache"])
        if cache_states[-1] == "hit":
            break
    assert cache_states[-1] == "hit", cache_states
    assert b"A headline from another process" not in body

    change = (
        "from newsroom.models import Article; "
        "story = Article.objects.published().first(); "
        "story.headline = 'A headline from another process'; story.save()"
    )
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["DATABASE_URL"] = served.database_url
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", change],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=120,
    )
    for _ in range(4):  # every worker
        status, _, body = served.get("/stories/")
        assert status == 200
        assert b"A headline from another process" in body
