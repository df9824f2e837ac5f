import time

import pytest
from django.conf import settings

from rehab.models import WorkerHeartbeat
from rehab.services import heartbeat_request

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_the_broker_to_a_real_worker(celery_worker_process):
    heartbeat = heartbeat_request()

    def stamped():
        heartbeat.refresh_from_db()
        return heartbeat.processed_at is not None

    assert wait_for(stamped), celery_worker_process.log_path.read_text()[-3000:]
    assert heartbeat.worker.startswith("test-")
    assert heartbeat.processed_at >= heartbeat.requested_at
    expected = "redis://" if settings.REDIS_URL else "filesystem://"
    assert settings.CELERY_BROKER_URL.startswith(expected)
    assert WorkerHeartbeat.objects.count() == 1
