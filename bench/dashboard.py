"""Time the manager's indicator dashboard over a year of data for N cases.

.venv/bin/python bench/dashboard.py [--cases 1000] [--runs 5] [--slowest N]

A fresh temporary SQLite database (or the PostgreSQL database of ``DATABASE_URL`` when it is
set, which must be an empty scratch database) is filled by ``generate_data`` (the bulk
generator), and the dashboard's figures for the demo team over the last twelve months are
computed ``--runs`` times without the cache: the time of each run and its number of
queries are printed, then the page itself (tables, charts and template, figures cached).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(cases: int, runs: int, slowest: int = 0) -> None:
    import datetime

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from assessments.demo_data import generate
    from followup import dashboard_figures, indicators, tables
    from rehab.demo import ensure_demo_users
    from rehab.models import Team

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    generate(citizens=cases, seed=1)
    print(
        f"database: {connection.vendor}; {cases} citizens generated in "
        f"{time.perf_counter() - started:.1f} s"
    )
    today = timezone.localdate()
    manager = {user.username: user for user in ensure_demo_users()}["enhetschef"]
    scope = indicators.Scope(
        period_start=(today - datetime.timedelta(days=365)).replace(day=1),
        period_end=today,
        team_ids=tuple(Team.objects.values_list("pk", flat=True)),
    )
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            figures = indicators.dashboard(scope, today=today)
            shown = tables.all_tables(figures)
            timings.append(time.perf_counter() - started)
    median, best = statistics.median(timings) * 1000, min(timings) * 1000
    print(
        f"figures and tables ({len(shown)} tables): median {median:.0f} ms,"
        f" best {best:.0f} ms, {len(queries)} queries"
    )
    sql_ms = sum(float(query["time"]) for query in queries) * 1000
    print(
        f"of the last run: {sql_ms:.0f} ms in SQL, {timings[-1] * 1000 - sql_ms:.0f} ms in Python"
    )
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:slowest]:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    started = time.perf_counter()
    refreshed = dashboard_figures.refresh(today)
    print(
        f"hourly refresh of every team's default view: {refreshed} teams in "
        f"{time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(manager)
    client.get(reverse("followup:dashboard"))  # warm-up: templates, translations
    cache.clear()  # the page computes the figures itself
    started = time.perf_counter()
    response = client.get(reverse("followup:dashboard"))
    first = time.perf_counter() - started
    started = time.perf_counter()
    client.get(reverse("followup:dashboard"))
    cached = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    print(f"page for the manager's team: {first * 1000:.0f} ms, cached {cached * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
        os.environ["ALLOWED_HOSTS"] = "testserver"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        measure(args.cases, args.runs, args.slowest)


if __name__ == "__main__":
    main()
