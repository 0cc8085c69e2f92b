"""Build a newsroom-sized database and time the public pages against it.

    make benchmark                      # SQLite file in a temporary folder
    DATABASE_URL=postgres://... make benchmark

It creates PEOPLE people and CASES cases (defaults 100,000 and 20,000, as in the product brief)
with defendants, sentence parts, memberships and stories, then requests each public page type
REPEAT times and prints, per page: status, SQL queries, median and slowest time, and the peak
memory Python allocated while rendering. Figures, not pass/fail: these machines are shared.
"""

import argparse
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", default="", help="measure only the pages whose label has this")
    parser.add_argument(
        "--page-cache",
        action="store_true",
        help="serve repeated requests from the page cache (off by default: this measures the "
        "pages as rendered)",
    )
    parser.add_argument(
        "--keep-database",
        help="a SQLite file to build once and reuse (e.g. to compare two versions of the code)",
    )
    return parser.parse_args()


def setup_django(workdir, keep_database=None, page_cache=False):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["DJANGO_PAGE_CACHE"] = "1" if page_cache else "0"
    if not os.environ.get("DATABASE_URL"):
        database = Path(keep_database).resolve() if keep_database else workdir / "benchmark.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_DEBUG"] = "1"  # local hosts allowed; the page code is the same
    import django

    django.setup()


def build_data(args):
    from django.core.management import call_command
    from django.db import connection

    from people.models import Person

    if connection.vendor == "postgresql":
        # Building the data is not a reader's request: no statement timeout for it.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    call_command("migrate", verbosity=0)
    if Person.objects.count() < args.people:
        create_rows(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Planner statistics, as autovacuum would have gathered on a live database.
            cursor.execute("ANALYZE")
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
    from cases.models import Case
    from newsroom.models import Article
    from people.models import Organization, Person

    big_organization = (
        Organization.objects.exclude(slug="democratic-choice-of-kazakhstan").order_by("pk").first()
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
    yield "organization (200 members)", big_organization.get_absolute_url()
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


def measure(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A 404 in the table is enough; no log line per request.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    client = Client()
    print(
        f"{'page':34} {'status':>6} {'queries':>7} {'median ms':>9} {'max ms':>7} {'peak MiB':>8}"
    )
    for label, url in pages():
        if args.only not in label:
            continue
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            tracemalloc.start()
            client.get(url)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        print(
            f"{label:34} {response.status_code:>6} {len(queries):>7} "
            f"{statistics.median(timings):>9.1f} {max(timings):>7.1f} {peak:>8.1f}"
        )
    import resource

    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def run_with_data(args, measure_pages):
    """For the other benchmarks: Django on a temporary database holding the demo (args.demo)
    or the generated data (build_data), then measure_pages(args)."""
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        print(f"database: {connection.vendor}")
        if args.demo:
            call_command("migrate", verbosity=0)
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
        else:
            build_data(args)
        measure_pages(args)


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.keep_database, args.page_cache)
        from django.db import connection

        print(f"database: {connection.vendor}")
        build_data(args)
        measure(args)


if __name__ == "__main__":
    main()
