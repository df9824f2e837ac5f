from django.db import transaction

from .models import WorkerHeartbeat
from .tasks import record_heartbeat


def heartbeat_request() -> WorkerHeartbeat:
    """Write a heartbeat and ask a worker to stamp it once the row is committed."""
    with transaction.atomic():
        heartbeat = WorkerHeartbeat.objects.create()
        transaction.on_commit(lambda: record_heartbeat.delay(heartbeat.pk))
    return heartbeat
