"""Keep the access log's monthly partitions (ADR 0014): months ahead made, months past the
retention dropped.

Run by the owner role after ``migrate`` and ``grant_app_role``, and then once a month (a
cron job or the scheduler of the platform): the app role may neither create nor drop
tables, and may not delete from the log by design. Dropping a month is how the log is
thinned after its retention; nothing younger than five years is ever dropped.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.utils import timezone

from rehab import access_log_partitions as parts

# The access log is kept at least five years (the retention of case data keeps the log).
MINIMUM_YEARS = 5


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Command(BaseCommand):
    help = (
        "Create the access log's monthly partitions up to --ahead months from now and, "
        "with --drop-older-than-years, drop the months wholly older than that. PostgreSQL "
        "only; run as the owner role after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=12, help="months ahead (default 12)")
        parser.add_argument(
            "--drop-older-than-years",
            type=int,
            default=None,
            help=f"drop the months older than this many years (at least {MINIMUM_YEARS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="say what, change nothing")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, ahead, drop_older_than_years, dry_run, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("The access log is partitioned only on PostgreSQL.")
        if ahead < 0:
            raise CommandError("--ahead must not be negative.")
        if drop_older_than_years is not None and drop_older_than_years < MINIMUM_YEARS:
            raise CommandError(f"The access log is kept at least {MINIMUM_YEARS} years.")
        today = timezone.now().astimezone(datetime.UTC).date()
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if not parts.is_partitioned(cursor):
                raise CommandError("The access log is not partitioned; run migrate first.")
            present = {p.name for p in parts.partitions(cursor)}
            months = parts.months_between(today, parts.add_months(parts.month_start(today), ahead))
            wanted = [m for m in months if parts.partition_name(m) not in present]
            old = []
            if drop_older_than_years is not None:
                cutoff = years_before(today, drop_older_than_years)
                old = parts.partitions_older_than(cursor, cutoff)
            if dry_run:
                for month in wanted:
                    self.stdout.write(f"would create {parts.partition_name(month)}")
                for partition in old:
                    self.stdout.write(f"would drop {partition.name}")
                transaction.set_rollback(True, using=database)
                return
            created = parts.create_partitions(cursor, wanted) if wanted else []
            for partition in old:
                parts.drop_partition(cursor, partition)
        if options["verbosity"]:
            for name in created:
                self.stdout.write(f"created {name}")
            for partition in old:
                self.stdout.write(f"dropped {partition.name}")
            if not created and not old:
                self.stdout.write("Nothing to do.")
