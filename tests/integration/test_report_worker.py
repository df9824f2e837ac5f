"""Report jobs on a real worker: ordered on the page, made by the worker, and made exactly
once more, within minutes, when the whole worker is killed in the middle of a report.

The kill test runs on Redis (the PostgreSQL + Redis pass; ``postgres`` marker), the broker of
production, with its production visibility timeout (an hour) and the production heartbeat
settings: the report is made again because its heartbeat stopped and the beat job sent the
job again, not because the broker gave the message back.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from followup.models import ReportRequest
from followup.reports import ordering
from followup.tasks import build_report, requeue_waiting_reports
from tests.factories import TeamFactory, UserFactory
from tests.integration.test_worker import wait_for
from tests.support.worker import BASE_DIR, _test_database_url
from tests.unit.followup.test_reports import END, START, make_cohort

pytestmark = pytest.mark.integration

# A worker for the kill test: its own queue (the session's worker must not take the job)
# and optionally a pause before the figures are computed, so that the test can kill it
# while the report is "running". The pause is patched in here, in the test's worker process
# only; the application has no test hook. The broker's options are those of the settings.
KILLABLE_WORKER = """
import sys
import time

from rehab.celery import app

queue, name, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
if pause:
    import django

    django.setup()
    from followup.reports import rendering

    make_context = rendering.report_context

    def slow_context(report):
        time.sleep(pause)
        return make_context(report)

    rendering.report_context = slow_context
app.worker_main(
    ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
     "-Q", queue, "-n", name]
)
"""


@pytest.fixture
def staff():
    team = TeamFactory(name="Team Rapport")
    return {
        "team": team,
        "officer": UserFactory(case_officer=True, team=team),
        "therapist": UserFactory(therapist=True, team=team),
        "manager": UserFactory(manager=True, team=team),
    }


def report_files(report: ReportRequest) -> list[str]:
    if not default_storage.exists("reports"):
        return []
    _, files = default_storage.listdir("reports")
    return [name for name in files if str(report.public_id) in name]


@pytest.mark.django_db(transaction=True)
def test_a_report_ordered_on_the_page_is_made_by_the_worker(client, staff, celery_worker_process):
    make_cohort(staff["team"], staff)
    client.force_login(staff["manager"])
    response = client.post(
        reverse("followup:report_order"),
        {
            "period": "2026H1",
            "team": staff["team"].pk,
            "track": "2",
        },
    )
    assert response.status_code == 302
    report = ReportRequest.objects.get()

    def done():
        report.refresh_from_db()
        return report.status in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED)

    assert wait_for(done, timeout=120), celery_worker_process.log_path.read_text()[-3000:]
    assert report.status == ReportRequest.Status.DONE, report.error
    assert (report.progress, report.attempts) == (100, 1)
    with default_storage.open(report.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert report_files(report) == [report.file.name.split("/")[-1]]

    status = client.get(reverse("followup:report_status", args=[report.public_id]))
    assert "hx-trigger" not in status.content.decode()
    download = client.get(reverse("followup:report_download", args=[report.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def start_killable_worker(queue: str, pause: float, log_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rehab.settings.test",
        "DATABASE_URL": _test_database_url(),
    }
    log = log_path.open("a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLABLE_WORKER,
            queue,
            f"kill-test-{uuid.uuid4().hex[:8]}@%h",
            str(pause),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill reaches its children too
    )
    process.log = log
    return process


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    process.log.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_whole_worker_is_killed_is_made_again_within_minutes_exactly_once(
    staff, tmp_path, monkeypatch
):
    assert settings.REDIS_URL, "the kill test runs on Redis, the broker of production"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
    assert (
        settings.SAMREHAB_JOB_HEARTBEAT_SECONDS,
        settings.SAMREHAB_JOB_STALLED_AFTER_SECONDS,
    ) == (
        5,
        45,
    )
    make_cohort(staff["team"], staff)
    queue = f"report-kill-test-{uuid.uuid4().hex[:8]}"

    # Ordered as the page does; its jobs (the first and any sent again) go to this test's queue.
    def enqueue(request_id):
        build_report.apply_async((request_id,), queue=queue)
        return True

    monkeypatch.setattr(ordering, "_enqueue", enqueue)
    report = ordering.order_report(
        user=staff["manager"],
        period_start=START,
        period_end=END,
        team_ids=[staff["team"].pk],
        tracks=[2],
    )
    log_path = tmp_path / "workers.log"

    def status():
        report.refresh_from_db()
        return report.status

    first = start_killable_worker(queue, pause=600, log_path=log_path)
    try:
        assert wait_for(lambda: status() == ReportRequest.Status.RUNNING, timeout=90), (
            log_path.read_text()[-3000:]
        )
        # The heartbeat is renewed while the worker lives.
        started = report.heartbeat_at
        assert wait_for(lambda: (status(), report.heartbeat_at > started)[1], timeout=15)
        assert requeue_waiting_reports() == 0
        stop(first, signal.SIGKILL)  # the whole worker: its process group
    finally:
        stop(first, signal.SIGKILL)
    killed_at = time.monotonic()
    assert first.returncode == -signal.SIGKILL
    assert (report.status, report.attempts) == (ReportRequest.Status.RUNNING, 1)
    assert report_files(report) == []

    second = start_killable_worker(queue, pause=0, log_path=log_path)
    try:
        # The beat job, run every minute in production, run here every two seconds: it sends
        # the job again once the heartbeat is older than 45 s, and only once.
        sent = []
        assert wait_for(
            lambda: sent.append(requeue_waiting_reports()) or sum(sent), timeout=90, interval=2
        )
        finished = wait_for(
            lambda: status() in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED),
            timeout=120,
        )
        assert finished, log_path.read_text()[-3000:]
        took = time.monotonic() - killed_at
        assert sum(sent) == 1
        assert requeue_waiting_reports() == 0

        # The broker's own late redelivery of the first message (after its hour) changes nothing.
        build_report.apply_async((report.pk,), queue=queue)
        assert wait_for(lambda: log_path.read_text().count("succeeded in") == 2, timeout=30)
    finally:
        stop(second)

    assert report.status == ReportRequest.Status.DONE, report.error
    assert 45 <= took < 180
    report.refresh_from_db()
    assert (report.attempts, report.progress) == (2, 100)
    assert report_files(report) == [report.file.name.split("/")[-1]]
    with default_storage.open(report.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
