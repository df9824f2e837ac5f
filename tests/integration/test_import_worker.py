"""A background import whose whole worker is killed half-way is sent again by the beat job
and finishes, saving every row exactly once, on the broker the settings choose: the folder
broker of the SQLite pass (which never gives a taken job back by itself) and Redis.
"""

import datetime
import signal
import subprocess
import sys
import uuid

import pytest
from django.core.files.storage import default_storage

from assessments import demo_data, imports
from assessments.imports import jobs
from assessments.models import Application, Citizen, ImportJob
from assessments.tasks import resend_stalled_imports, run_import
from rehab.models import AccessLogEntry
from tests.integration.test_report_worker import stop
from tests.integration.test_worker import wait_for
from tests.support.worker import BASE_DIR, _test_database_url
from tests.unit.assessments.test_import import csv_bytes, row

pytestmark = pytest.mark.integration

ROWS = 6

# A worker on the test's own queue that saves batches of two rows and, with a pause, stops
# before its second batch, so that the test can kill it half-way. Patched here, in the test's
# worker process only.
KILLABLE_WORKER = """
import sys
import time

import django

queue, name, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
django.setup()
from assessments.imports import jobs
from rehab.celery import app

jobs.BATCH_ROWS = 2
save_batch = jobs.import_rows
batches = []

def slow_import_rows(**kwargs):
    batches.append(1)
    if pause and len(batches) == 2:
        time.sleep(pause)
    return save_batch(**kwargs)

jobs.import_rows = slow_import_rows
app.worker_main(
    ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
     "-Q", queue, "-n", name]
)
"""


def start_worker(queue, pause, log_path):
    import os

    log = log_path.open("a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLABLE_WORKER,
            queue,
            f"import-kill-{uuid.uuid4().hex[:8]}@%h",
            str(pause),
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehab.settings.test",
            "DATABASE_URL": _test_database_url(),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill reaches all of it
    )
    process.log = log
    return process


def numbers():
    return [
        demo_data.personal_number(datetime.date(1940, 1, day), serial=20 + 2 * day)
        for day in range(1, ROWS + 1)
    ]


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_whole_worker_is_killed_is_sent_again_and_saves_each_row_once(
    officer, settings, tmp_path, monkeypatch
):
    # The heartbeat is the production one (every 5 s); the test takes a job as lost after
    # 12 s of silence instead of 45 s, to keep the suite short. It is judged here, by the
    # beat job run in the test's process.
    assert settings.SAMREHAB_JOB_HEARTBEAT_SECONDS == 5
    settings.SAMREHAB_JOB_STALLED_AFTER_SECONDS = 12
    queue = f"import-kill-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(jobs, "enqueue", lambda pk: run_import.apply_async((pk,), queue=queue))
    content = csv_bytes(
        [row(number, "Test", f"Rad{index}") for index, number in enumerate(numbers())]
    )
    path = imports.store_upload(default_storage, name="cases.csv", content=content)
    job = jobs.start_import(
        actor=officer, upload_path=path, only_valid=False, language="sv", ip_address="127.0.0.1"
    )
    log_path = tmp_path / "workers.log"

    def saved():
        job.refresh_from_db()
        return job.done_rows

    first = start_worker(queue, pause=600, log_path=log_path)
    try:
        assert wait_for(lambda: saved() == 2, timeout=90), log_path.read_text()[-3000:]
        stop(first, signal.SIGKILL)
    finally:
        stop(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert (job.status, job.attempts, Citizen.objects.count()) == ("running", 1, 2)

    second = start_worker(queue, pause=0, log_path=log_path)
    try:
        sent = []
        assert wait_for(
            lambda: sent.append(resend_stalled_imports()) or sum(sent), timeout=60, interval=1
        )
        assert wait_for(lambda: job.refresh_from_db() or job.is_finished, timeout=90), (
            log_path.read_text()[-3000:]
        )
        assert resend_stalled_imports() == 0
    finally:
        stop(second)

    assert sum(sent) == 1
    assert (job.status, job.attempts) == ("done", 2), job.failure
    assert Citizen.objects.count() == ROWS
    assert Application.objects.count() == ROWS
    # The second run skipped the two rows the first had saved, and counts them as done.
    assert (job.created_applications, job.skipped_duplicates) == (ROWS, 0)
    assert (job.done_rows, job.total_rows, job.progress) == (ROWS, ROWS, 100)
    assert not default_storage.exists(path)
    created = AccessLogEntry.objects.filter(action="create", user=officer)
    assert created.count() == ROWS
    assert ImportJob.objects.count() == 1
