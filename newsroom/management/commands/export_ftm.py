import os

from django.core.management.base import BaseCommand

from newsroom.ftm.entities import export_lines


class Command(BaseCommand):
    help = (
        "Write the public dataset as FollowTheMoney entities (one JSON object a line), as "
        "/data/entities.ftm.json serves it: to standard output or --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("NEWSROOM_SITE_URL", "http://localhost:8000/"),
            help=(
                "The public site's address, for each entity's sourceUrl (default: "
                "$NEWSROOM_SITE_URL or http://localhost:8000/)."
            ),
        )

    def handle(self, *args, output=None, base_url, **options):
        if output:
            with open(output, "w", encoding="utf-8") as file:
                count = self.write(file, base_url)
            self.stderr.write(f"Wrote {count} entities to {output}.")
        else:
            self.write(self.stdout, base_url)

    def write(self, file, base_url):
        count = 0
        for line in export_lines(base_url):
            file.write(line)
            count += 1
        return count
