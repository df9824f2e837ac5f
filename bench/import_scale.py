"""Time a whole large import as the page and the worker run it: the web request's part, the
check job and the import job, with the queries of each and the memory they take.

.venv/bin/python bench/import_scale.py [--rows 20000] [--seed N] [--database-url URL]
    [--memory]

Without ``--database-url`` a fresh temporary SQLite database is migrated and given the demo
users; with it (e.g. ``postgres://samrehab_owner@127.0.0.1:55432/h_import``) the database
must be migrated and hold the demo users (``manage.py setup_demo``), and the import adds its
citizens and cases to it. A CSV of ``--rows`` rows in the import format is built (numbers
from ``--seed``, by default a new seed each run, so each run imports new cases; a number
that is already registered under another name is a row in error, as on the page). Then:

- the request: ``views.imports._row_count`` and ``store_upload``;
- the check: ``jobs.run_import_job`` of a job of kind "check";
- the import: ``jobs.run_import_job`` of an import job (only the valid rows when the check
  found rows in error).

For each phase it prints the time (and this process's CPU time: the machine may be shared;
the database server's work is in the time only), the queries (and for the import the
queries per batch of ``jobs.BATCH_ROWS`` rows) and the process's peak resident memory so
far (maxrss); with ``--memory`` each phase runs under tracemalloc and its peak of Python
allocations is printed too (tracemalloc slows the code it watches: compare times without it).
"""

import argparse
import datetime
import math
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = [
    "personnummer",
    "fornamn",
    "efternamn",
    "adress",
    "postnummer",
    "ort",
    "ensamboende",
    "inkom",
    "arendetyp",
    "kanal",
    "efter_slutenvard",
    "trygghetslarm",
    "dusch",
    "stad",
]


def build_csv(rows: int, seed: int, received_on: datetime.date) -> bytes:
    from assessments.demo_data import personal_number, random_serial

    rng = random.Random(seed)
    lines = [";".join(HEADER)]
    seen = set()
    while len(lines) <= rows:
        born = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 25))
        male = rng.random() < 0.4
        number = personal_number(born, serial=random_serial(rng, male=male))
        if number in seen:
            continue
        seen.add(number)
        lines.append(
            ";".join(
                [
                    f"{number[:8]}-{number[8:]}",
                    "Test",
                    # The name follows the number, so a number registered by an earlier run
                    # is the same person (its citizen is reused).
                    f"Person{number[2:]}",
                    f"Storgatan {len(lines) % 90 + 1}",
                    "123 45",
                    "Storstad",
                    "ja" if rng.random() < 0.5 else "nej",
                    f"{received_on:%Y-%m-%d}",
                    "ansokan",
                    "telefon",
                    "nej",
                    "ja",
                    "60",
                    "" if rng.random() < 0.5 else "30",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


class Counter:
    """Counts the statements the main thread's connection runs (the heartbeat thread has
    its own connection, which is not counted)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(label: str, function, *, memory: bool, counter: Counter):
    if memory:
        tracemalloc.start()
    before = counter.count
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    queries = counter.count - before
    line = (
        f"{label:<44} {seconds:7.2f} s (cpu {cpu:6.2f} s)  {queries:6d} queries  "
        f"maxrss {maxrss_mb():6.0f} MB"
    )
    if memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f"  tracemalloc peak {peak / 1e6:6.1f} MB"
    print(line, flush=True)
    return result, seconds, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--memory", action="store_true", help="also tracemalloc's peak")
    parser.add_argument("--check-only", action="store_true", help="stop after the check job")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else time.time_ns() % 1_000_000

    folder = Path(tempfile.mkdtemp(prefix="samrehab-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.test"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if not args.database_url:
        call_command("migrate", verbosity=0)
    from assessments import imports
    from assessments.imports import jobs
    from assessments.models import Citizen, ImportJob
    from assessments.views.imports import _row_count
    from rehab.demo import ensure_demo_users

    officer = next(user for user in ensure_demo_users() if user.username == "handlaggare")
    # A received date of its own per run (within the last year), so the cases are new.
    received_on = timezone.localdate() - datetime.timedelta(days=1 + seed % 360)
    content = build_csv(args.rows, seed, received_on)
    registered = Citizen.objects.count()
    print(
        f"{args.rows} rows, {len(content) / 1e6:.1f} MB CSV, {connection.vendor} "
        f"({registered} citizens before), seed {seed}, "
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M}, batch {jobs.BATCH_ROWS} rows"
    )
    counter = Counter()
    total = 0.0
    with connection.execute_wrapper(counter):

        def request_part():
            rows = _row_count("cases.csv", content)
            return rows, imports.store_upload(default_storage, name="cases.csv", content=content)

        (rows, path), seconds, _ = phase(
            "request: count the rows, store the upload",
            request_part,
            memory=args.memory,
            counter=counter,
        )
        total += seconds
        assert rows == args.rows, rows
        check = ImportJob.objects.create(
            created_by=officer, upload_path=path, kind=ImportJob.Kind.CHECK, language="sv"
        )
        _, seconds, _ = phase(
            "check job: check every row, keep the findings",
            lambda: jobs.run_import_job(check.pk),
            memory=args.memory,
            counter=counter,
        )
        total += seconds
        check.refresh_from_db()
        summary = check.check_report
        print(
            f"  checked: {summary['row_count']} rows, {summary['importable_count']} importable, "
            f"{summary['invalid_count']} with errors, {summary['duplicate_count']} already there"
        )
        if args.check_only:
            print(f"check: {total:.1f} s; peak resident memory {maxrss_mb():.0f} MB")
            return
        job = ImportJob.objects.create(
            created_by=officer,
            upload_path=path,
            only_valid=summary["invalid_count"] > 0,
            language="sv",
        )
        _, seconds, queries = phase(
            "import job: check again, save in batches",
            lambda: jobs.run_import_job(job.pk),
            memory=args.memory,
            counter=counter,
        )
        total += seconds
    job.refresh_from_db()
    batches = max(1, math.ceil(job.done_rows / jobs.BATCH_ROWS))
    print(
        f"  saved: status {job.status}, {job.done_rows} rows done, "
        f"{job.created_applications} cases, {job.created_citizens} new citizens; "
        f"{batches} batches, {queries / batches:.1f} queries per batch, "
        f"{queries / max(1, job.done_rows):.3f} per row"
    )
    if job.failure:
        print(f"  failure: {job.failure}")
    print(f"check + import: {total:.1f} s; peak resident memory {maxrss_mb():.0f} MB")


if __name__ == "__main__":
    main()
