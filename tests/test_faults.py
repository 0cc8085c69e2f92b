"""Faults (issue 8, item 6): the site answers in plain words when its database or cache is down
or its disk is full, loses nothing, and recovers by itself.

Against real servers that the tests start and stop: a throwaway PostgreSQL cluster (initdb and
pg_ctl, on a free 127.0.0.1 port) behind the site run as its own process (`manage.py runserver`
with production settings), a redis-server, and a tmpfs mounted as MEDIA_ROOT. A missing server
binary skips a test with the reason, unless NEWSROOM_REQUIRE_FAULT_TESTS=1 (set by .ci/run)
says they must run: then it fails.
"""

import atexit
import contextlib
import functools
import glob
import io
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

import newsroom.cache
from newsroom.filters import PUBLIC_ORGANIZATIONS_CACHE_KEY
from newsroom.images import prepare_new_upload
from people.models import Person
from tests.admin_forms import admin_form_data
from tests.conftest import TEST_STATEMENT_TIMEOUT_MS
from tests.page_helpers import page_text

PROJECT = Path(__file__).resolve().parent.parent
RETRY_AFTER = "30"  # settings.DB_UNAVAILABLE_RETRY_AFTER
UNAVAILABLE_TEXT = "Please try again in a minute"
# A key like a real one, so that the site runs with its production settings.
SECRET_KEY = "q8Zr-3vN_wT1yLk0pXe7Hs2Bc9Ud4Fm6Ga5Jo-Vi_Rt8Wn1Yb3Kl0Qe7Xs2Pz9Mh4"


def fault_tests_required():
    return os.environ.get("NEWSROOM_REQUIRE_FAULT_TESTS", "") not in {"", "0"}


def cannot_run(reason):
    if fault_tests_required():
        pytest.fail(
            f"fault tests required (NEWSROOM_REQUIRE_FAULT_TESTS=1) but {reason}", pytrace=False
        )
    pytest.skip(f"fault test skipped: {reason}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# PostgreSQL


def postgres_bin_dir():
    """The newest installed PostgreSQL server binaries, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port of 127.0.0.1."""

    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://newsroom@127.0.0.1:{self.port}/newsroom"
        self.conninfo = f"host=127.0.0.1 port={self.port} user=newsroom dbname=newsroom"

    def run(self, program, *args):
        # PostgreSQL refuses to run as root: as the `postgres` user then, as .ci/run does.
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.run(
            "initdb", "-D", str(self.data), "-U", "newsroom", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "newsroom", "newsroom")

    def start(self):
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder}"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def log(self):
        return self.folder / "server.log"

    def log_text(self):
        return self.log.read_text(errors="replace")


