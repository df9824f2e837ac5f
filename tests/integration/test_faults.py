"""Faults: many saves at once, two saves of one record, Redis down while a report is ordered,
and PostgreSQL restarting under the web process.

The Redis and PostgreSQL tests (``postgres`` marker) stop and start the services bin/test
started; they read where those are from SAMREHAB_PGDATA, SAMREHAB_PG_PORT,
SAMREHAB_REDIS_PORT, SAMREHAB_RUN_AS_PG and PG_BIN, and fail when these are missing.
"""

import datetime
import os
import shlex
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from assessments.models import Citizen
from assessments.services import ConflictError, citizen_update
from followup.models import ReportRequest
from followup.reports import ordering
from followup.tasks import requeue_waiting_reports
from tests.factories import CitizenFactory, TeamFactory, UserFactory
from tests.integration.test_worker import wait_for
from tests.support.worker import SessionWorker
from tests.unit.followup.test_reports import make_cohort

pytestmark = pytest.mark.integration


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run this test through bin/test (it starts the services)")
    return value


# --- many saves at once -------------------------------------------------------------------------


def _in_thread(target, *args):
    """Run ``target`` in a thread with its own database connection, closed at the end."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_saves_of_different_records_lose_nothing():
    team = TeamFactory()
    citizens = CitizenFactory.create_batch(50, team=team)
    barrier = threading.Barrier(50)

    def save(pk):
        citizen = Citizen.objects.get(pk=pk)
        barrier.wait(timeout=30)
        citizen_update(citizen=citizen, expected_version=citizen.version, city=f"Stad {pk}")

    runs = [_in_thread(save, citizen.pk) for citizen in citizens]
    for thread, _ in runs:
        thread.start()
    for thread, _ in runs:
        thread.join(timeout=120)
    errors = [outcome["error"] for _, outcome in runs if "error" in outcome]
    assert errors == []
    saved = Citizen.objects.filter(pk__in=[c.pk for c in citizens])
    assert sorted((c.city, c.version) for c in saved) == sorted(
        (f"Stad {c.pk}", c.version + 1) for c in citizens
    )


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_record_at_once_one_wins_the_other_gets_a_conflict():
    citizen = CitizenFactory(team=TeamFactory())
    version = citizen.version
    barrier = threading.Barrier(2)

    def save(phone):
        mine = Citizen.objects.get(pk=citizen.pk)
        barrier.wait(timeout=30)
        citizen_update(citizen=mine, expected_version=version, phone=phone)
        return phone

    runs = [_in_thread(save, phone) for phone in ("070-111 11 11", "070-222 22 22")]
    for thread, _ in runs:
        thread.start()
    for thread, _ in runs:
        thread.join(timeout=60)
    winners = [outcome["result"] for _, outcome in runs if "result" in outcome]
    losers = [outcome["error"] for _, outcome in runs if "error" in outcome]
    assert len(winners) == 1
    assert len(losers) == 1 and isinstance(losers[0], ConflictError)
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.version) == (winners[0], version + 1)


# --- Redis down while a report is ordered -------------------------------------------------------


def _redis_cli(port: str, *args) -> str:
    return subprocess.run(
        ["redis-cli", "-p", port, *args], capture_output=True, text=True, timeout=30
    ).stdout.strip()


def _redis_config(port: str, name: str) -> str:
    lines = _redis_cli(port, "config", "get", name).splitlines()
    return lines[1] if len(lines) > 1 else ""


def _start_redis(port: str, config: dict) -> None:
    command = [
        "redis-server",
        "--port",
        port,
        "--bind",
        config["bind"] or "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "yes",
    ]
    for name in ("pidfile", "dir", "logfile"):
        if config[name]:
            command += [f"--{name}", config[name]]
    subprocess.run(command, check=True, timeout=30)
    assert wait_for(lambda: _redis_cli(port, "ping") == "PONG", timeout=20), "Redis did not start"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_report_ordered_while_redis_is_down_is_made_once_redis_is_back(
    client, celery_worker_process, _session_worker, tmp_path
):
    port = _env("SAMREHAB_REDIS_PORT")
    assert settings.REDIS_URL, "this test needs Redis (REDIS_URL)"
    team = TeamFactory(name="Team Avbrott")
    staff = {
        "team": team,
        "officer": UserFactory(case_officer=True, team=team),
        "therapist": UserFactory(therapist=True, team=team),
        "manager": UserFactory(manager=True, team=team),
    }
    make_cohort(team, staff)
    client.force_login(staff["manager"])
    config = {name: _redis_config(port, name) for name in ("bind", "pidfile", "dir", "logfile")}
    assert _redis_cli(port, "ping") == "PONG"

    _redis_cli(port, "shutdown", "nosave")
    try:
        assert wait_for(lambda: _redis_cli(port, "ping") != "PONG", timeout=20)
        response = client.post(
            reverse("followup:report_order"),
            {
                "period": "2026H1",
                "team": team.pk,
                "track": "2",
            },
        )
        assert response.status_code in (200, 302), response.content[:500]
        report = ReportRequest.objects.get()
        assert report.status == ReportRequest.Status.QUEUED
        page = client.get(reverse("followup:report_status", args=[report.public_id]))
        assert page.status_code == 200
        assert str(ReportRequest.Status.QUEUED.label) in page.content.decode()
    finally:
        _start_redis(port, config)

    # Two minutes later the beat job sends the job again.
    ReportRequest.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - ordering.REQUEUE_AFTER - datetime.timedelta(seconds=5)
    )
    assert requeue_waiting_reports() == 1
    # The session's worker was started before Redis went down; a fresh worker on the default
    # queue makes sure one is listening whichever of them reconnects first.
    log_path = tmp_path / "worker.log"
    fresh = SessionWorker(log_path)
    fresh.running()
    try:

        def done():
            report.refresh_from_db()
            return report.status in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED)

        assert wait_for(done, timeout=120), log_path.read_text()[-3000:]
    finally:
        fresh.stop()
        # The session's worker lost Redis under it and may not have come back whole; the
        # next test that needs a worker gets a new one.
        _session_worker.stop()
    assert report.status == ReportRequest.Status.DONE, report.error
    assert report.progress == 100


# --- PostgreSQL restarts ------------------------------------------------------------------------


def _pg_ctl(*args, wait=True):
    pg_bin = Path(_env("PG_BIN"))
    command = [
        *shlex.split(os.environ.get("SAMREHAB_RUN_AS_PG", "")),
        str(pg_bin / "pg_ctl"),
        "-D",
        _env("SAMREHAB_PGDATA"),
        *args,
    ]
    # Output to /dev/null, not to a pipe the server would hold open; the server's own log
    # goes where -l says.
    popen = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if wait:
        assert popen.wait(timeout=120) == 0, f"{shlex.join(command)} failed"
    return popen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_restarting_gives_a_friendly_page_then_the_next_request_succeeds(
    client, officer
):
    _env("SAMREHAB_PG_PORT")
    assert connection.vendor == "postgresql"
    citizen = CitizenFactory(team=officer.team)
    url = reverse("assessments:citizen_detail", args=[citizen.public_id])
    client.force_login(officer)
    # As a real server does: an error a middleware raises is answered by handler500.
    client.raise_request_exception = False
    assert client.get(url).status_code == 200

    # Requests while the server restarts: each is either served or a friendly 503.
    # The restarted server keeps writing to the log file bin/test gave it (later tests read
    # it for personal data).
    server_log = _env("SAMREHAB_PGDATA") + ".log"
    restart = _pg_ctl("restart", "-m", "fast", "-w", "-t", "60", "-l", server_log, wait=False)
    statuses = []
    deadline = time.monotonic() + 90
    while restart.poll() is None and time.monotonic() < deadline:
        response = client.get(url)
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert response["Retry-After"] == "5"
            assert "Försök igen om en stund" in response.content.decode()
        time.sleep(0.05)
    assert restart.wait(timeout=60) == 0
    assert set(statuses) <= {200, 503}, statuses

    # Down for certain: the friendly page, not a traceback.
    _pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
    try:
        response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        body = response.content.decode()
        assert "Försök igen om en stund" in body
        assert "Traceback" not in body and "OperationalError" not in body
    finally:
        # restart starts a stopped server with the options it last ran with (postmaster.opts),
        # and the log file it is given.
        _pg_ctl("restart", "-w", "-t", "60", "-l", server_log)

    # Back up: the next request succeeds, nothing else restarted.
    response = client.get(url)
    assert response.status_code == 200
    assert citizen.last_name in response.content.decode()
