"""manage.py import_records FILE --mapping MAPPING [--publish] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from newsroom.imports.applying import ImportRefused, apply_plan, decide
from newsroom.imports.mapping import Mapping
from newsroom.imports.planning import DUPLICATE, ERROR, plan_import
from newsroom.imports.readers import FileError, read_path


class Command(BaseCommand):
    help = (
        "Import people and their cases from a CSV, XLSX or JSON file, as a column mapping "
        "(JSON or TOML) says. One transaction: any error row imports nothing, unless skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--mapping", required=True, help="A JSON or TOML mapping file.")
        parser.add_argument(
            "--publish", action="store_true", help="Make the imported records public."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the plan, write nothing.")
        parser.add_argument(
            "--skip-errors", action="store_true", help="Skip rows with errors instead of stopping."
        )
        parser.add_argument("--skip-rows", default="", help="Row numbers to skip: 6,651.")
        parser.add_argument(
            "--create-duplicates",
            action="store_true",
            help="Create the rows flagged as possible duplicates.",
        )
        parser.add_argument(
            "--create-missing-organizations",
            action="store_true",
            help="Create organizations and courts not yet recorded (not public unless --publish).",
        )

    def handle(self, *args, **options):
        try:
            mapping = Mapping.from_file(options["mapping"])
            if options["create_missing_organizations"]:
                mapping.create_missing_organizations = True
            table = read_path(options["file"])
        except (FileError, OSError) as error:
            raise CommandError(str(error)) from None
        missing = mapping.missing_columns(table.columns)
        if missing:
            # A warning, not an error: a JSON dump leaves out the keys of empty values.
            self.stderr.write(f"Warning: no value in any row for {', '.join(missing)}.")
        try:
            skip_rows = {
                int(number) for number in options["skip_rows"].split(",") if number.strip()
            }
        except ValueError:
            raise CommandError("--skip-rows takes row numbers separated by commas.") from None
        plan = plan_import(table, mapping)
        verbose = options["verbosity"] > 1
        for row in plan.rows:
            if verbose or row.action in (ERROR, DUPLICATE):
                reasons = "; ".join(str(reason) for reason in row.reasons)
                self.stdout.write(f"row {row.number} {row.action}: {row.label}: {reasons}")
        self.stdout.write(plan.summary())
        choices = {
            "skip_rows": skip_rows,
            "skip_errors": options["skip_errors"],
            "create_duplicates": options["create_duplicates"],
        }
        try:
            if options["dry_run"]:
                decide(plan, **choices)
                self.stdout.write("Dry run: nothing written.")
                return
            result = apply_plan(
                plan,
                publish=options["publish"],
                create_missing_organizations=mapping.create_missing_organizations,
                **choices,
            )
        except ImportRefused as refused:
            raise CommandError(
                "Nothing imported: " + "\n".join(refused.problems) + "\nFix the rows, or skip "
                "them with --skip-rows or --skip-errors."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{table.file_name}: {result.summary()}."))
