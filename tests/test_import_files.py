"""manage.py import_records reads CSV, XLSX and JSON files (written here) into people, cases,
defendants, sentence parts and charges; a second run changes nothing; one bad row imports
nothing; bad files get a clear message and import nothing."""

import csv
import io
import json
from decimal import Decimal

import pytest
import reversion
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook
from reversion.models import Revision

from cases.models import Case, Charge, Defendant, SentencePart
from newsroom.imports.applying import ANALYZE_AFTER_ROWS
from newsroom.imports.models import ImportedRecord
from newsroom.partial_dates import PartialDate
from people.models import Membership, Person
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "Native name",
    "Born",
    "Organization",
    "Arrested",
    "Verdict",
    "City",
    "Country",
    "Sentence",
    "Penalty kind",
    "Source",
    "articles/0",
    "articles/1",
    "Gender",
]
MAPPING = {
    "columns": {
        "name": "Name",
        "native_name": "Native name",
        "birth_date": "Born",
        "organization": "Organization",
        "arrest_date": "Arrested",
        "verdict_date": "Verdict",
        "city": "City",
        "country": "Country",
        "sentence": "Sentence",
        "penalty_kind": "Penalty kind",
        "source_url": "Source",
        "charges": ["articles"],
        "gender": "Gender",
    },
    "country": "KZ",
}
CHARGE_EN = "Part 2 of Art. 285 of the Criminal Code — Participation in a criminal organization"
CHARGE_RU = "ч. 2 ст. 174 УК РК"

# One row per sentence example of the issue; the date examples spread over the rows.
# (name, born, arrested, verdict, sentence, penalty kind, charges, expected parts)
ROWS = [
    (
        "Abai Begimbetov",
        "1980",
        "2018",
        "2018-03",
        "6 years",
        "imprisonment in a medium-security penal colony",
        [CHARGE_EN, CHARGE_RU],
        [("prison", 72, 72, None, None, "", "medium")],
    ),
    (
        "Dana Zhaksybek",
        "1981-05",
        "2018-03-14",
        "14.03.2018",
        "3 years 6 months",
        "imprisonment",
        [CHARGE_RU],
        [("prison", 42, 42, None, None, "", "")],
    ),
    (
        "Erlan Nurpeis",
        "1975-02-03",
        "4.7.2021",
        "22 November 2013",
        "4.5 years",
        "imprisonment",
        [],
        [("prison", 54, 54, None, None, "", "")],
    ),
    (
        "Gulnar Ospan",
        "",
        "март 2018",
        "14 марта 2018",
        "1-2 years",
        "restricted freedom",
        [],
        [("restricted_freedom", 12, 24, None, None, "", "")],
    ),
    (
        "Ivan Petrov",
        "",
        "",
        "",
        "19 months",
        "imprisonment",
        [],
        [("prison", 19, 19, None, None, "", "")],
    ),
    (
        "Marat Seitkali",
        "",
        "",
        "",
        "restricted freedom for 2 years",
        "",
        [],
        [("restricted_freedom", 24, 24, None, None, "", "")],
    ),
    (
        "Nurlan Omarov",
        "",
        "",
        "",
        "2 years of restricted freedom and 100 hours of compulsory labour a year",
        "",
        [],
        [
            ("restricted_freedom", 24, 24, None, None, "", ""),
            ("compulsory_labour", None, None, 100, None, "", ""),
        ],
    ),
    (
        "Olga Sidorova",
        "",
        "",
        "",
        "a fine of 50 base units",
        "",
        [],
        [("fine", None, None, None, Decimal(50), "base_unit", "")],
    ),
    (
        "Pavel Ivanov",
        "",
        "",
        "",
        "5 лет лишения свободы",
        "",
        [],
        [("prison", 60, 60, None, None, "", "")],
    ),
    (
        "Ruslan Akhmetov",
        "",
        "",
        "",
        "ограничение свободы на 2 года",
        "",
        [],
        [("restricted_freedom", 24, 24, None, None, "", "")],
    ),
    (
        "Saule Tulegen",
        "",
        "",
        "",
        "3 года колонии общего режима",
        "",
        [],
        [("prison", 36, 36, None, None, "", "general")],
    ),
    (
        "Timur Kassymov",
        "",
        "",
        "",
        "штраф 100 МРП",
        "",
        [],
        [("fine", None, None, None, Decimal(100), "mrp", "")],
    ),
]
DATES = {
    "Abai Begimbetov": (PartialDate(1980), PartialDate(2018), PartialDate(2018, 3)),
    "Dana Zhaksybek": (PartialDate(1981, 5), PartialDate(2018, 3, 14), PartialDate(2018, 3, 14)),
    "Erlan Nurpeis": (PartialDate(1975, 2, 3), PartialDate(2021, 7, 4), PartialDate(2013, 11, 22)),
    "Gulnar Ospan": (None, PartialDate(2018, 3), PartialDate(2018, 3, 14)),
}