def site_environment(**environ):
    """The environment of the site with production settings, and nothing of this test run's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(environ)
    return env


def manage(*args, **environ):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=site_environment(**environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def postgres():
    """A migrated PostgreSQL database with the demo records, for the site processes below."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        cannot_run("no PostgreSQL server binaries (initdb, pg_ctl; Debian package postgresql)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            cannot_run("running as root without a `postgres` user to run the server as")
    server = ThrowawayPostgres(bin_dir)
    try:
        server.create()
        # No statement timeout for setting up (a long migration is not a reader's request).
        manage("migrate", "--noinput", DATABASE_URL=server.url, DJANGO_DB_STATEMENT_TIMEOUT_MS="0")
        manage("load_demo", DATABASE_URL=server.url)
        yield server
    finally:
        server.destroy()


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@functools.cache
def collected_static_root():
    """Static files collected once per test run: with debug off, pages name them by the hashed
    names of collectstatic's manifest (whitenoise's storage), and fail without it."""
    folder = tempfile.mkdtemp(prefix="newsroom-faults-static-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    manage("collectstatic", "--noinput", DJANGO_STATIC_ROOT=folder)
    return folder


class SiteProcess:
    """The site served by `manage.py runserver` in a process of its own."""

    def __init__(self, **environ):
        environ.setdefault("DJANGO_STATIC_ROOT", collected_static_root())
        self.port = free_port()
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (read and closed in stop())
        # One thread, so that a kept database connection (DJANGO_CONN_MAX_AGE) serves every
        # request, as in a long-running worker.
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading"]
            + [f"127.0.0.1:{self.port}"],
            cwd=PROJECT,
            env=site_environment(**environ),
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        self.opener = urllib.request.build_opener(NoRedirects)

    def wait_until_serving(self):
        def serving():
            if self.process.poll() is not None:
                raise AssertionError(f"the site did not start:\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                return False

        wait_for(serving, "the site to listen")

    def get(self, path, timeout=30):
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with self.opener.open(url, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_text(self):
        self.output.seek(0)
        return self.output.read().decode(errors="replace")


@contextmanager
def running_site(**environ):
    site = SiteProcess(**environ)
    try:
        site.wait_until_serving()
        yield site
    finally:
        site.stop()
        site.output.close()


PUBLIC_PATHS = [
    "/",
    "/stories/",
    "/people/",
    "/people/abai-begimbetov/",
    "/organizations/",
    "/cases/",
    "/cases/?sentence=prison",
    "/search/?q=Begimbetov",
    "/feeds/stories/",
    "/sitemap.xml",
]


def assert_unavailable(answer, path):
    assert answer.status == 503, (path, answer.status, answer.text[:500])
    assert answer.headers.get("Retry-After") == RETRY_AFTER, path
    assert UNAVAILABLE_TEXT in answer.text, path
    assert "Traceback" not in answer.text and "OperationalError" not in answer.text, path


@pytest.mark.parametrize("kept_connection_seconds", ["0", "60"])
def test_with_the_database_down_pages_answer_503_with_retry_after_and_recover(
    postgres, kept_connection_seconds
):
    """Stopped and started again under a running site; with a connection kept between requests
    (60) the broken one is replaced, not reused."""
    with running_site(
        DATABASE_URL=postgres.url, DJANGO_CONN_MAX_AGE=kept_connection_seconds
    ) as site:
        for path in PUBLIC_PATHS:
            assert site.get(path).status == 200, path
        assert "Abai Begimbetov" in site.get("/people/abai-begimbetov/").text

        postgres.stop()
        try:
            for path in PUBLIC_PATHS:
                assert_unavailable(site.get(path), path)
        finally:
            postgres.start()

        for path in PUBLIC_PATHS:
            answer = site.get(path)
            assert answer.status == 200, (path, answer.status)
        assert "Abai Begimbetov" in site.get("/people/abai-begimbetov/").text
        assert "Database unavailable or too slow" in site.log_text()


def test_with_redis_the_cached_pages_are_served_while_the_database_is_down(postgres, redis_server):
    """The README's promise: pages a reader has asked for since the last change stay up from
    Redis while the database is down (the content version lives in Redis too); a page not in the
    cache is a 503 as without Redis, and the cache is used again once the database is back."""
    with running_site(DATABASE_URL=postgres.url, REDIS_URL=redis_server.url) as site:
        served = {}
        for path in PUBLIC_PATHS:
            site.get(path)  # a miss, which stores the page
            answer = site.get(path)
            assert (answer.status, answer.headers.get("X-Page-Cache")) == (200, "hit"), path
            served[path] = answer.text
        assert "Abai Begimbetov" in served["/people/abai-begimbetov/"]

        postgres.stop()
        try:
            for path in PUBLIC_PATHS:
                answer = site.get(path)
                assert (answer.status, answer.headers.get("X-Page-Cache")) == (200, "hit"), path
                assert answer.text == served[path], path
            assert_unavailable(site.get("/people/askhat-zheksebaev/"), "a page never cached")
        finally:
            postgres.start()

        answer = site.get("/people/askhat-zheksebaev/")
        assert answer.status == 200
        assert "Askhat Zheksebaev" in answer.text
        assert site.get("/people/abai-begimbetov/").headers.get("X-Page-Cache") == "hit"


def test_a_statement_past_the_timeout_is_cancelled_and_the_reader_gets_503(postgres):
    """A page whose query cannot finish in time (here: waiting on a table another session
    holds locked, as behind a long migration) is cut by PostgreSQL's statement timeout."""
    import psycopg

    # Without the page cache, which would rightly serve the list cached by the first request.
    with running_site(
        DATABASE_URL=postgres.url, DJANGO_DB_STATEMENT_TIMEOUT_MS="500", DJANGO_PAGE_CACHE="0"
    ) as site:
        assert site.get("/people/").status == 200
        with psycopg.connect(postgres.conninfo) as blocker:
            blocker.execute("LOCK TABLE people_person IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            answer = site.get("/people/")
            waited = time.monotonic() - started
            blocker.rollback()
        assert_unavailable(answer, "/people/")
        assert waited < 5, "the page waited for the lock instead of timing out"
        assert "canceling statement due to statement timeout" in postgres.log_text()
        assert site.get("/people/").status == 200


@pytest.mark.django_db
def test_the_statement_timeout_applies_to_the_sites_connections(settings):
    """The site's connections carry its 5 s timeout (test_the_statement_timeout_is_a_setting_of_
    the_postgresql_connection); the tests' own connections a longer one (tests/conftest.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no statement timeout (this runs on PostgreSQL in CI)")
    assert settings.DB_STATEMENT_TIMEOUT_MS == 5000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM current_setting('statement_timeout')::interval) * 1000"
        )
        assert int(cursor.fetchone()[0]) == TEST_STATEMENT_TIMEOUT_MS
        # Nor JIT compilation, which cost page queries a second (newsroom/settings.py).
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone()[0] == "off"


def settings_in_a_fresh_interpreter(code, **environ):
    return subprocess.run(
        [sys.executable, "-c", f"import newsroom.settings as s; {code}"],
        cwd=PROJECT,
        env=site_environment(DJANGO_DEBUG="1", **environ),
        capture_output=True,
        text=True,
    )


def test_with_debug_off_a_worker_keeps_its_database_connection_for_a_minute():
    """Opening a connection per request cost more than serving a page from the cache."""

    def conn_max_age(**environ):
        shown = subprocess.run(
            [
                sys.executable,
                "-c",
                "import newsroom.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])",
            ],
            cwd=PROJECT,
            env=site_environment(**environ),
            capture_output=True,
            text=True,
            check=True,
        )
        return shown.stdout.strip()

    assert conn_max_age() == "60"  # debug off, as site_environment() runs the site
    assert conn_max_age(DJANGO_CONN_MAX_AGE="0") == "0"
    assert conn_max_age(DJANGO_DEBUG="1") == "0"  # the development server: a thread a request


def test_the_statement_timeout_is_a_setting_of_the_postgresql_connection():
    url = "postgres://newsroom@127.0.0.1:5432/newsroom"
    show = "print(s.DATABASES['default']['OPTIONS'].get('options'))"
    assert settings_in_a_fresh_interpreter(show, DATABASE_URL=url).stdout.strip() == (
        "-c jit=off -c statement_timeout=5000"
    )
    result = settings_in_a_fresh_interpreter(
        show, DATABASE_URL=url, DJANGO_DB_STATEMENT_TIMEOUT_MS="1500"
    )
    assert result.stdout.strip() == "-c jit=off -c statement_timeout=1500"
    off = settings_in_a_fresh_interpreter(
        show, DATABASE_URL=url, DJANGO_DB_STATEMENT_TIMEOUT_MS="0"
    )
    assert off.stdout.strip() == "-c jit=off"
    wrong = settings_in_a_fresh_interpreter(show, DJANGO_DB_STATEMENT_TIMEOUT_MS="5s")
    assert wrong.returncode != 0
    assert "DJANGO_DB_STATEMENT_TIMEOUT_MS must be a whole number" in wrong.stderr


# Redis


class RedisProcess:
    """A redis-server of its own on a free port, with nothing saved to disk."""

    def __init__(self, binary):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="newsroom-faults-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, "redis-server to answer")

    def answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.exceptions.RedisError:
            return False

    def stored_keys(self):
        import redis

        return [key.decode() for key in redis.Redis(port=self.port).keys("*")]

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    binary = shutil.which("redis-server")
    if binary is None:
        cannot_run("no `redis-server` (Debian package redis-server; .ci/run installs it)")
    server = RedisProcess(binary)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def redis_cache(settings, redis_server, monkeypatch):
    """The site's cache setting for REDIS_URL, pointing at the test's redis-server."""
    # Retried after a second rather than five, to keep the test short.
    monkeypatch.setattr(newsroom.cache, "PAUSE_AFTER_FAILURE_SECONDS", 1)
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "newsroom-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield redis_server
    cache.clear()


def case_list(client):
    cache_key_queries = CaptureQueriesContext(connection)
    with cache_key_queries:
        started = time.monotonic()
        response = client.get(reverse("cases:list"))
        took = time.monotonic() - started
    assert response.status_code == 200
    organizations = [option.label for option in response.context["facets"]["organization"]]
    return len(cache_key_queries), organizations, took, page_text(response)


@pytest.mark.django_db
def test_with_redis_down_pages_are_served_uncached_and_cached_again_once_it_is_back(
    client, demo, redis_cache
):
    queries, organizations, _, _ = case_list(client)
    assert organizations, "the demo case list shows organizations to filter by"
    # The public organizations of the facet are in Redis now, and read from there.
    assert any(PUBLIC_ORGANIZATIONS_CACHE_KEY in key for key in redis_cache.stored_keys())
    cached_queries, cached_organizations, _, _ = case_list(client)
    assert cached_organizations == organizations
    assert cached_queries == queries - 1

    redis_cache.stop()
    for _ in range(3):
        down_queries, down_organizations, took, text = case_list(client)
        assert down_organizations == organizations
        assert down_queries == queries  # computed again: nothing is cached
        assert took < 3
        assert organizations[0] in text

    redis_cache.start()
    time.sleep(1.1)  # the pause after a failure, then Redis is tried again
    assert case_list(client)[1] == organizations
    assert any(PUBLIC_ORGANIZATIONS_CACHE_KEY in key for key in redis_cache.stored_keys())
    assert case_list(client)[0] == queries - 1


def test_the_cache_reads_as_empty_and_drops_writes_when_redis_is_down(settings, redis_cache):
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    redis_cache.stop()
    assert cache.get("greeting") is None
    assert cache.get("greeting", "default") == "default"
    cache.set("greeting", "again")  # no error
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.get_many(["greeting"]) == {}
    assert cache.add("other", 1) is False
    assert cache.delete("greeting") is False


def test_redis_url_selects_the_resilient_redis_cache():
    show = "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'))"
    redis = settings_in_a_fresh_interpreter(show, REDIS_URL="redis://cache.internal:6379/1")
    assert redis.stdout.split() == [
        "newsroom.cache.ResilientRedisCache",
        "redis://cache.internal:6379/1",
    ]
    local = settings_in_a_fresh_interpreter(show)
    assert local.stdout.split()[0] == "django.core.cache.backends.locmem.LocMemCache"


# A full disk on upload


@pytest.fixture
def full_disk(settings):
    """MEDIA_ROOT on a tmpfs of 2 MB of its own, which the test fills (mounting needs root)."""
    if os.geteuid() != 0:
        cannot_run("mounting a small tmpfs as a full disk needs root")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-faults-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        cannot_run(f"could not mount a tmpfs: {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = folder
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
        folder.rmdir()


def fill_leaving(folder, free_bytes):
    """Fill the disk of `folder` until about `free_bytes` are left."""
    stats = os.statvfs(folder)
    available = stats.f_bavail * stats.f_frsize
    filler = max(0, available - free_bytes) // 4096 * 4096
    with open(folder / "filler", "wb") as file:
        file.write(b"\0" * filler)
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def noisy_jpeg(size=(600, 400)):
    """A photo-like JPEG whose renditions are large (noise does not compress)."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def stored_size(data):
    """How many bytes the cleaned original of this upload takes once stored."""
    person = Person(photo=upload(data))
    prepare_new_upload(person.photo)
    return person.photo.file.size


def files_under(folder):
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != "filler"
    )


def disk_full_errors(response):
    return [str(error) for error in response.context["adminform"].form.non_field_errors()]


@pytest.mark.django_db
@pytest.mark.parametrize("room_for_the_original", [False, True], ids=["image", "renditions"])
def test_a_full_disk_on_a_photo_upload_is_a_form_error_and_keeps_the_record(
    editor_client, full_disk, room_for_the_original
):
    """The disk fills while the photo itself is written, or after it, while its renditions
    are: either way the editor gets the form back with a message and everything typed, the
    record is as it was, and nothing written is left behind."""
    person = Person.objects.create(name="Dana Example", summary="Summary before.")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(editor_client.get(url))
    photo = noisy_jpeg()
    data.update(summary="Summary after.", photo=upload(photo))
    room = (stored_size(photo) // 4096 + 2) * 4096 if room_for_the_original else 0
    fill_leaving(full_disk, room)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any("The server's disk is full" in error for error in disk_full_errors(response))
    text = page_text(response)
    assert "the image was not saved" in text
    assert "Summary after." in response.content.decode()  # what was typed, to save again
    person.refresh_from_db()
    assert person.summary == "Summary before."
    assert not person.photo
    assert files_under(full_disk) == []


@pytest.mark.django_db
def test_a_full_disk_when_adding_a_person_with_a_photo_adds_nobody(editor_client, full_disk):
    url = reverse("admin:people_person_add")
    data = admin_form_data(editor_client.get(url))
    photo = noisy_jpeg()
    data.update(name="New Person", name_status="named", photo=upload(photo))
    fill_leaving(full_disk, (stored_size(photo) // 4096 + 2) * 4096)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any("The server's disk is full" in error for error in disk_full_errors(response))
    assert not Person.objects.filter(name="New Person").exists()
    assert files_under(full_disk) == []


@pytest.mark.django_db
def test_with_room_on_the_disk_the_same_upload_is_saved(editor_client, full_disk):
    """The control: the same form and photo save when the disk has room."""
    person = Person.objects.create(name="Dana Example", summary="Summary before.")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(summary="Summary after.", photo=upload(noisy_jpeg()))

    response = editor_client.post(url, data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.summary == "Summary after."
    assert person.photo and (full_disk / person.photo.name).is_file()
