"""Time the manager's figures and the report job on an existing, filled PostgreSQL database.

DATABASE_URL=postgres://samrehab_owner@127.0.0.1:55432/h_figures_250k \
    .venv/bin/python bench/figures_scale.py [--requests 20] [--functions] [--skip-report]

The database is one ``generate_data`` filled (e.g. a copy of 250 000 citizens), migrated
with this branch (which fills ``followup_casefigures``) and analysed. Nothing is generated
here and nothing is written but a report request and its file (in a temporary media
folder). Printed:

- each indicator function's time for the large city team's last twelve months
  (``--functions``), uncached;
- the manager's overview: p50 and max of ``--requests`` requests through Django's test
  client, as the demo manager and as a manager of the large city team, the first request
  after the cache was emptied and the figures refreshed as the beat refreshes them;
- the dashboard for a year (uncached figures + tables, and the page);
- the report job for the whole of this year (January to December) for the large city
  team, run as the worker runs it in a fresh process, with its wall time and peak memory
  (``VmHWM``).
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_kib() -> int:
    """This process's peak resident memory (VmHWM, KiB). Not ``ru_maxrss``, which Linux
    carries over from the parent process across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def large_team():
    from assessments.demo_data import LARGE_TEAM_NAME
    from rehab.models import Team

    return Team.objects.get(name=LARGE_TEAM_NAME)


def manager_of(team):
    from rehab.models import User
    from rehab.roles import Role

    return (
        User.objects.filter(team=team, groups__name=Role.MANAGER, is_active=True)
        .order_by("pk")
        .first()
    )


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def functions(team) -> None:
    from django.utils import timezone

    from followup import indicators

    today = timezone.localdate()
    scope = indicators.Scope(
        period_start=today - datetime.timedelta(days=365), period_end=today, team_ids=(team.pk,)
    )
    print(f"\nindicator functions, {team.name}, last twelve months (ms):")
    rows = [
        ("cohort_profile", lambda: indicators.cohort_profile(scope)),
        ("flow", lambda: indicators.flow(scope)),
        ("services_applied_vs_granted", lambda: indicators.services_applied_vs_granted(scope)),
        ("case_minutes + hourly_model", lambda: indicators.hourly_figures(scope)),
        ("level_movements", lambda: indicators.level_movements(scope)),
        (
            "level_figures",
            lambda: indicators.level_figures(
                scope, indicators.tariff_on(today), indicators.savings_parameters(today)
            ),
        ),
        ("eq5d_vas", lambda: indicators.eq5d_vas(scope)),
        ("goal_attainment", lambda: indicators.goal_attainment(scope)),
        ("closures", lambda: indicators.closures(scope)),
        ("by_team_and_month", lambda: indicators.by_team_and_month(scope)),
        ("monthly_flow", lambda: indicators.monthly_flow(scope)),
        ("waiting_days", lambda: indicators.waiting_days(scope)),
        ("needs_levels", lambda: indicators.needs_levels(scope)),
        ("needed_less", lambda: indicators.needed_less(scope)),
        ("closures_in_period", lambda: indicators.closures_in_period(scope)),
        ("follow_up_timeliness", lambda: indicators.follow_up_timeliness(scope, today)),
        ("goal_attainment_by life_area", lambda: indicators.goal_attainment_by(scope, "life_area")),
        (
            "goal_attainment_by case_officer",
            lambda: indicators.goal_attainment_by(scope, "case_officer"),
        ),
        ("trajectories", lambda: indicators.trajectories(scope)),
        ("track3_cohort", lambda: indicators.track3_cohort(scope)),
        ("granted_vs_performed", lambda: indicators.granted_vs_performed(scope)),
        ("temporary_increases", lambda: indicators.temporary_increases(scope)),
    ]
    for name, run in rows:
        _result, ms = timed(run)
        print(f"  {ms:8.0f}  {name}")


def pages(requests: int) -> None:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from followup import dashboard_figures, indicators, tables
    from followup.models import CaseFigures
    from rehab.models import User

    print(f"\ncase figures rows: {CaseFigures.objects.count()}")
    demo_manager = User.objects.get(username="enhetschef")
    team = large_team()
    city_manager = manager_of(team)
    today = timezone.localdate()
    cache.clear()
    _n, refresh_ms = timed(dashboard_figures.refresh, today)
    print(f"beat refresh of every team's overview and dashboard: {refresh_ms / 1000:.1f} s")
    print("\npage                               first ms     p50 ms     max ms   requests")
    for label, user in (("demo manager", demo_manager), ("city team manager", city_manager)):
        client = Client()
        client.force_login(user)
        for name in ("followup:overview", "followup:dashboard"):
            times = []
            for _ in range(requests):
                response, ms = timed(client.get, reverse(name), HTTP_ACCEPT_LANGUAGE="sv")
                assert response.status_code == 200, response.status_code
                times.append(ms)
            print(
                f"{name.split(':')[1]:9} {label:20} {times[0]:10.0f} "
                f"{statistics.median(times):10.0f} {max(times):10.0f} {requests:10d}"
            )
    scope = indicators.Scope(
        period_start=today - datetime.timedelta(days=365), period_end=today, team_ids=(team.pk,)
    )
    for label, run in (
        ("overview figures, uncached", lambda: indicators.overview_figures(scope)),
        (
            "dashboard figures + tables, uncached",
            lambda: tables.all_tables(indicators.dashboard(scope, today=today)),
        ),
    ):
        times = [timed(run)[1] for _ in range(3)]
        print(f"{label} ({team.name}, a year): median {statistics.median(times):.0f} ms")


def report_child(team_id: int, media: str) -> None:
    """In a fresh process: the report job for last year, as the worker runs it."""
    from followup.models import ReportRequest
    from followup.reports import job
    from rehab.models import Team

    team = Team.objects.get(pk=team_id)
    from django.utils import timezone

    year = timezone.localdate().year
    report = ReportRequest.objects.create(
        requested_by=manager_of(team),
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        tracks=[],
        request_key=f"bench-{time.time_ns()}",
    )
    report.teams.set([team])
    before = peak_kib()
    built, ms = timed(job.build_report_file, report.pk)
    peak = peak_kib()
    from io import BytesIO

    from pypdf import PdfReader

    with built.file.open("rb") as handle:
        data = handle.read()
    pages = len(PdfReader(BytesIO(data)).pages)
    print(
        f"report job, {team.name}, {year}: {ms / 1000:.2f} s, {pages} pages, "
        f"peak memory {peak / 1024:.0f} MB (after start-up {before / 1024:.0f} MB)"
    )
    built.file.delete(save=False)
    report.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--functions", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--report-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a filled PostgreSQL database")
    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        os.environ.setdefault("MEDIA_ROOT", str(Path(folder) / "media"))
        os.environ.setdefault("CACHE_DIR", str(Path(folder) / "cache"))
        os.environ.setdefault("CELERY_QUEUE_DIR", str(Path(folder) / "queue"))
        setup()
        if args.report_child:
            report_child(args.report_child, folder)
            return
        team = large_team()
        if args.functions:
            functions(team)
        pages(args.requests)
        if not args.skip_report:
            subprocess.run(  # noqa: S603 - this script, a fresh process
                [sys.executable, __file__, "--report-child", str(team.pk)],
                check=True,
                env=os.environ,
            )


if __name__ == "__main__":
    main()