def records(rows=ROWS):
    out = []
    for number, (name, born, arrested, verdict, sentence, kind, charges, _parts) in enumerate(rows):
        out.append(
            {
                "Name": name,
                "Native name": "",
                "Born": born,
                "Organization": "Democratic Choice of Kazakhstan" if number % 2 == 0 else "",
                "Arrested": arrested,
                "Verdict": verdict,
                "City": "Almaty",
                "Country": "KZ",
                "Sentence": sentence,
                "Penalty kind": kind,
                "Source": f"https://example.org/prisoners/{number}",
                "articles/0": charges[0] if charges else "",
                "articles/1": charges[1] if len(charges) > 1 else "",
                "Gender": "female" if name.endswith("a") else "male",
            }
        )
    return out


def write_csv(path, items, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as file:
        writer = csv.DictWriter(file, HEADER)
        writer.writeheader()
        writer.writerows(items)
    return path


def write_xlsx(path, items):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for item in items:
        sheet.append([item[column] for column in HEADER])
    workbook.save(path)
    return path


def write_json(path, items):
    # A partner's dump: flat objects, empty keys left out, list items as "articles/0".
    flat = [{key: value for key, value in item.items() if value} for item in items]
    path.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}


@pytest.fixture
def mapping_file(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(MAPPING), encoding="utf-8")
    return path


@pytest.fixture
def dvk(db):
    return OrganizationFactory(name="Democratic Choice of Kazakhstan", short_name="DVK")


def run(path, mapping_file, *options):
    out = io.StringIO()
    call_command("import_records", str(path), "--mapping", str(mapping_file), *options, stdout=out)
    return out.getvalue()


