"""``manage.py retention [--dry-run]``: gallring of cases closed longer ago than
``RETENTION_YEARS``. Prints counts only."""

from django.core.management.base import BaseCommand

from followup.retention import retention_run


class Command(BaseCommand):
    help = "Anonymise citizens whose cases all closed longer ago than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be anonymised."
        )

    def handle(self, *args, dry_run=False, **options):
        result = retention_run(dry_run=dry_run)
        verb = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(
            f"Retention (cases closed before {result.cutoff:%Y-%m-%d}): {verb} "
            f"{result.citizens} citizens, {result.applications} applications."
        )
