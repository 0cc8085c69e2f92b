"""Time the public pages as the site runs in production, against a bare Django view.

    make benchmark BENCHMARK_ARGS=--demo        # the demo story only (about 30 records)
    make benchmark                              # 100,000 people, 20,000 cases, 2,000 stories
    DATABASE_URL=postgres://... make benchmark BENCHMARK_ARGS=--demo

With debug off (static files collected into a temporary folder first), on SQLite unless
DATABASE_URL is set, it loads the demo (--demo) or builds PEOPLE people and CASES cases with
defendants, sentence parts, memberships and stories, then measures every page of pages():

- served: gunicorn (2 sync workers on 127.0.0.1, a free port) with the benchmark's settings
  (benchmarks/settings.py: the site plus a bare "hello" view), under load for --seconds per page
  from wrk if it is installed, else from Python threads; requests per second with the page cache
  off and with it on, each as a ratio to hello's requests per second (hello is measured at the
  start, every --hello-every pages and at the end; each ratio is to the hello measured around
  its page, as the machine's load drifts);
- in-process, with Django's test client and the page cache off: the median time of --repeat
  requests, the SQL queries and the peak memory Python allocated for one request.

It prints a Markdown table with each page's figures flagged against the targets of issue 9.
Figures, not pass/fail: the machine's load average is printed at the start and at the end.
"""

import argparse
import contextlib
import http.client
import io
import logging
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks import (  # noqa: E402  (the project folder is on the path now)
    HELLO_PATH,
    LEAST_DETAIL_PAGE_PATH,
    LEAST_DETAIL_PAGE_QUERIES,
    TEMPLATE_PAGE_PATH,
)

SETTINGS_MODULE = "benchmarks.settings"
# A database this large is measured against the full-size targets.
FULL_SIZE_PEOPLE = 100_000
SERVER_WORKERS = 2
SERVER_START_SECONDS = 60


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--demo", action="store_true", help="only the demo story (load_demo), no generated rows"
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7, help="in-process requests per page")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose label contains this (several: separate with |)",
    )
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="load on each page, per server (wrk: whole s)"
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent connections of the load"
    )
    parser.add_argument(
        "--hello-every",
        type=int,
        default=8,
        help="measure hello again after this many pages (the machine's load drifts)",
    )
    parser.add_argument(
        "--load-tool",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto: wrk if it is on the PATH, else Python threads",
    )
    parser.add_argument(
        "--in-process-only", action="store_true", help="no gunicorn: only the in-process columns"
    )
    parser.add_argument(
        "--page-cache",
        action="store_true",
        help="the in-process columns with the page cache on (off by default: they measure the "
        "pages as rendered; the served columns measure both)",
    )
    parser.add_argument(
        "--keep-database",
        help="a SQLite file to build once and reuse (e.g. to compare two versions of the code)",
    )
    return parser.parse_args(argv)