def stored_parts(person):
    defendant = Defendant.objects.get(person=person)
    return [
        (
            p.kind,
            p.term_min_months,
            p.term_max_months,
            p.hours_per_year,
            p.fine_amount,
            p.fine_unit,
            p.regime,
        )
        for p in defendant.sentence_parts.order_by("pk")
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_file_of_each_format_imports_every_example_as_drafts_and_a_second_run_changes_nothing(
    tmp_path, mapping_file, dvk, file_format
):
    path = WRITERS[file_format](tmp_path / f"prisoners.{file_format}", records())
    output = run(path, mapping_file)
    assert "12 created, 0 updated, 0 skipped" in output
    assert Person.objects.count() == 12 and Case.objects.count() == 12
    for name, *_rest, expected in ROWS:
        person = Person.objects.get(name=name)
        assert stored_parts(person) == expected, name
        assert not person.is_public
        assert not Defendant.objects.get(person=person).case.is_published
    for name, (born, arrested, verdict) in DATES.items():
        person = Person.objects.get(name=name)
        defendant = Defendant.objects.get(person=person)
        assert person.birth_date == born
        assert defendant.arrest_date == arrested
        assert defendant.case.verdict_date == verdict
    assert Person.objects.get(name="Erlan Nurpeis").birth_date.precision == "day"
    assert Person.objects.get(name="Abai Begimbetov").birth_date.precision == "year"
    abai = Defendant.objects.get(person__name="Abai Begimbetov")
    assert sorted((c.article, c.legal_code, str(c.country)) for c in abai.charges.all()) == [
        ("174 part 2", "Criminal Code", "KZ"),
        ("285 part 2", "Criminal Code", "KZ"),
    ]
    assert Charge.objects.count() == 2  # "ч. 2 ст. 174 УК РК" twice is one charge
    assert Membership.objects.filter(organization=dvk).count() == 6
    record = ImportedRecord.objects.get(person__name="Ivan Petrov")
    assert record.file_name == f"prisoners.{file_format}"
    assert record.row_number == (6 if file_format != "json" else 5)
    assert record.source_url == "https://example.org/prisoners/4"
    assert record.values["Gender"] == "male"
    revision = Revision.objects.get()
    assert "Imported prisoners." in revision.comment and "12 created" in revision.comment
    assert revision.version_set.filter(object_id=str(abai.person_id)).exists()
    held = {version.content_type.model for version in revision.version_set.all()}
    assert {"person", "membership", "case", "defendant", "sentencepart", "defendantcharge"} <= held
    assert revision.version_set.filter(content_type__model="sentencepart").count() == 13

    output = run(path, mapping_file)
    assert "0 created, 0 updated, 12 skipped" in output
    assert Person.objects.count() == 12 and SentencePart.objects.count() == 13
    assert Revision.objects.count() == 1  # nothing changed, so no new revision


def test_a_changed_row_updates_its_records_in_place(tmp_path, mapping_file, dvk):
    items = records()
    path = write_csv(tmp_path / "prisoners.csv", items)
    run(path, mapping_file)
    items[4]["Sentence"] = "20 months"
    write_csv(path, items)
    assert "0 created, 1 updated, 11 skipped" in run(path, mapping_file)
    assert stored_parts(Person.objects.get(name="Ivan Petrov")) == [
        ("prison", 20, 20, None, None, "", "")
    ]
    assert Person.objects.count() == 12


def test_publish_from_the_command_makes_the_records_public(tmp_path, mapping_file, dvk):
    run(write_csv(tmp_path / "p.csv", records()[:2]), mapping_file, "--publish")
    assert Person.objects.filter(is_public=True).count() == 2
    assert Case.objects.filter(is_published=True).count() == 2


def test_one_bad_row_imports_nothing_until_the_editor_skips_it(tmp_path, mapping_file, dvk):
    items = records()
    items[3]["Verdict"] = "2018-02-30"
    path = write_csv(tmp_path / "prisoners.csv", items)
    with pytest.raises(CommandError, match="Row 5: Verdict date: February 2018 has no day 30"):
        run(path, mapping_file)
    assert not Person.objects.exists() and not Case.objects.exists()
    assert not ImportedRecord.objects.exists()
    assert "11 created" in run(path, mapping_file, "--skip-rows", "5")
    assert not Person.objects.filter(name="Gulnar Ospan").exists()


def test_a_person_is_matched_in_any_script_only_when_more_than_the_name_agrees(
    tmp_path, mapping_file, dvk
):
    same = PersonFactory(name="Qairat Qylyshev", birth_date=PartialDate(1975))
    namesake = PersonFactory(name="Marat Seitkali")
    items = records()[:1]
    items[0].update({"Name": "Қайрат Қылышев", "Born": "1975"})
    items.append({**records()[5], "Born": "1990"})  # Marat Seitkali, born 1990
    path = write_csv(tmp_path / "people.csv", items)
    output = run(path, mapping_file, "--dry-run")
    assert f"possible duplicate of Marat Seitkali (#{namesake.pk})" in output
    assert "0 created, 1 updated, 1 skipped" in run(path, mapping_file)
    assert Defendant.objects.get().person == same
    assert Person.objects.count() == 2
    ImportedRecord.objects.all().delete()
    Defendant.objects.all().delete()
    assert "1 created, 1 updated" in run(path, mapping_file, "--create-duplicates")
    assert Person.objects.filter(name="Marat Seitkali").count() == 2


def bad(tmp_path, mapping_file, path, message):
    people = Person.objects.count()
    with pytest.raises(CommandError) as error:
        run(path, mapping_file)
    assert message in str(error.value)
    assert Person.objects.count() == people
    assert not Case.objects.exists() and not ImportedRecord.objects.exists()


def test_a_file_in_another_encoding_is_refused_with_a_clear_message(tmp_path, mapping_file, dvk):
    items = records()[8:9]  # Cyrillic sentence text
    bad(tmp_path, mapping_file, write_csv(tmp_path / "a.csv", items, "cp1251"), "not UTF-8")


def test_a_header_only_file_is_refused(tmp_path, mapping_file, dvk):
    bad(tmp_path, mapping_file, write_csv(tmp_path / "a.csv", []), "only a header")
    bad(tmp_path, mapping_file, write_xlsx(tmp_path / "a.xlsx", []), "only a header")


def test_a_file_over_50_mb_is_refused_before_it_is_read(tmp_path, mapping_file, dvk):
    path = tmp_path / "big.csv"
    with open(path, "wb") as file:
        file.truncate(50 * 1024 * 1024 + 1)  # sparse: nothing is written to the disk
    bad(tmp_path, mapping_file, path, "at most 50.0 MB")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_formula_in_a_cell_is_refused_never_evaluated(tmp_path, mapping_file, dvk, file_format):
    items = records()[:2]
    items[1]["Source"] = '=HYPERLINK("https://evil.example","click")'
    path = WRITERS[file_format](tmp_path / f"a.{file_format}", items)
    bad(tmp_path, mapping_file, path, "holds a formula")


def test_a_date_that_does_not_exist_is_refused(tmp_path, mapping_file, dvk):
    items = records()[:2]
    items[0]["Born"] = "2018-02-30"
    bad(tmp_path, mapping_file, write_csv(tmp_path / "a.csv", items), "has no day 30")


def test_an_unknown_organization_is_refused_unless_missing_ones_may_be_created(
    tmp_path, mapping_file
):
    path = write_csv(tmp_path / "a.csv", records()[:1])
    bad(tmp_path, mapping_file, path, "Unknown organization “Democratic Choice of Kazakhstan”")
    assert "1 created" in run(path, mapping_file, "--create-missing-organizations")
    membership = Membership.objects.get()
    assert membership.organization.name == "Democratic Choice of Kazakhstan"
    assert not membership.organization.is_public


def test_a_row_whose_person_is_ambiguous_is_refused(tmp_path, mapping_file, dvk):
    PersonFactory(name="Abai Begimbetov", birth_date=PartialDate(1980))
    PersonFactory(name="Abai Begimbetov", birth_date=PartialDate(1980))
    bad(tmp_path, mapping_file, write_csv(tmp_path / "a.csv", records()[:1]), "Ambiguous")


def test_the_dry_run_writes_nothing(tmp_path, mapping_file, dvk):
    with reversion.create_revision(manage_manually=True):
        pass
    output = run(write_csv(tmp_path / "a.csv", records()), mapping_file, "--dry-run")
    assert "12 to create" in output and "Dry run" in output
    assert not Person.objects.exists() and not Revision.objects.exists()


def test_a_toml_mapping_works_as_the_json_one(tmp_path, dvk):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'country = "KZ"\n[columns]\nname = "Name"\nsentence = "Sentence"\n'
        'penalty_kind = "Penalty kind"\ncharges = ["articles"]\n',
        encoding="utf-8",
    )
    assert "12 created" in run(write_csv(tmp_path / "a.csv", records()), mapping)
    assert stored_parts(Person.objects.get(name="Saule Tulegen")) == [
        ("prison", 36, 36, None, None, "", "general")
    ]


