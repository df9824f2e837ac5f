"""Time the access-log review at national size, and the CSV export's memory.

    DATABASE_URL=postgres://…/h_accesslog_250k .venv/bin/python bench/access_log.py \
        [--runs 30] [--baseline] [--export-days 7] [--explain]

Runs against the database given (generated with ``generate_data --access-log-rows``,
migrated, VACUUM ANALYZE'd); reads only, except the export, which logs itself as the view
does. Each page is fetched with Django's test client as the system administrator, after
one warm-up fetch; p50 and p99 of ``--runs`` fetches are printed, with the page's number of
queries. ``--baseline`` also times Django's stock ``Paginator`` at the deep page's position
(a COUNT of every row and an OFFSET); ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of
each page's main query.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def explain(connection, captured) -> None:
    """A summary of EXPLAIN (ANALYZE, BUFFERS) of each query of the log: times, buffers,
    the partitions read and how (index or sequential scan)."""
    import re
    from collections import Counter

    for query in captured:
        sql = query["sql"]
        if "rehab_accesslogentry" not in sql or sql.startswith("INSERT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [line for (line,) in cursor.fetchall()]
        scans = Counter()
        for line in plan:
            found = re.search(
                r"(Seq Scan|Index Only Scan(?: Backward)?|Index Scan(?: Backward)?|"
                r"Bitmap Heap Scan) (?:using (\S+) )?on (rehab_accesslogentry\w*)",
                line,
            )
            if found:
                kind, index, _table = found.groups()
                index = re.sub(r"rehab_accesslogentry_(p\d{4}_\d{2}|default)_", "*_", index or "")
                scans[f"{kind} {index}".strip()] += 1
        buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
        times = [
            line.strip() for line in plan if line.startswith(("Planning Time", "Execution Time"))
        ]
        head = "COUNT" if "COUNT(*)" in sql else ("DISTINCT" if "DISTINCT" in sql else "rows")
        print(f"      {head}: {plan[0].strip()[:60]}… | {'; '.join(times)} | {buffers}")
        print("        partitions read: " + ", ".join(f"{n}× {kind}" for kind, n in scans.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--export-days", type=int, default=7)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings.local")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then keeps each page's context
    from django.conf import settings

    settings.DEBUG = False  # as in production: no log of every query kept in memory
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from rehab import paging, selectors
    from rehab.models import AccessLogEntry, User

    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    url = reverse("access_log")
    total = AccessLogEntry.objects.order_by("-at", "-pk").only("pk", "at")
    newest = total.first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(c.reltuples)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [AccessLogEntry._meta.db_table],
        )
        (estimate,) = cursor.fetchone()
    officer = (
        User.objects.filter(team__isnull=False, username__startswith="handl").order_by("pk").first()
        or User.objects.filter(team__isnull=False).order_by("pk").first()
    )
    # A deep position: the newest row two and a half years back.
    deep_at = newest.at - datetime.timedelta(days=912)
    deep = total.filter(at__lte=deep_at).first()
    deep_cursor = paging.TimeCursor().encode(deep, [paging.Column("at", True, False)])
    month_ago = timezone.localdate() - datetime.timedelta(days=400)
    citizen_ref = (
        AccessLogEntry.objects.filter(at__gte=newest.at - datetime.timedelta(days=30))
        .values_list("citizen_ref", flat=True)
        .first()
    )
    session = client.session
    session["access_log_citizens"] = {"bench": str(citizen_ref)}
    session.save()

    pages = [
        ("page 1", {}),
        ("flagged only", {"flagged": "on"}),
        ("one user", {"user": officer.username}),
        ("one user, flagged only", {"user": officer.username, "flagged": "on"}),
        (
            "one month, a year back",
            {"date_from": month_ago, "date_to": month_ago + datetime.timedelta(days=30)},
        ),
        (
            "one month a year back, flagged only",
            {
                "date_from": month_ago,
                "date_to": month_ago + datetime.timedelta(days=30),
                "flagged": "on",
            },
        ),
        ("one citizen", {"c": "bench"}),
        ("deep older page (2.5 years back)", {"older": deep_cursor}),
        ("deep older page, flagged only", {"older": deep_cursor, "flagged": "on"}),
    ]
    print(f"access log rows (estimate): {estimate:,}; runs per page: {options.runs}")
    print(f"{'page':42} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'queries':>8}")
    for label, query in pages:
        response = client.get(url, query)
        assert response.status_code == 200, (label, response.status_code)
        times = []
        for _ in range(options.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.context["page"].object_list, label
        print(
            f"{label:42} {statistics.median(times):8.1f} {percentile(times, 0.99):8.1f} "
            f"{max(times):8.1f} {len(queries):8}"
        )
        if options.explain:
            explain(connection, queries.captured_queries)

    if options.baseline:
        entries = selectors.access_log_entries()
        offset = entries.filter(at__gt=deep.at).count()
        started = time.perf_counter()
        page = Paginator(entries, 50).page(offset // 50 + 1)
        list(page)
        elapsed = (time.perf_counter() - started) * 1000
        print(
            f"{'stock Paginator, same position (1 run)':42} {elapsed:8.1f}   (page {page.number:,})"
        )

    # The export: a filter of --export-days days, streamed; peak Python memory while it runs.
    start = timezone.localdate() - datetime.timedelta(days=200)
    query = {
        "date_from": start,
        "date_to": start + datetime.timedelta(days=options.export_days - 1),
    }
    for days in (1, options.export_days):
        query["date_to"] = start + datetime.timedelta(days=days - 1)
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(reverse("access_log_export"), query)
        lines = 0
        size = 0
        for part in response.streaming_content:
            lines += part.count(b"\n")
            size += len(part)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"CSV export, {days} day(s): {lines - 1:,} rows, {size / 1e6:.1f} MB "
            f"in {elapsed:.1f} s, "
            f"peak traced Python memory {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
