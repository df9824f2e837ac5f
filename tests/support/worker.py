"""Fixture: a real Celery worker process, on the broker the settings choose (a folder or Redis),
reading and writing the same test database as the tests."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def _test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{db['NAME']}"))


class SessionWorker:
    """The suite's worker process, started once and started again if it has died: a test
    that takes Redis away (tests/integration/test_faults.py) may leave it stopped, and the
    next test that needs a worker must not find none."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def running(self) -> subprocess.Popen:
        if self.process is not None and self.process.poll() is None:
            return self.process
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehab.settings.test",
            "DATABASE_URL": _test_database_url(),
        }
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rehab",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()  # the child keeps its own copy of the file
        self.process.log_path = self.log_path
        return self.process

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    if not settings.REDIS_URL:
        queue_dir = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        shutil.rmtree(queue_dir, ignore_errors=True)
        (queue_dir / "control").mkdir(parents=True)
    worker = SessionWorker(tmp_path_factory.mktemp("worker") / "worker.log")
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker_process(_session_worker):
    """A real Celery worker process on the broker of the settings, sharing the test
    database; the same process for the whole run while it lives."""
    return _session_worker.running()