def test_a_row_of_a_case_already_recorded_updates_that_defendant_not_a_new_case(
    tmp_path, mapping_file, dvk
):
    from tests.factories import CaseFactory, DefendantFactory

    person = PersonFactory(name="Abai Begimbetov")
    case = CaseFactory(verdict_date=PartialDate(2018, 3), city="Almaty", country="KZ")
    defendant = DefendantFactory(case=case, person=person)
    output = run(write_csv(tmp_path / "a.csv", records()[:1]), mapping_file, "-v", "2")
    assert "matches Abai Begimbetov" in output and "a case with the same verdict date" in output
    assert "0 created, 1 updated" in output
    assert Case.objects.count() == 1
    assert stored_parts(person) == [("prison", 72, 72, None, None, "", "medium")]
    defendant.refresh_from_db()
    assert defendant.arrest_date == PartialDate(2018)


def test_a_large_import_refreshes_the_planner_statistics_of_the_tables_it_wrote(
    tmp_path, mapping_file, dvk, django_capture_on_commit_callbacks
):
    """On PostgreSQL the planner then counts the new rows at once, instead of taking the tables
    for empty until autovacuum comes round (the public lists' counts were then planned as
    nested loops, taking seconds)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics (SQLite keeps none unless asked)")
    rows = [
        (f"Imported Person{number:03d}", "", "", "", "5 лет лишения свободы", "", [], [])
        for number in range(ANALYZE_AFTER_ROWS)
    ]
    path = write_csv(tmp_path / "many.csv", records(rows))
    with django_capture_on_commit_callbacks(execute=True):
        output = run(path, mapping_file)
    assert f"{ANALYZE_AFTER_ROWS} created" in output
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class "
            "WHERE relname IN ('people_person', 'cases_defendant')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates == {
        "people_person": Person.objects.count(),
        "cases_defendant": Defendant.objects.count(),
    }
    assert Person.objects.count() >= ANALYZE_AFTER_ROWS
