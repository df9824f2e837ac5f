"""Heartbeats of background jobs: how a job whose whole worker died is found within minutes.

A job row (a report, an import) says "running" while a worker makes it. If the worker is
killed (SIGKILL, out of memory, the machine restarted), nothing changes the row, and the
broker gives the job back only after its visibility timeout (an hour on Redis) or never
(the folder broker). So while a job runs, ``heartbeat`` renews the row's ``heartbeat_at``
every ``SAMREHAB_JOB_HEARTBEAT_SECONDS`` from a thread of the worker's process, and the
beat job of each app sends again the running jobs whose heartbeat is older than
``SAMREHAB_JOB_STALLED_AFTER_SECONDS`` (``stalled``).

A job is made once: a delivery that finds its row running with a live heartbeat leaves it to
the worker that holds it (``is_alive``), and a done row is left alone, so the broker's own
late redelivery of the first message changes nothing.
"""

from __future__ import annotations

import datetime
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def every() -> float:
    return float(settings.SAMREHAB_JOB_HEARTBEAT_SECONDS)


def stalled_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SAMREHAB_JOB_STALLED_AFTER_SECONDS)


def is_alive(heartbeat_at: datetime.datetime | None, *, now=None) -> bool:
    """Whether a running job's worker renewed its heartbeat recently enough to be alive."""
    return heartbeat_at is not None and heartbeat_at >= (now or timezone.now()) - stalled_after()


def stalled(queryset: QuerySet, *, running: str, now=None) -> QuerySet:
    """The rows of ``queryset`` in status ``running`` whose heartbeat has stopped."""
    cutoff = (now or timezone.now()) - stalled_after()
    return queryset.filter(status=running).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    )


def take_stalled(model, *, running: str, queued: str) -> list[int]:
    """Put the running rows of ``model`` whose heartbeat has stopped back to ``queued`` and
    return their ids, for the caller to send their jobs again. Each row is taken by a
    conditional update, so a job whose worker came back meanwhile is left to it."""
    taken = []
    for pk in stalled(model.objects.all(), running=running).values_list("pk", flat=True):
        if stalled(model.objects.filter(pk=pk), running=running).update(
            status=queued, heartbeat_at=None
        ):
            logger.warning(
                "%s %s lost its worker; its job is sent again", model._meta.model_name, pk
            )
            taken.append(pk)
    return taken


@contextmanager
def heartbeat(model, pk: int):
    """Renew ``model``'s row ``pk`` heartbeat from a thread until the block ends.

    The thread has its own database connection, closed when it stops. A beat that cannot be
    written (the database busy or briefly gone) is skipped; the next one tries again.
    """
    stop = threading.Event()
    interval = every()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    model.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
                except DatabaseError as error:
                    logger.warning(
                        "%s %s: heartbeat not written (%s)",
                        model._meta.model_name,
                        pk,
                        type(error).__name__,
                    )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{model._meta.model_name}-{pk}")
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)