def setup_django(workdir, keep_database=None, page_cache=False):
    """Django as in production (debug off) on the benchmark's settings, with the static files
    collected into workdir (pages name the hashed files, which needs their manifest)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DJANGO_DEBUG"] = "0"
    # Production refuses to start without these; plain HTTP on the loopback address.
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_STATIC_ROOT"] = str(Path(workdir) / "static")
    os.environ["DJANGO_PAGE_CACHE"] = "1" if page_cache else "0"
    if not os.environ.get("DATABASE_URL"):
        database = Path(keep_database).resolve() if keep_database else workdir / "benchmark.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    progress(f"static files collected in {time.perf_counter() - started:.0f} s")


def progress(message):
    """What the run is doing, on stderr: stdout is the report."""
    print(message, file=sys.stderr, flush=True)


def build_data(args):
    from django.core.management import call_command
    from django.db import connection

    from people.models import Person

    if connection.vendor == "postgresql":
        # Building the data is not a reader's request: no statement timeout for it.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    call_command("migrate", verbosity=0)
    if args.demo:
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
    elif Person.objects.count() < args.people:
        create_rows(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum keeps a live database: planner statistics, and the visibility map
            # that lets an index-only scan skip the table (tables a migration has just
            # rewritten have none: "Kairat" took 66-75 ms in process, 57-62 once vacuumed).
            cursor.execute("VACUUM ANALYZE")
            # The pages are timed with the site's timeout (DJANGO_DB_STATEMENT_TIMEOUT_MS).
            cursor.execute("RESET statement_timeout")


def create_rows(args):
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Charge, Defendant, DefendantCharge, SentencePart
    from newsroom.models import Article
    from people.models import Membership, Organization, Person
    from people.names import normalise_name

    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    rng = random.Random(2024)
    now = timezone.now()
    batch = 5_000
    started = time.perf_counter()
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            Organization(
                name=f"Movement {i}",
                slug=f"movement-{i}",
                kind=rng.choice(["party", "movement", "ngo", "media"]),
                country=rng.choice(["KZ", "RU", "BY", "CN", "AZ"]),
                is_public=True,
                search_name=f"movement {i}",
            )
            for i in range(args.organizations)
        )
        stories = Article.objects.bulk_create(
            Article(
                headline=f"Report number {i}",
                slug=f"report-number-{i}",
                standfirst="A court sentenced activists.",
                body="Paragraph one.\n\nParagraph two.",
                status="published",
                publish_at=now - timezone.timedelta(hours=i),
            )
            for i in range(args.stories)
        )
        first_names = ["Aigul", "Bolat", "Dana", "Erlan", "Gulnara", "Nurlan", "Saule", "Timur"]
        last_names = ["Abenov", "Bekova", "Dzhaksybekov", "Ermekova", "Kairatov", "Serikova"]
        people = []
        for i in range(args.people):
            named = rng.random() > 0.1
            name = f"{rng.choice(first_names)} {rng.choice(last_names)} {i}" if named else ""
            people.append(
                Person(
                    name=name,
                    name_status="named" if named else "not_reported",
                    slug=f"person-{i:010x}" if not named else f"p-{i}",
                    country=rng.choice(["KZ", "RU", "BY", "CN", "AZ"]),
                    is_public=True,
                    search_name=normalise_name(name),
                )
            )
        people = Person.objects.bulk_create(people, batch_size=batch)
        Membership.objects.bulk_create(
            (
                Membership(person=person, organization=rng.choice(organizations), role="member")
                for person in people
            ),
            batch_size=batch,
        )
        charge = Charge.objects.create(country="KZ", description="Benchmark charge")
        cases = Case.objects.bulk_create(
            (
                Case(
                    title=f"Trial {i}",
                    slug=f"trial-{i}",
                    city="Almaty",
                    country=rng.choice(["KZ", "RU", "BY", "CN", "AZ"]),
                    status=rng.choice(["trial", "sentenced", "appeal", "closed"]),
                    verdict_date=rng.randint(2010, 2026) * 10000 + rng.randint(1, 12) * 100,
                    is_published=True,
                )
                for i in range(args.cases)
            ),
            batch_size=batch,
        )
        Case.organizations.through.objects.bulk_create(
            (
                Case.organizations.through(case=case, organization=rng.choice(organizations))
                for case in cases
            ),
            batch_size=batch,
        )
        Case.stories.through.objects.bulk_create(
            (Case.stories.through(case=case, article=rng.choice(stories)) for case in cases),
            batch_size=batch,
        )
        Person.stories.through.objects.bulk_create(
            (
                Person.stories.through(person=person, article=rng.choice(stories))
                for person in people[::5]
            ),
            batch_size=batch,
        )
        per_case = max(1, args.people // args.cases)
        defendants = Defendant.objects.bulk_create(
            (
                Defendant(
                    case=cases[i // per_case % len(cases)],
                    person=person,
                    position=i % per_case,
                    verdict="convicted",
                )
                for i, person in enumerate(people)
            ),
            batch_size=batch,
            ignore_conflicts=False,
        )
        DefendantCharge.objects.bulk_create(
            (DefendantCharge(defendant=d, charge=charge) for d in defendants), batch_size=batch
        )
        kinds = ["prison", "restricted_freedom", "fine", "suspended", "house_arrest"]
        parts = []
        for defendant in defendants:
            kind = rng.choice(kinds)
            low = rng.choice([6, 12, 24, 36, 60, 84, 120])
            parts.append(
                SentencePart(
                    defendant=defendant,
                    kind=kind,
                    term_min_months=None if kind == "fine" else low,
                    term_max_months=None if kind == "fine" else low + rng.choice([0, 0, 12]),
                    fine_amount=1000 if kind == "fine" else None,
                    fine_currency="KZT" if kind == "fine" else "",
                )
            )
        SentencePart.objects.bulk_create(parts, batch_size=batch)
        # bulk_create sends no signal: work out the stored release windows (issue 11) in bulk.
        Defendant.objects.refresh_release_bounds(batch_size=batch)
    print(
        f"built {args.people:,} people and {args.cases:,} cases "
        f"in {time.perf_counter() - started:.0f} s"
    )


def pages():
    from django.db.models import Count

    from cases.models import Case
    from newsroom.models import Article
    from people.models import Organization, Person

    # The public organization with most members (about 200 at full size; at demo size one of
    # the demo's): its page lists members and cases and draws its figures.
    big_organization = (
        Organization.objects.public()
        .annotate(member_count=Count("memberships"))
        .order_by("-member_count", "pk")
        .first()
    )
    yield "plain template page, 20-item loop (no database)", TEMPLATE_PAGE_PATH
    yield (
        f"least detail page: {LEAST_DETAIL_PAGE_QUERIES} small ORM queries, the site's frame",
        LEAST_DETAIL_PAGE_PATH,
    )
    yield "home", "/"
    yield "story list", "/stories/"
    yield "story list, page 50", "/stories/?page=50"
    yield "story (demo)", Article.objects.get(slug__startswith="almaty").get_absolute_url()
    yield "people list", "/people/"
    yield "people list, imprisoned", "/people/?status=imprisoned"
    yield "people list, q", "/people/?q=kairatov"
    yield (
        "person",
        Person.objects.filter(name_status="named").order_by("-pk").first().get_absolute_url(),
    )
    yield "organization list", "/organizations/"
    yield "organization (most members)", big_organization.get_absolute_url()
    yield "case list", "/cases/"
    yield (
        "case list, organization+prison",
        f"/cases/?organization={big_organization.slug}&sentence=prison",
    )
    yield "case list, 4-6 years, 2020", "/cases/?min_years=4&max_years=6&year=2020"
    yield "case list, page 100", "/cases/?page=100"
    yield "case", Case.objects.order_by("-pk").first().get_absolute_url()
    yield "search", "/search/?q=Kairat"
    yield "search, cyrillic", "/search/?q=Кайратов"
    # Issue 9: names with one letter wrong, added or dropped, and a word in another form.
    yield "search, fuzzy Losick", "/search/?q=Losick"
    yield "search, fuzzy Begimbetof", "/search/?q=Begimbetof"
    yield "search, fuzzy Kairatof", "/search/?q=Kairatof"
    yield "search, stem sentences", "/search/?q=sentences"
    yield "people list, q Losick", "/people/?q=Losick"
    yield "case list, q Begimbetof", "/cases/?q=Begimbetof"
    # Free text of many words (issue 8: 16 words once took 146 s): capped, no join per word.
    for words in (16, 64, 200):
        query = "+".join(["a"] * words)
        for label, path in [("people list", "/people/"), ("case list", "/cases/")]:
            yield f"{label}, q of {words} words", f"{path}?q={query}"
        yield f"search, {words} words", f"/search/?q={query}"
    yield "statistics", "/statistics/"
    yield "statistics, organization", f"/statistics/?organization={big_organization.slug}"
    yield "statistics, 2020 prison", "/statistics/?year=2020&sentence=prison"
    yield "statistics CSV, sentences", "/statistics/sentences.csv"
    yield "feed", "/feeds/stories/"
    yield "sitemap", "/sitemap.xml"


# --- Targets (issue 9) -----------------------------------------------------------------------

DETAIL_VIEWS = {
    "newsroom:article_detail",
    "people:detail",
    "organizations:detail",
    "cases:detail",
    # Flagged against the detail pages' target, which it shows the reach of.
    "benchmark-least-detail-page",
}
FILTERED_LIST_VIEWS = {"people:list", "cases:list"}
SEARCH_VIEWS = {"newsroom:search"}
CACHED_RATIO_TARGET = 0.5
SEARCH_MS_TARGET = 50


def uncached_ratio_target(url, full_size):
    """The least ratio to hello a page must reach uncached, or None when issue 9 sets none."""
    from django.urls import Resolver404, resolve

    try:
        view_name = resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None
    if view_name in DETAIL_VIEWS:
        return 0.06 if full_size else 0.10
    if view_name in FILTERED_LIST_VIEWS:
        return 0.02 if full_size else 0.04
    return None


def is_search(url):
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(url).path).view_name in SEARCH_VIEWS
    except Resolver404:
        return False


@dataclass
class Row:
    label: str
    url: str
    status: int | None = None
    median_ms: float | None = None
    queries: int | None = None
    peak_mib: float | None = None
    served: dict = field(default_factory=dict)  # "uncached"/"cached": Load
    # Hello's requests per second around this page's measurement: the machine's load drifts.
    hello: float | None = None
    cache_answer: str = ""  # X-Page-Cache of a repeated request to the cached server

    def measured(self):
        return self.status == 200


@dataclass
class Load:
    per_second: float
    requests: int
    failed: int  # answers other than 2xx/3xx, and socket errors or timeouts

    def ratio(self, hello):
        return self.per_second / hello if hello else None


def ratio(row, server_name):
    load = row.served.get(server_name)
    return load.ratio(row.hello) if load else None


# --- In-process ------------------------------------------------------------------------------


def measure_in_process(rows, args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for number, row in enumerate(rows, 1):
        progress(f"in-process {number}/{len(rows)}: {row.label}")
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(row.url)
            timings.append((time.perf_counter() - started) * 1000)
        row.status = response.status_code
        with CaptureQueriesContext(connection) as queries:
            tracemalloc.start()
            client.get(row.url)
            row.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        row.median_ms = statistics.median(timings)
        row.queries = len(queries)


# --- Served by gunicorn ----------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(base, url, timeout=30):
    """(status, headers) of one GET."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


