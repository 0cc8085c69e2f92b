"""Two app servers, one PostgreSQL, one Redis (issue 9, item 5): a change made through one server
shows on the other at once, and neither ever serves a preview or a withheld name from the cache.

Real servers, started here: a throwaway PostgreSQL cluster and a redis-server (as
tests/test_faults.py starts them), and two gunicorn processes (2 workers each, production
settings, REDIS_URL set) on free 127.0.0.1 ports. An editor signs in through the admin of server
A and publishes, unpublishes and withholds a name there; an anonymous reader (no cookies) reads
both servers. A missing binary skips the test locally and fails it when
NEWSROOM_REQUIRE_FAULT_TESTS=1 (.ci/run). Every wait is bounded.
"""

import http.cookiejar
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

from tests.history_forms import form_data
from tests.test_faults import (
    PROJECT,
    NoRedirects,
    RedisProcess,
    cannot_run,
    collected_static_root,
    free_port,
    manage,
    postgres,  # noqa: F401 (the fixture)
    site_environment,
    wait_for,
)

HEADLINE = "Two servers agree on the verdict"
NAME = "Saltanat Two-Servers"
EDITOR = "two-servers-editor"
PASSWORD = "a long pass phrase for the two servers"
PREVIEW_BANNER = "Preview: not public"
SECONDS_PER_REQUEST = 15

SETUP = f"""
from django.contrib.auth import get_user_model
from newsroom.models import Article
from tests.accounts import editorial_group
from tests.factories import ArticleFactory, PersonFactory
user = get_user_model().objects.create_user({EDITOR!r}, password={PASSWORD!r}, is_staff=True)
user.groups.add(editorial_group("Editor"))
story = ArticleFactory(headline={HEADLINE!r}, status=Article.Status.DRAFT, publish_at=None)
person = PersonFactory(name={NAME!r})
print(story.pk, story.get_absolute_url(), person.pk, person.get_absolute_url())
"""


@dataclass
class Answer:
    status: int
    headers: dict
    content: bytes

    @property
    def text(self):
        return self.content.decode()


def request(opener, url, data=None, headers=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        asked = urllib.request.Request(url, data=body, headers=headers or {})
        with opener.open(asked, timeout=SECONDS_PER_REQUEST) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


class Gunicorn:
    """The site as in production: gunicorn with 2 workers, in a process of its own."""

    def __init__(self, name, **environ):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{self.port}", "--timeout", "30"],
            cwd=PROJECT,
            env=site_environment(**environ),
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    def wait_until_healthy(self):
        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} stopped:\n{self.log_text()}")
            try:
                return request(urllib.request.build_opener(), f"{self.base}/healthz").status == 200
            except OSError:
                return False

        wait_for(healthy, f"server {self.name} to answer /healthz", timeout=60)

    def log_text(self):
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


