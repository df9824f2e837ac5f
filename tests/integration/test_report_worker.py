"""Report jobs on a real worker: ordered on the page, made by the worker, and made exactly
once more when the worker is killed in the middle of a report.

The kill test runs only on Redis (the PostgreSQL + Redis pass; ``postgres`` marker): Redis
keeps a delivered but unacknowledged job (``acks_late``) and hands it to another worker once
its visibility timeout has passed. The folder broker of the SQLite pass deletes a job's
file when it hands the job out, so a job whose worker is killed is never delivered again;
there the report is ordered anew once it is stale (``ordering.STALE_AFTER``).
"""

import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from followup.models import ReportRequest
from followup.reports import ordering
from followup.tasks import build_report
from tests.factories import TeamFactory, UserFactory
from tests.integration.test_worker import wait_for
from tests.support.worker import BASE_DIR, _test_database_url
from tests.unit.followup.test_reports import END, START, make_cohort

pytestmark = pytest.mark.integration

# A worker for the kill test: its own queue (the session's worker must not take the job),
# a short Redis visibility timeout with a sweep every second (so the job comes back within
# seconds rather than an hour), and optionally a pause before the figures are computed, so
# that the test can kill it while the report is "running". The pause is patched in here,
# in the test's worker process only; the application has no test hook.
KILLABLE_WORKER = """
import sys
import time

from rehab.celery import app

queue, name, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
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
            "teams": [staff["team"].pk],
            "tracks": ["2"],
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
def test_a_report_whose_worker_is_killed_is_made_exactly_once_by_another_worker(
    staff, tmp_path, monkeypatch
):
    assert settings.REDIS_URL, "the kill test needs Redis (a folder broker does not redeliver)"
    make_cohort(staff["team"], staff)
    # Ordered as the page does, but sent to this test's own queue.
    monkeypatch.setattr(ordering, "_enqueue", lambda request_id: None)
    report = ordering.order_report(
        user=staff["manager"],
        period_start=START,
        period_end=END,
        team_ids=[staff["team"].pk],
        tracks=[2],
    )
    queue = f"report-kill-test-{uuid.uuid4().hex[:8]}"
    build_report.apply_async((report.pk,), queue=queue)
    log_path = tmp_path / "workers.log"

    def status():
        report.refresh_from_db()
        return report.status

    first = start_killable_worker(queue, pause=120, log_path=log_path)
    try:
        assert wait_for(lambda: status() == ReportRequest.Status.RUNNING, timeout=90), (
            log_path.read_text()[-3000:]
        )
        stop(first, signal.SIGKILL)
    finally:
        stop(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert (report.status, report.attempts) == (ReportRequest.Status.RUNNING, 1)
    assert report_files(report) == []

    second = start_killable_worker(queue, pause=0, log_path=log_path)
    try:
        finished = wait_for(
            lambda: status() in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED),
            timeout=120,
        )
        assert finished, log_path.read_text()[-3000:]
    finally:
        stop(second)

    assert report.status == ReportRequest.Status.DONE, report.error
    assert report.attempts == 2
    assert report.progress == 100
    assert report_files(report) == [report.file.name.split("/")[-1]]
    with default_storage.open(report.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