class Server:
    """gunicorn serving the benchmark's settings, in a process group of its own."""

    def __init__(self, workdir, page_cache):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.name = "cached" if page_cache else "uncached"
        self.log_path = Path(workdir) / f"gunicorn-{self.name}.log"
        # Where each worker leaves a file once it has loaded the site (gunicorn_config.py).
        self.ready_folder = Path(workdir) / f"gunicorn-{self.name}-ready"
        self.ready_folder.mkdir()
        self.env = dict(
            os.environ,
            DJANGO_PAGE_CACHE="1" if page_cache else "0",
            BENCHMARK_READY_FOLDER=str(self.ready_folder),
        )
        self.process = None

    def start(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "--config",
            str(PROJECT / "benchmarks" / "gunicorn_config.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(SERVER_WORKERS),
            "--worker-class",
            "sync",
            "--chdir",
            str(PROJECT),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_text(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_until_ready(self):
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log_text()}")
            if len(list(self.ready_folder.iterdir())) >= SERVER_WORKERS:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if fetch(self.base, HELLO_PATH, 5)[0] == 200:
                        for _ in range(20):  # the first requests of each worker, unmeasured
                            fetch(self.base, HELLO_PATH, 5)
                        return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {SERVER_START_SECONDS} s")

    def worker_peak_rss_mib(self):
        """The most memory each worker has held (VmHWM), read from /proc (Linux)."""
        peaks = []
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                text = status.read_text()
                parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
                peak = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
                if parent and peak and int(parent.group(1)) == self.process.pid:
                    peaks.append(int(peak.group(1)) / 1024)
        return sorted(peaks)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def signal(self, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


def stop_servers(servers):
    """Quick shutdown (SIGINT) of every server at once; killed if one has not stopped in 15 s."""
    running = [server for server in servers if server.running()]
    for server in running:
        server.signal(signal.SIGINT)
    deadline = time.monotonic() + 15
    for server in running:
        try:
            server.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            server.signal(signal.SIGKILL)
            server.process.wait()


def wrk_load(url, seconds, connections):
    # One thread is plenty for a few thousand requests a second, and leaves the cores to
    # gunicorn. wrk takes whole seconds.
    duration = max(1, round(seconds))
    timeout = 10
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s", url],
        capture_output=True,
        text=True,
        timeout=duration + timeout + 30,
        check=True,
    )
    per_second = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    requests = re.search(r"(\d+) requests in", result.stdout)
    if not per_second or not requests:
        raise RuntimeError(f"cannot read wrk's output:\n{result.stdout}{result.stderr}")
    failed = sum(
        int(number)
        for number in re.findall(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", result.stdout)
    )
    return Load(float(per_second.group(1)), int(requests.group(1)), failed)


def python_load(url, seconds, connections):
    """A bounded load from threads, each on a kept-alive connection when the server keeps it
    (gunicorn's sync workers close each one: then it connects again)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = {"requests": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    stop = threading.Event()  # set early if the run is interrupted

    def client():
        requests = failed = 0
        connection = None
        while time.monotonic() < deadline and not stop.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                requests += 1
                failed += not 200 <= response.status < 400
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                failed += 1
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()
        with lock:
            counts["requests"] += requests
            counts["failed"] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    elapsed = time.monotonic() - started
    return Load(counts["requests"] / elapsed, counts["requests"], counts["failed"])


def load_tool(choice):
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--load-tool wrk: wrk is not on the PATH")
    return choice


def apply_load(tool, base, url, args):
    full_url = base + as_uri(url)
    if tool == "wrk":
        load = wrk_load(full_url, args.seconds, args.connections)
    else:
        load = python_load(full_url, args.seconds, args.connections)
    wait_until_idle(base)
    return load


def wait_until_idle(base):
    """Wait for the requests the load left queued (wrk stops with a request in flight on every
    connection: seconds of work for a slow page) so that they do not slow the next measurement.
    Each worker takes the next queued request, so hello answers once the queue is empty."""
    for _ in range(SERVER_WORKERS):
        fetch(base, HELLO_PATH, timeout=120)


def measure_served(rows, args, workdir, tool, report):
    """Requests per second of every page, uncached then cached one after the other, and of
    hello at the start, every --hello-every pages and at the end; each page's ratios are to the
    mean of the hello measured just before and just after it. Returns hello's figures."""
    from django.db import connections

    connections.close_all()  # the servers are the database's only users meanwhile
    measured = [row for row in rows if row.measured()]
    hellos = []
    with contextlib.ExitStack() as running:
        # Both start at once (each worker loads the site: seconds on a busy machine); the one
        # not measured meanwhile is idle.
        servers = [Server(workdir, page_cache=False), Server(workdir, page_cache=True)]
        running.callback(stop_servers, servers)
        for server in servers:
            server.start()
        for server in servers:
            server.wait_until_ready()
            progress(f"gunicorn {server.name} on {server.base}")
        uncached, cached = servers

        def measure_hello(when):
            progress(f"served: hello ({when})")
            # The hello view is never cached: either server would do.
            hellos.append(apply_load(tool, uncached.base, HELLO_PATH, args))

        measure_hello("start")
        since_hello = []
        for number, row in enumerate(measured, 1):
            for server in servers:
                progress(f"served {server.name} {number}/{len(measured)}: {row.label}")
                # Warm: compiled templates, and with the cache on each worker's copy of the page.
                for _ in range(SERVER_WORKERS * 2):
                    fetch(server.base, as_uri(row.url))
                row.served[server.name] = apply_load(tool, server.base, row.url, args)
                if server is cached:
                    # Every worker has had the page by now: each answer should come from its cache.
                    answers = {
                        fetch(server.base, as_uri(row.url))[1].get("X-Page-Cache", "none")
                        for _ in range(SERVER_WORKERS * 2)
                    }
                    row.cache_answer = "/".join(sorted(answers))
            since_hello.append(row)
            if len(since_hello) == args.hello_every or number == len(measured):
                measure_hello("end" if number == len(measured) else f"after {number} pages")
                for done in since_hello:
                    done.hello = hello_reference(hellos[-2:])
                since_hello = []
        if not measured:
            measure_hello("end")
        for server in servers:
            peaks = server.worker_peak_rss_mib()
            report.append(
                f"gunicorn on {server.base}, page cache {'on' if server is cached else 'off'}: "
                "workers' peak RSS " + ", ".join(f"{peak:.0f} MiB" for peak in peaks)
            )
    return hellos


def hello_reference(around):
    """The mean of the hello measured before and after a page, leaving out one that failed."""
    figures = [
        hello.per_second
        for hello in around
        if hello.per_second and hello.failed <= hello.requests / 10
    ]
    return statistics.mean(figures) if figures else None


def as_uri(url):
    """The URL as sent on the wire (the test client takes "?q=Кайратов" as it is)."""
    from django.utils.encoding import iri_to_uri

    return iri_to_uri(url)


# --- The report ------------------------------------------------------------------------------

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


def number(value, digits):
    return "—" if value is None else f"{value:,.{digits}f}"


def ratio_text(value):
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def target_flags(row, full_size, vendor):
    flags = []
    if not row.measured():
        return f"not measured (status {row.status})"
    cached = row.served.get("cached")
    least = uncached_ratio_target(row.url, full_size)
    if least is not None:
        flags.append(flag("uncached", least, ratio(row, "uncached")))
    flags.append(flag("cached", CACHED_RATIO_TARGET, ratio(row, "cached")))
    if cached and row.cache_answer != "hit":
        flags.append(f"cache answered {row.cache_answer!r}, not 'hit'")
    failed = sum(load.failed for load in row.served.values())
    if failed:
        flags.append(f"{failed} failed requests")
    if is_search(row.url) and full_size and vendor == "postgresql":
        ok = row.median_ms < SEARCH_MS_TARGET
        flags.append(f"< {SEARCH_MS_TARGET} ms {'ok' if ok else 'MISS'}")
    return "; ".join(flags)


def flag(name, least, value):
    if value is None:
        return f"{name} ≥ {least:g} not measured"
    return f"{name} ≥ {least:g} {'ok' if value >= least else 'MISS'}"


def table(rows, full_size, vendor):
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        uncached = row.served.get("uncached")
        cached = row.served.get("cached")
        cells = [
            row.label,
            str(row.status),
            number(uncached and uncached.per_second, 0),
            ratio_text(ratio(row, "uncached")),
            number(cached and cached.per_second, 0),
            ratio_text(ratio(row, "cached")),
            number(row.median_ms, 1),
            number(row.queries, 0),
            number(row.peak_mib, 1),
            target_flags(row, full_size, vendor),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def run(args, workdir):
    from django.conf import settings
    from django.db import connection

    from cases.models import Case
    from newsroom.models import Article
    from people.models import Person

    report = [f"load average at the start: {load_average()}"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 404 in the table is enough
    build_data(args)
    people, cases, stories = (
        Person.objects.count(),
        Case.objects.count(),
        Article.objects.count(),
    )
    full_size = people >= FULL_SIZE_PEOPLE
    size = "demo" if args.demo else "full" if full_size else "generated"
    report.append(
        f"database: {connection.vendor}; size: {size} ({people:,} people, {cases:,} cases, "
        f"{stories:,} stories); targets: {'full size' if full_size else 'demo size'}"
    )
    report.append(
        f"settings: DEBUG {settings.DEBUG}, cache {settings.CACHES['default']['BACKEND']}, "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    wanted = [part for part in args.only.split("|") if part]
    rows = [
        Row(label, url)
        for label, url in pages()
        if not wanted or any(part in label for part in wanted)
    ]
    hello_row = Row("hello", HELLO_PATH)
    measure_in_process([hello_row, *rows], args)
    report.append(
        f"in-process: page cache {'on' if args.page_cache else 'off'}, median of {args.repeat}; "
        f"hello {hello_row.median_ms:.1f} ms"
    )
    if not args.in_process_only:
        tool = load_tool(args.load_tool)
        seconds = max(1, round(args.seconds)) if tool == "wrk" else args.seconds
        report.append(
            f"served: gunicorn, {SERVER_WORKERS} sync workers; load from {tool}, "
            f"{args.connections} connections, {seconds:g} s per page and server"
        )
        hellos = measure_served(rows, args, workdir, tool, report)
        figures = [hello.per_second for hello in hellos]
        failed = sum(hello.failed for hello in hellos)
        if failed:
            report.append(f"hello: {failed} failed requests (such measurements are left out)")
        report.append(
            f"hello: {figures[0]:,.0f} req/s at the start, {figures[-1]:,.0f} req/s at the end; "
            f"measured {len(figures)} times (every {args.hello_every} pages): "
            f"min {min(figures):,.0f}, median {statistics.median(figures):,.0f}, "
            f"max {max(figures):,.0f}; each ratio is to the mean of the hello measured just "
            "before and just after its page"
        )
    report.append(f"load average at the end: {load_average()}")
    print("\n".join(report))
    print()
    print(table(rows, full_size, connection.vendor))


def run_with_data(args, measure_pages):
    """For the other benchmarks: Django on a temporary database holding the demo (args.demo)
    or the generated data (build_data), then measure_pages(args)."""
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        print(f"database: {connection.vendor}")
        build_data(args)
        measure_pages(args)


def stop_on_signal(signum, frame):
    # Unwinds like Ctrl-C, so the servers are stopped and the temporary folder removed.
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.keep_database, args.page_cache)
        run(args, Path(workdir))
    progress(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
