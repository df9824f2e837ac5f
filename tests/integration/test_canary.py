"""A canary personnummer goes through the whole flow; afterwards no log line, no broker
message or key, no URL visited and, on PostgreSQL, nothing in the database server's log
contains it."""

import logging
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.models import Citizen
from followup.reports.periods import ended_periods
from rehab.logging import RedactIdentityNumbers

pytestmark = pytest.mark.integration

CANARY = "19400307-3428"
FORMS = [CANARY, CANARY.replace("-", ""), CANARY[2:], CANARY[2:].replace("-", "")]


def leaks(text: str) -> list[str]:
    return [form for form in FORMS if form in text]


def broker_contents() -> str:
    """Every key and value on the broker (Redis), or every message file (the folder broker)."""
    if settings.REDIS_URL:
        import redis

        server = redis.Redis.from_url(settings.REDIS_URL)
        parts = []
        for key in server.scan_iter(count=1000):
            parts.append(key.decode(errors="replace"))
            kind = server.type(key).decode()
            if kind == "string":
                parts.append(server.get(key).decode(errors="replace"))
            elif kind == "list":
                parts.extend(v.decode(errors="replace") for v in server.lrange(key, 0, -1))
            elif kind == "hash":
                parts.extend(
                    f"{k.decode(errors='replace')}={v.decode(errors='replace')}"
                    for k, v in server.hgetall(key).items()
                )
            elif kind in {"set", "zset"}:
                members = server.smembers(key) if kind == "set" else server.zrange(key, 0, -1)
                parts.extend(m.decode(errors="replace") for m in members)
        return "\n".join(parts)
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


class ServerLog:
    """On PostgreSQL, what the database server logged since this was made: the file next to
    the cluster's data folder that bin/test starts the server with ($SAMREHAB_PGDATA.log)."""

    def __init__(self):
        self.path = None
        if connection.vendor != "postgresql":
            return
        pgdata = os.environ.get("SAMREHAB_PGDATA")
        if not pgdata:
            pytest.fail("SAMREHAB_PGDATA names the test cluster's data folder (bin/test sets it)")
        self.path = Path(pgdata.rstrip("/") + ".log")
        if not self.path.is_file():
            pytest.fail(f"the PostgreSQL server log {self.path} does not exist")
        self.start = self.path.stat().st_size

    def new_text(self) -> str:
        if self.path is None:
            return ""
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_the_canary_number_appears_in_no_log_message_or_url(
    client, demo_users, celery_worker_process
):
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    server_log = ServerLog()
    handler = Collect()
    handler.addFilter(RedactIdentityNumbers())  # as the production log handler has
    logging.getLogger().addHandler(handler)
    visited: list[str] = []

    def visit(response):
        """The URLs the app sends the browser to: redirects and every link on the page."""
        if response.has_header("Location"):
            visited.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            page = response.content.decode()
            visited.extend(re.findall(r'(?:href|action|hx-get)="([^"]*)"', page))
        return response

    try:
        officer = demo_users["handlaggare"]
        client.force_login(officer)
        visit(client.post(reverse("assessments:citizen_search"), {"query": CANARY}))
        visit(
            client.post(
                reverse("assessments:citizen_create"),
                {
                    "personal_number": CANARY,
                    "first_name": "Kanarie",
                    "last_name": "Fågel",
                },
            )
        )
        visit(
            client.post(
                reverse("assessments:citizen_create"),
                {
                    "personal_number": CANARY,
                    "first_name": "Dubblett",
                    "last_name": "Fågel",
                },
            )
        )
        citizen = Citizen.objects.get()
        visit(client.get(reverse("assessments:citizen_detail", args=[citizen.public_id])))
        visit(
            client.post(
                reverse("assessments:application_create", args=[citizen.public_id]),
                {
                    "kind": "ansokan",
                    "received_on": timezone.localdate().isoformat(),
                    "channel": "phone",
                    "case_officer": officer.pk,
                    "applied_stad": "on",
                    "minutes_stad": "60",
                },
            )
        )
        # A number typed into the queue's name filter (a GET form) is dropped at once.
        response = visit(
            client.get(reverse("assessments:work_queue"), {"q": CANARY, "scope": "team"})
        )
        assert response.status_code == 302
        visit(client.get(response["Location"]))
        call_command("load_pilot_cohort")
        manager = demo_users["enhetschef"]
        client.force_login(manager)
        today = timezone.localdate()
        visit(
            client.post(
                reverse("followup:report_order"),
                {
                    "period": ended_periods(today)[0].key,
                    "team": officer.team_id,
                    "track": 2,
                },
            )
        )
        from followup.models import ReportRequest

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if ReportRequest.objects.filter(status=ReportRequest.Status.DONE).exists():
                break
            time.sleep(0.5)
        assert ReportRequest.objects.filter(status=ReportRequest.Status.DONE).exists(), (
            celery_worker_process.log_path.read_text()[-3000:]
        )
    finally:
        logging.getLogger().removeHandler(handler)

    assert leaks("\n".join(lines)) == []
    assert leaks("\n".join(visited)) == []
    assert leaks(broker_contents()) == []
    assert leaks(celery_worker_process.log_path.read_text()) == []
    assert leaks(server_log.new_text()) == []
    assert visited  # the flow did run
