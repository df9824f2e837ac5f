"""Time the two halves of checking a large import: what the web request still does, and
what the worker's check job does.

.venv/bin/python bench/import_check.py [--rows 20000] [--seed 1]

A fresh temporary SQLite database is migrated and given the demo users. A CSV of ``--rows``
valid rows in the import format is built; then it prints the time of the request's part
(reading the table to count its rows and storing the upload, ``views.imports._row_count``
and ``store_upload``) and of the worker's part (``run_import_job`` of a check job:
validating every row and keeping the findings); with ``--memory`` the peak memory of each
instead.
"""

import argparse
import datetime
import os
import random
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
    "ensamboende",
    "inkom",
    "arendetyp",
    "kanal",
    "efter_slutenvard",
    "trygghetslarm",
    "dusch",
]


def build_csv(rows: int, seed: int) -> bytes:
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
                    f"Person{len(lines)}",
                    "ja" if rng.random() < 0.5 else "nej",
                    "2026-03-01",
                    "ansokan",
                    "telefon",
                    "nej",
                    "ja",
                    "60",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


MEASURE_MEMORY = False


def timed(label, function):
    """Time ``function``; with --memory, its peak of Python allocations instead (tracemalloc
    slows the code it watches, so time and memory are measured in separate runs)."""
    if MEASURE_MEMORY:
        tracemalloc.start()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    if MEASURE_MEMORY:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label:<48} peak {peak / 1e6:6.1f} MB")
    else:
        print(f"{label:<48} {seconds:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory", action="store_true", help="peak memory instead of time")
    args = parser.parse_args()
    global MEASURE_MEMORY
    MEASURE_MEMORY = args.memory

    folder = Path(tempfile.mkdtemp(prefix="samrehab-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assessments import imports
    from assessments.imports import jobs
    from assessments.models import ImportJob
    from assessments.views.imports import _row_count
    from rehab.demo import ensure_demo_users

    officer = next(user for user in ensure_demo_users() if user.username == "handlaggare")
    content = build_csv(args.rows, args.seed)
    today = datetime.datetime.now().astimezone()
    print(f"{args.rows} rows, {len(content) / 1e6:.1f} MB CSV, SQLite, {today:%Y-%m-%d}")

    def request_part():
        rows = _row_count("cases.csv", content)
        path = imports.store_upload(default_storage, name="cases.csv", content=content)
        return rows, path

    rows, path = timed("web request: count the rows, store the upload", request_part)
    assert rows == args.rows, rows
    job = ImportJob.objects.create(
        created_by=officer, upload_path=path, kind=ImportJob.Kind.CHECK, language="sv"
    )
    timed("worker: check every row, keep the findings", lambda: jobs.run_import_job(job.pk))
    job.refresh_from_db()
    summary = job.check_report
    print(
        f"checked: {summary['row_count']} rows, {summary['importable_count']} importable, "
        f"{summary['invalid_count']} with errors"
    )


if __name__ == "__main__":
    main()
