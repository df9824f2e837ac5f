from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(bind=True, soft_time_limit=30, time_limit=60)
def record_heartbeat(self, heartbeat_id: int) -> None:
    """Stamp a heartbeat once; running it again changes nothing."""
    WorkerHeartbeat.objects.filter(pk=heartbeat_id, processed_at__isnull=True).update(
        processed_at=timezone.now(), worker=self.request.hostname or ""
    )
