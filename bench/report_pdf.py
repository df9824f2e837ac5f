"""Time a follow-up report over 10 000 decided cases: the indicators and the PDF.

.venv/bin/python bench/report_pdf.py [--cases 10000] [--teams 40] [--seed 1] [--save x.pdf]

With ``DATABASE_URL`` of an empty scratch PostgreSQL database the data go there instead of
a temporary SQLite file. The report job also runs once more in a fresh process, as a worker
child runs it, whose time and peak memory (``VmHWM``) are printed.

A fresh temporary SQLite database is migrated and filled with ``bulk_create``: citizens,
applications with applied and granted services, joint visits, tracks (about one case in
ten handed over without a track), interventions, EQ-5D results, goals, follow-ups,
closures and needs levels, decided over the twelve months of 2025 and spread over the
teams. A tariff makes the level model run. Then the report for all teams and tracks is
made as the worker makes it (``build_report_file``, the file saved to a temporary media
folder) and the time of each part and the page count are printed. The annex (one row per
team and month) makes the PDF about 20 pages with the default 40 teams.
"""

import argparse
import datetime
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_kib() -> int:
    """This process's peak resident memory (VmHWM, KiB). Not ``ru_maxrss``, which Linux
    carries over from the parent process across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


YEAR = 2025


def fill(cases: int, teams: int, seed: int) -> dict:
    from django.db import transaction

    from assessments.demo_data import personal_number, random_serial
    from assessments.models import (
        Application,
        AppliedService,
        AssessmentBasis,
        Citizen,
        Decision,
        Goal,
        GrantedService,
        InstrumentResult,
        JointVisit,
        ServiceType,
    )
    from followup.models import CaseClosure, FollowUp, GoalAttainment, Tariff, TariffLevel
    from rehab.demo import ensure_demo_users
    from rehab.models import Team
    from tracks.models import Handover, Intervention, TrackAssignment

    rng = random.Random(seed)
    users = {user.username: user for user in ensure_demo_users()}
    officer, therapist = users["handlaggare"], users["arbetsterapeut"]
    catalogue = list(ServiceType.objects.filter(has_minutes=True))
    alarm = ServiceType.objects.get(code="trygghetslarm")
    counts: dict[str, int] = {}
    with transaction.atomic():
        team_rows = Team.objects.bulk_create(
            Team(name=f"Bench-team {number:02d}") for number in range(1, teams + 1)
        )
        tariff = Tariff.objects.create(name="Nivåer 2025", valid_from=datetime.date(YEAR, 1, 1))
        TariffLevel.objects.bulk_create(
            TariffLevel(tariff=tariff, level=level, monthly_compensation=Decimal(2500 * level))
            for level in range(1, 7)
        )
        born = [
            datetime.date(1925 + rng.randint(0, 35), rng.randint(1, 12), rng.randint(1, 28))
            for _ in range(cases)
        ]
        males = [rng.random() < 0.38 for _ in range(cases)]
        numbers: set[str] = set()
        citizens = []
        for index in range(cases):
            number = personal_number(born[index], serial=random_serial(rng, male=males[index]))
            while number in numbers:
                number = personal_number(born[index], serial=random_serial(rng, male=males[index]))
            numbers.add(number)
            citizens.append(
                Citizen(
                    personal_number=number,
                    first_name="Bench",
                    last_name=f"Person {index}",
                    sex="M" if males[index] else "K",
                    birth_date=born[index],
                    lives_alone=rng.random() < 0.6,
                    team=team_rows[index % teams],
                )
            )
        citizens = Citizen.objects.bulk_create(citizens, batch_size=2000)
        decided = [
            datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            for _ in range(cases)
        ]
        closing = random.Random(seed + 1)  # noqa: S311 - fictional benchmark data
        closed = [closing.random() < 0.1 for _ in range(cases)]
        applications = Application.objects.bulk_create(
            (
                Application(
                    citizen=citizen,
                    received_on=decided[index] - datetime.timedelta(days=rng.randint(10, 60)),
                    channel="phone",
                    team=citizen.team,
                    case_officer=officer,
                    therapist=therapist,
                    # Bulk rows carry their final status: closed when the case has a closure.
                    status=Application.Status.CLOSED
                    if closed[index]
                    else Application.Status.DECIDED,
                )
                for index, citizen in enumerate(citizens)
            ),
            batch_size=2000,
        )
        applied, granted, visits, tracks, interventions = [], [], [], [], []
        bases, handovers = [], []
        results, follow_ups, goals = [], [], []
        decisions = []
        for index, application in enumerate(applications):
            chosen = rng.sample(catalogue, rng.randint(1, 4))
            minutes = [(service, rng.choice((20, 30, 35, 45, 60, 70, 140))) for service in chosen]
            applied += [
                AppliedService(application=application, service=service, minutes_per_week=m)
                for service, m in minutes
            ]
            if rng.random() < 0.6:
                applied.append(AppliedService(application=application, service=alarm))
            if rng.random() < 0.85:
                visits.append(
                    JointVisit(
                        application=application,
                        scheduled_at=datetime.datetime.combine(
                            application.received_on + datetime.timedelta(days=5),
                            datetime.time(10),
                            tzinfo=datetime.UTC,
                        ),
                        case_officer=officer,
                        therapist=therapist,
                        status=JointVisit.Status.DONE,
                    )
                )
            if rng.random() < 0.9:
                track = rng.choice((1, 2, 2, 2, 3))
                tracks.append(
                    TrackAssignment(
                        application=application,
                        proposed=track,
                        track=track,
                        confirmed_by=therapist,
                    )
                )
                interventions += [
                    Intervention(
                        application=application,
                        performed_by=therapist,
                        profession="ot",
                        performed_on=decided[index] - datetime.timedelta(days=3),
                        minutes=rng.choice((45, 60, 90)),
                        kind="training",
                    )
                    for _ in range(rng.randint(1, 3))
                ]
                bases.append(
                    AssessmentBasis(
                        application=application,
                        written_by=therapist,
                        summary="Sammanfattning",
                        recommended_measures="Fortsatt träning",
                        handed_over_at=datetime.datetime.combine(
                            decided[index] - datetime.timedelta(days=2),
                            datetime.time(15),
                            tzinfo=datetime.UTC,
                        ),
                    )
                )
            else:  # no potential for independence: handed over instead of a track
                handovers.append(
                    Handover(
                        application=application,
                        recipient="home_health_care",
                        handed_over_on=decided[index] - datetime.timedelta(days=2),
                        summary="Ingen potential till självständighet",
                        created_by=therapist,
                    )
                )
            level_before = rng.randint(2, 6) if rng.random() < 0.5 else None
            decisions.append(
                Decision(
                    application=application,
                    decided_on=decided[index],
                    decided_by=officer,
                    level_before=level_before,
                    level_after=(
                        max(1, level_before - rng.randint(0, 2)) if level_before else None
                    ),
                )
            )
            for occasion in ("assessment", "follow_up") if rng.random() < 0.5 else ():
                results.append(
                    InstrumentResult(
                        application=application,
                        instrument="eq5d5l",
                        version="bench",
                        occasion=occasion,
                        answers={"vas": rng.randint(30, 95)},
                        score=0,
                        recorded_by=therapist,
                    )
                )
            if rng.random() < 0.5:
                follow_ups.append(
                    FollowUp(
                        application=application,
                        months=3,
                        due_on=decided[index] + datetime.timedelta(days=90),
                        status=FollowUp.Status.DONE,
                        done_on=decided[index] + datetime.timedelta(days=92),
                    )
                )
                goals.append(Goal(application=application, text="Klara duschen själv"))
            granted += [
                (index, service, max(0, m - rng.choice((0, 0, 10, 15, 30, m))))
                for service, m in minutes
            ]
        decisions = Decision.objects.bulk_create(decisions, batch_size=2000)
        GrantedService.objects.bulk_create(
            (
                GrantedService(decision=decisions[index], service=service, minutes_per_week=m)
                for index, service, m in granted
            ),
            batch_size=5000,
        )
        AppliedService.objects.bulk_create(applied, batch_size=5000)
        JointVisit.objects.bulk_create(visits, batch_size=2000)
        TrackAssignment.objects.bulk_create(tracks, batch_size=2000)
        Intervention.objects.bulk_create(interventions, batch_size=5000)
        AssessmentBasis.objects.bulk_create(bases, batch_size=2000)
        Handover.objects.bulk_create(handovers, batch_size=2000)
        InstrumentResult.objects.bulk_create(results, batch_size=2000)
        follow_ups = FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
        goals = Goal.objects.bulk_create(goals, batch_size=2000)
        GoalAttainment.objects.bulk_create(
            (
                GoalAttainment(
                    follow_up=follow_up,
                    goal=goal,
                    attainment=rng.choice(("achieved", "achieved", "partly", "not")),
                )
                for follow_up, goal in zip(follow_ups, goals, strict=True)
            ),
            batch_size=2000,
        )
        CaseClosure.objects.bulk_create(
            (
                CaseClosure(
                    application=application,
                    reason=rng.choice(("needs_ended", "declined", "moved", "deceased")),
                    closed_on=datetime.date(YEAR + 1, 1, 15),
                    closed_by=officer,
                )
                for index, application in enumerate(applications)
                if closed[index]
            ),
            batch_size=2000,
        )
        counts.update(
            citizens=len(citizens),
            applied_services=len(applied),
            granted_services=len(granted),
            interventions=len(interventions),
        )
    return {"manager": users["enhetschef"], "teams": team_rows, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="also write the PDF to this file")

    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)  # the fresh process
    args = parser.parse_args()
    if args.job:
        fresh_job(args.job)
        return

    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ["DEBUG"] = "false"
        os.environ["MEDIA_ROOT"] = str(Path(folder) / "media")
        os.environ["CELERY_QUEUE_DIR"] = str(Path(folder) / "queue")
        os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from pypdf import PdfReader

        from followup import indicators
        from followup.models import ReportRequest
        from followup.reports import job, rendering, selectors

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        made = fill(args.cases, args.teams, args.seed)
        fill_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # As autovacuum would have by the time a report is ordered: without statistics
            # of the freshly filled tables the planner guesses and the figures take longer.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        report = ReportRequest.objects.create(
            requested_by=made["manager"],
            period_start=datetime.date(YEAR, 1, 1),
            period_end=datetime.date(YEAR, 12, 31),
            tracks=[],
            request_key="bench",
        )
        report.teams.set(made["teams"])
        scope = selectors.scope_of(report)

        started = time.perf_counter()
        figures = indicators.compute(scope)
        indicator_seconds = time.perf_counter() - started

        started = time.perf_counter()
        built = job.build_report_file(report.pk)
        job_seconds = time.perf_counter() - started
        with built.file.open("rb") as handle:
            data = handle.read()
        pages = len(PdfReader(io.BytesIO(data)).pages)
        if args.save:
            args.save.write_bytes(data)

        started = time.perf_counter()
        context = rendering.build_context(scope)
        context_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rendering.render_report_pdf(context)
        render_seconds = time.perf_counter() - started

        again = ReportRequest.objects.create(
            requested_by=made["manager"],
            period_start=report.period_start,
            period_end=report.period_end,
            tracks=[],
            request_key="bench-fresh",
        )
        again.teams.set(made["teams"])
        connection.close()
        fresh = subprocess.run(  # noqa: S603 - this script, in a fresh process
            [sys.executable, __file__, "--job", str(again.pk)],
            check=True,
            env=os.environ,
            capture_output=True,
            text=True,
        ).stdout.strip()

    counts = made["counts"]
    print(
        f"data: {counts['citizens']} decided cases in {args.teams} teams, "
        f"{counts['applied_services']} applied and {counts['granted_services']} granted "
        f"services, {counts['interventions']} interventions (filled in {fill_seconds:.1f} s)"
    )
    print(
        f"cohort: {figures.profile['cases']} cases, saved "
        f"{figures.hourly.saved_hours_per_week_text} per week"
    )
    print(f"indicators alone: {indicator_seconds:.2f} s")
    print(
        f"report job (indicators + PDF + storage), first run: {job_seconds:.2f} s, "
        f"{pages} pages, {len(data) / 1024:.0f} KiB (target: under 10 s)"
    )
    print(
        f"again, warm: context {context_seconds:.2f} s + PDF {render_seconds:.2f} s = "
        f"{context_seconds + render_seconds:.2f} s"
    )
    print(fresh)


def fresh_job(report_id: int) -> None:
    """The report job alone, in a fresh process (the database and folders of the parent)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from followup.reports import job

    started_rss = peak_kib()
    started = time.perf_counter()
    job.build_report_file(report_id)
    seconds = time.perf_counter() - started
    peak = peak_kib()
    print(
        f"report job in a fresh process: {seconds:.2f} s, peak memory {peak / 1024:.0f} MB "
        f"(after start-up {started_rss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