class Reader:
    """An anonymous reader: never sends a cookie. Both servers are asked for the same host
    name, as a proxy in front of them would (a page's key holds its full address)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(NoRedirects)

    def get(self, server, path):
        return request(self.opener, f"{server.base}{path}", headers={"Host": "127.0.0.1"})


class Editor:
    """An editor signed in through the admin of one server (a cookie jar of its own)."""

    def __init__(self, server):
        self.server = server
        self.opener = urllib.request.build_opener(
            NoRedirects, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        return request(self.opener, f"{self.server.base}{path}")

    def post(self, path, data):
        return request(self.opener, f"{self.server.base}{path}", data)

    def sign_in(self):
        page = self.get("/admin/login/?next=/admin/")
        assert page.status == 200, page.text[:2000]
        data = form_data(page, "login-form")
        data.update(username=EDITOR, password=PASSWORD)
        answer = self.post("/admin/login/?next=/admin/", data)
        assert answer.status == 302, answer.text[:2000]
        assert self.get("/admin/").status == 200

    def run_action(self, changelist, action, pk):
        page = self.get(changelist)
        assert page.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        answer = self.post(
            changelist,
            {"csrfmiddlewaretoken": token, "action": action, "_selected_action": [pk]},
        )
        assert answer.status == 302, answer.text[:2000]

    def change(self, change_url, form_id, **changes):
        page = self.get(change_url)
        assert page.status == 200
        data = form_data(page, form_id)
        data.update(changes)
        answer = self.post(change_url, data)
        assert answer.status == 302, answer.text[:3000]


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        cannot_run("no `redis-server` (Debian package redis-server; .ci/run installs it)")
    server = RedisProcess(binary)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(postgres, redis_url):  # noqa: F811 (the fixture imported above)
    environ = {
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis_url,
        "DJANGO_STATIC_ROOT": collected_static_root(),
        # Plain HTTP on the loopback address: the editor's cookies must not need HTTPS.
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    setup = manage("shell", "-c", SETUP, **environ)
    story_pk, story_url, person_pk, person_url = setup.stdout.splitlines()[-1].split()
    started = [Gunicorn("A", **environ), Gunicorn("B", **environ)]
    try:
        for server in started:
            server.wait_until_healthy()
        yield started, int(story_pk), story_url, int(person_pk), person_url
    finally:
        for server in started:
            server.stop()


def served_from_cache(reader, server, path):
    """The page on `server`, fetched until it comes from the cache (each of the 2 workers)."""
    for _ in range(20):  # which worker answers is up to them
        answer = reader.get(server, path)
        assert answer.status == 200, (server.name, path, answer.status)
        if answer.headers.get("X-Page-Cache") == "hit":
            return answer.text
    raise AssertionError(f"{path} on server {server.name} never came from the cache")


def test_a_change_through_one_server_shows_on_the_other_at_once(servers):
    (a, b), story_pk, story_url, person_pk, person_url = servers
    reader = Reader()
    editor = Editor(a)
    editor.sign_in()

    # Both servers cache the list without the draft; the draft is a 404 to readers, a preview
    # to the editor, and the preview never reaches a reader from either server.
    for server in (a, b):
        assert HEADLINE not in served_from_cache(reader, server, "/stories/")
    signed_in = editor.get("/stories/")
    assert signed_in.status == 200
    assert "X-Page-Cache" not in signed_in.headers
    assert {"private", "no-store"} <= {
        part.strip() for part in signed_in.headers["Cache-Control"].split(",")
    }
    preview = editor.get(story_url)
    assert preview.status == 200
    assert PREVIEW_BANNER in preview.text and HEADLINE in preview.text
    assert "no-store" in preview.headers["Cache-Control"]
    for server in (a, b, a, b):
        answer = reader.get(server, story_url)
        assert answer.status == 404
        assert HEADLINE not in answer.text and PREVIEW_BANNER not in answer.text

    # Published through A: B serves it on the very next request.
    editor.run_action("/admin/newsroom/article/", "publish_selected", story_pk)
    for server in (b, a):
        assert HEADLINE in reader.get(server, "/stories/").text
        story = reader.get(server, story_url)
        assert story.status == 200
        assert HEADLINE in story.text and PREVIEW_BANNER not in story.text
        assert HEADLINE in served_from_cache(reader, server, story_url)

    # Unpublished through A: gone from B at once, cached list and page alike.
    editor.run_action("/admin/newsroom/article/", "unpublish_selected", story_pk)
    for server in (b, a):
        listing = reader.get(server, "/stories/")
        assert listing.status == 200
        assert HEADLINE not in listing.text
        assert reader.get(server, story_url).status == 404

    # A name withheld through A's admin: no server serves it from its cache any more.
    for server in (a, b):
        assert NAME in served_from_cache(reader, server, person_url)
        assert NAME in served_from_cache(reader, server, "/people/")
    editor.change(
        f"/admin/people/person/{person_pk}/change/", "person_form", name_status="withheld"
    )
    for server in (b, a):
        people = reader.get(server, "/people/")
        assert people.status == 200
        assert "People" in people.text
        assert NAME not in people.text
        old_page = reader.get(server, person_url)
        assert old_page.status == 404
        assert NAME not in old_page.text
        assert NAME not in reader.get(server, f"/search/?q={NAME.split()[0]}").text
        assert NAME not in served_from_cache(reader, server, "/people/")


def test_both_servers_share_one_cache(servers):
    """A page rendered by A is served from the cache by B (one Redis, one content version)."""
    (a, b), *_ = servers
    reader = Reader()
    first = reader.get(a, "/organizations/")
    assert first.status == 200
    again = reader.get(b, "/organizations/")
    assert again.status == 200
    assert again.headers.get("X-Page-Cache") == "hit"
    assert again.content == first.content
