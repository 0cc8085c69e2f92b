"""The china-cppc list (926 rows, a copy in tests/data/china-cppc) imports with the shipped
mapping: exact counts, dates at their precision, the Sentence column kept as what it is (an end
date or a word, never a length), and a second run creates nothing. Time is
printed (pytest -s)."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

from cases.models import Case, Defendant, SentencePart
from newsroom.imports.models import ImportedRecord
from newsroom.models import Source
from newsroom.partial_dates import PartialDate
from people.models import Person

# A copy of the list, kept as a test fixture only (see SOURCE.md beside it).
DATASET = Path(__file__).parent / "data/china-cppc/chinese-political-prisoners.csv"
MAPPING = Path(settings.BASE_DIR) / "newsroom/imports/mappings/china-cppc.json"

pytestmark = [
    pytest.mark.django_db,
]

# Rows with a birth date that does not exist or cannot be read (1954-02-29, 1952-08021, 19812),
# and the second row of each of two names with different birth dates (possible duplicates).
ERROR_ROWS = [6, 331, 651]
DUPLICATE_ROWS = [150, 449]


def run(*options):
    out = io.StringIO()
    call_command("import_records", str(DATASET), "--mapping", str(MAPPING), *options, stdout=out)
    return out.getvalue()


def precisions(values):
    counts = {}
    for value in values:
        key = value.precision if value else None
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_the_list_refuses_to_import_while_its_bad_dates_are_not_skipped():
    with pytest.raises(CommandError) as error:
        run()
    for row in ERROR_ROWS:
        assert f"Row {row}:" in str(error.value)
    assert "February 1954 has no day 29" in str(error.value)
    assert not Person.objects.exists()


def test_the_926_rows_import_with_exact_counts_and_a_second_run_creates_nothing(capsys):
    started, cpu_started = time.perf_counter(), time.process_time()
    output = run("--skip-errors")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    assert "chinese-political-prisoners.csv: 921 created, 0 updated, 5 skipped." in output
    assert Person.objects.count() == 921
    assert Case.objects.count() == Defendant.objects.count() == 921
    assert ImportedRecord.objects.count() == 921
    assert Source.objects.count() == 921
    assert not Person.objects.filter(is_public=True).exists()
    assert not Case.objects.filter(is_published=True).exists()
    skipped = set(ImportedRecord.objects.values_list("row_number", flat=True))
    assert skipped.isdisjoint(ERROR_ROWS + DUPLICATE_ROWS)

    liu = Person.objects.get(name="刘晓波")
    assert liu.birth_date == PartialDate(1955, 12, 28)
    liu_defendant = Defendant.objects.get(person=liu)
    assert liu_defendant.release_date == PartialDate(2019, 12, 7)
    assert liu_defendant.case.city == "长春" and str(liu_defendant.case.country) == "CN"
    assert "Date of Death: 2017-07-13" in liu_defendant.notes
    assert "Sentence ends: 2019-12-07" in liu_defendant.notes
    assert precisions(Person.objects.values_list("birth_date", flat=True)) == {
        "day": 430,
        "month": 28,
        "year": 244,
        None: 219,
    }
    assert precisions(Defendant.objects.values_list("release_date", flat=True)) == {
        "day": 620,
        "month": 124,
        "year": 32,
        None: 145,
    }
    verdicts = dict(Defendant.objects.values_list("verdict").annotate(n=Count("pk")))
    assert verdicts == {"convicted": 805, "pending": 94, "unknown": 22}
    assert SentencePart.objects.filter(kind="prison", conditions="life sentence").count() == 26
    assert SentencePart.objects.filter(kind="other", conditions="death sentence").count() == 3
    assert SentencePart.objects.count() == 29  # an end date is not a term: no part invented
    assert Defendant.objects.filter(notes__contains="Date of Death:").count() == 20
    assert Defendant.objects.filter(notes__contains="Other sources: https://").count() == 4

    started_again = time.perf_counter()
    output = run("--skip-errors")
    seconds_again = time.perf_counter() - started_again
    assert "921 created" not in output
    assert "chinese-political-prisoners.csv: 0 created, 0 updated, 926 skipped." in output
    assert Person.objects.count() == 921
    with capsys.disabled():
        print(
            f"\nchina-cppc import: 926 rows, 921 created in {seconds:.1f} s wall clock, "
            f"{cpu_seconds:.1f} s CPU of this process; "
            f"second run {seconds_again:.1f} s, 0 created, 0 updated"
        )


def test_the_possible_duplicates_are_created_when_the_editor_says_so(tmp_path):
    # The list's first 150 rows (lines 2-151) hold the first possible duplicate (陈卫, line
    # 150) and one bad birth date (line 6): the whole list again took minutes on a loaded CI.
    lines = DATASET.read_text(encoding="utf-8").splitlines(keepends=True)
    head = tmp_path / "first-150.csv"
    head.write_text("".join(lines[:151]), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_records",
        str(head),
        "--mapping",
        str(MAPPING),
        "--skip-errors",
        "--create-duplicates",
        stdout=out,
    )
    assert "149 created, 0 updated, 1 skipped" in out.getvalue()
    assert Person.objects.filter(name="陈卫").count() == 2
