"""Time the case officer's work queue, citizen search and the therapist's visits at scale.

DATABASE_URL=postgres://samrehab_owner@127.0.0.1:55432/h_queue_250k \\
    .venv/bin/python bench/work_queue.py [--runs 50] [--deep 200] [--explain]

Against an existing, migrated database (e.g. a copy of 250 000 generated citizens); it
writes nothing but the access log rows the pages write. Each page is fetched ``--runs``
times with Django's test client, logged in as the case officer with the most open cases of
the team with the most open cases, and as the therapist with the most visits; p50 and p99
of the whole request and the number of SQL queries are printed. The deep page is reached
by following "next" ``--deep`` times; beside it the stock ``Paginator`` at the same
position (COUNT(*) and OFFSET on the same filtered, sorted queryset) as the baseline.
``--explain`` prints, per page, ``EXPLAIN (ANALYZE, BUFFERS)`` of each SELECT of one
request: its time, and any sequential scan of a large table.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE_TABLES = (
    "assessments_citizen",
    "assessments_application",
    "assessments_jointvisit",
    "assessments_appliedservice",
    "rehab_accesslogentry",
)
# (The grants to see a protected citizen's name are few; the generator makes none, so the
# planner reads that empty table whole.)


def _timed(call, runs: int) -> tuple[float, float, int, float]:
    """p50 and p99 of the whole call in ms, its number of SQL queries, and the median of
    the time its SQL took (as the database driver saw it) in ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    times, sql_times = [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        sql_times.append(sum(float(query["time"]) for query in captured) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99, queries, statistics.median(sql_times)


def _explain(call) -> list[str]:
    """Each SELECT of one request: its execution time and the large tables it scans whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    lines = []
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            took = next((line for line in plan if line.startswith("Execution Time")), "")
            seq = sorted(
                {m for line in plan for m in re.findall(r"Seq Scan on (\w+)", line)}
                & set(LARGE_TABLES)
            )
            nodes = [
                re.sub(r"\s+\(cost.*", "", line.strip().lstrip("-> "))
                for line in plan
                if "Scan" in line
            ]
            where = re.sub(r"\s+", " ", sql)[:70]
            lines.append(
                f"    {took:<26} seq scans of large tables: {', '.join(seq) or 'none'}; "
                f"{where}…\n      scans: {'; '.join(dict.fromkeys(nodes))}"
            )
    return lines


def measure(runs: int, deep: int, explain: bool) -> None:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client, RequestFactory
    from django.urls import reverse

    from assessments import selectors
    from assessments.filters import WorkQueueFilter
    from assessments.models import Application, Citizen
    from assessments.tables import WorkQueueTable
    from rehab.models import User
    from rehab.roles import Role

    open_applications = Application.objects.exclude(status=Application.Status.CLOSED)
    team_id, team_open = (
        open_applications.values("team_id")
        .annotate(open=Count("pk"))
        .order_by("-open")
        .values_list("team_id", "open")
        .first()
    )
    open_cases = Q(applications_as_case_officer__status__in=selectors.OPEN_STATUSES)
    officer = (
        User.objects.filter(groups__name=Role.CASE_OFFICER.value, team_id=team_id)
        .annotate(open=Count("applications_as_case_officer", filter=open_cases))
        .order_by("-open")
        .first()
    )
    therapist = (
        User.objects.filter(groups__name=Role.THERAPIST.value)
        .annotate(visits=Count("applications_as_therapist__visits"))
        .order_by("-visits")
        .first()
    )
    citizen = Citizen.objects.filter(team_id=officer.team_id, protected_identity=False).first()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{Citizen.objects.count()} citizens, {Application.objects.count()} applications"
    )
    print(
        f"case officer {officer.username}: {officer.open} open cases of their own, "
        f"{team_open} open in their team; therapist {therapist.username}: "
        f"{therapist.visits} visits"
    )
    officer_client, therapist_client = Client(), Client()
    officer_client.force_login(officer)
    therapist_client.force_login(therapist)
    queue, visits, search = (
        reverse("assessments:work_queue"),
        reverse("assessments:my_visits"),
        reverse("assessments:citizen_search"),
    )

    def get(client, url, **query):
        def call():
            response = client.get(url, query)
            assert response.status_code == 200, (url, query, response.status_code)
            return response

        return call

    def post(client, url, **data):
        def call():
            response = client.post(url, data)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    # The deep page: "next" followed ``deep`` times from the first page of the team's queue.
    # A smaller team's queue ends earlier: the deep page is then its last page.
    cursor, reached = None, 1
    for _ in range(deep):
        query = {"scope": "team", **({"after": cursor} if cursor else {})}
        following = officer_client.get(queue, query).context["page"].next_cursor
        if following is None:
            break
        cursor, reached = following, reached + 1
    deep = reached - 1
    pages: list[tuple[str, object]] = [
        ("queue, own, page 1", get(officer_client, queue, scope="mine")),
        ("queue, team, page 1", get(officer_client, queue, scope="team")),
        (
            f"queue, team, page {reached} (keyset)",
            get(officer_client, queue, scope="team", **({"after": cursor} if cursor else {})),
        ),
    ]
    for name in WorkQueueTable.base_columns:
        for direction in ("", "-"):
            pages.append(
                (
                    f"queue, team, sort {direction}{name}",
                    get(officer_client, queue, scope="team", sort=f"{direction}{name}"),
                )
            )
    pages += [
        ("queue, own, sort -visit_at", get(officer_client, queue, scope="mine", sort="-visit_at")),
        ("queue, team, overdue", get(officer_client, queue, scope="team", overdue="on")),
        ("queue, own, overdue", get(officer_client, queue, scope="mine", overdue="on")),
        ("queue, team, to book", get(officer_client, queue, scope="team", to_book="on")),
        ("queue, team, status", get(officer_client, queue, scope="team", status="visit_booked")),
        ("queue, team, name filter", get(officer_client, queue, scope="team", q=citizen.last_name)),
        ("citizen search, name", post(officer_client, search, query=citizen.last_name)),
        (
            "citizen search, first + last",
            post(officer_client, search, query=f"{citizen.first_name} {citizen.last_name}"),
        ),
        (
            "citizen search, personnummer",
            post(officer_client, search, query=citizen.personal_number),
        ),
        ("my visits, page 1", get(therapist_client, visits)),
    ]
    visit_cursor = None
    for _ in range(min(deep, 20)):
        page = therapist_client.get(visits, {"after": visit_cursor} if visit_cursor else {})
        visit_cursor = page.context["page"].next_cursor or visit_cursor
    deep_visits = {"after": visit_cursor} if visit_cursor else {}
    pages.append(("my visits, deep page", get(therapist_client, visits, **deep_visits)))

    # The baseline: the stock Paginator (COUNT(*), then OFFSET) at the deep page's position.
    request = RequestFactory().get(queue, {"scope": "team"})
    request.user = officer
    ordered = WorkQueueFilter(
        request.GET, queryset=selectors.work_queue_for(user=officer), request=request
    ).qs

    def offset_page():
        return list(Paginator(ordered, 25).page(deep + 1).object_list)

    def offset_only():
        return list(ordered[deep * 25 : deep * 25 + 25])

    print(f"\n{'page':<40}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}{'SQL ms':>9}")
    for label, call in pages:
        p50, p99, queries, sql = _timed(call, runs)
        print(f"{label:<40}{p50:>9.1f}{p99:>9.1f}{queries:>9}{sql:>9.1f}")
        if explain:
            print("\n".join(_explain(call)))
    for label, call in (
        (f"baseline: Paginator page {deep + 1} (COUNT+OFFSET)", offset_page),
        (f"baseline: OFFSET {deep * 25} only", offset_only),
    ):
        p50, p99, queries, sql = _timed(call, runs)
        print(f"{label:<40}{p50:>9.1f}{p99:>9.1f}{queries:>9}{sql:>9.1f}  (SQL only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--deep", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database of generated data.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings.local")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's responses carry their context
    measure(args.runs, args.deep, args.explain)


if __name__ == "__main__":
    main()
