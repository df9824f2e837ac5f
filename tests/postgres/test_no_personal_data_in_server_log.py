"""No personnummer, name or address reaches the PostgreSQL server's log.

An ERROR makes the server log the failing statement (log_min_error_statement) and a unique
violation logs the duplicate key. Two registrations of the same number at the same moment
must therefore not end in a unique violation, and a statement that fails must carry its
values as parameters, not in its text. The server log is the file next to the cluster's
data folder that bin/test starts the server with (``$SAMREHAB_PGDATA`` + ``.log``).
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.db import DataError, connection, connections, transaction

from assessments import imports, services
from assessments.models import Application, Citizen

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NUMBER = "19520814-2389"  # a valid test number, female
PERSONAL_DATA = [
    NUMBER,
    "195208142389",
    "520814-2389",
    "5208142389",
    "Ingegerd",
    "Sjöstrand",
    "Bergsgatan 17",
]


def server_log_path() -> Path:
    pgdata = os.environ.get("SAMREHAB_PGDATA")
    if not pgdata:
        pytest.fail("SAMREHAB_PGDATA names the test cluster's data folder (bin/test sets it)")
    path = Path(pgdata.rstrip("/") + ".log")
    if not path.is_file():
        pytest.fail(f"the PostgreSQL server log {path} does not exist")
    return path


class ServerLog:
    """The part of the server log written since the test began."""

    def __init__(self, path: Path):
        self.path = path
        self.start = path.stat().st_size

    def new_text(self) -> str:
        time.sleep(0.2)  # let the server finish writing
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode(errors="replace")


@pytest.fixture
def server_log():
    return ServerLog(server_log_path())


def leaked(text: str) -> list[str]:
    return [item for item in PERSONAL_DATA if item in text]


def register(team):
    return services.citizen_create(
        personal_number=NUMBER,
        team=team,
        first_name="Ingegerd",
        last_name="Sjöstrand",
        street_address="Bergsgatan 17",
        postal_code="85231",
        city="Sundsvall",
    )


def import_file(actor):
    """Import one row for the number, as a case officer uploading a file would."""
    header = "personnummer;fornamn;efternamn;inkom;arendetyp;kanal;trygghetslarm"
    line = f"{NUMBER};Ingegerd;Sjöstrand;2026-03-01;ansokan;telefon;ja"
    content = f"{header}\r\n{line}\r\n".encode()
    report = imports.parse_file(name="cases.csv", content=content, team_id=actor.team_id)
    assert report.importable_rows  # checked before the other import saved
    return imports.import_rows(report=report, actor=actor, only_valid=False)


def waiting_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def overlap(first, second) -> dict:
    """Run ``first`` in a transaction that stays open until ``second``, on another
    connection, waits for a lock; then commit. Returns what each returned or raised, and
    whether the second did wait."""
    first_done = threading.Event()
    release = threading.Event()
    outcomes: dict = {}

    def run_first():
        try:
            with transaction.atomic():
                outcomes["first"] = first()
                first_done.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
            outcomes["first"] = error
        finally:
            first_done.set()
            connections.close_all()

    def run_second():
        first_done.wait(10)
        try:
            outcomes["second"] = second()
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
            outcomes["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    first_done.wait(10)
    deadline = time.monotonic() + 10
    outcomes["second_waited"] = False
    while time.monotonic() < deadline and "second" not in outcomes:
        if waiting_backends():
            outcomes["second_waited"] = True
            break
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_registrations_of_one_number_at_once_log_no_personal_data(officer, server_log):
    """The first registration has inserted but not committed when the second one checks
    for the number: the second waits for the first, then says the citizen is registered."""
    outcomes = overlap(lambda: register(officer.team), lambda: register(officer.team))

    assert outcomes["second_waited"] is True
    assert isinstance(outcomes["first"], Citizen)
    assert isinstance(outcomes["second"], services.DuplicateCitizenError)
    assert outcomes["second"].existing.pk == outcomes["first"].pk
    assert Citizen.objects.count() == 1
    assert leaked(server_log.new_text()) == []


def test_two_imports_of_one_file_at_once_log_no_personal_data(officer, server_log):
    """The second import waits for the first, then skips the row the first saved."""
    outcomes = overlap(lambda: import_file(officer), lambda: import_file(officer))

    assert outcomes["second_waited"] is True
    first, second = outcomes["first"], outcomes["second"]
    assert (first.created_citizens, first.created_applications) == (1, 1)
    assert (second.created_citizens, second.created_applications) == (0, 0)
    assert second.skipped_duplicates == 1
    assert Citizen.objects.count() == 1
    assert Application.objects.count() == 1
    assert leaked(server_log.new_text()) == []


def test_an_import_while_the_number_is_being_registered_logs_no_personal_data(officer, server_log):
    """The import waits for the registration, then adds its case to that citizen."""
    outcomes = overlap(lambda: register(officer.team), lambda: import_file(officer))

    assert outcomes["second_waited"] is True
    assert isinstance(outcomes["first"], Citizen)
    imported = outcomes["second"]
    assert (imported.created_citizens, imported.created_applications) == (0, 1)
    assert Application.objects.get().citizen_id == outcomes["first"].pk
    assert leaked(server_log.new_text()) == []


def test_a_failing_statement_is_logged_without_its_values(officer, server_log):
    """A statement the server refuses is logged with $1 placeholders, not the values."""
    citizen = Citizen(
        personal_number=NUMBER.replace("-", ""),
        birth_date="1952-08-14",
        sex=Citizen.Sex.FEMALE,
        first_name="Ingegerd",
        last_name="Sjöstrand" * 20,  # longer than the column allows
        street_address="Bergsgatan 17",
        team=officer.team,
    )
    with pytest.raises(DataError), transaction.atomic():
        citizen.save()

    log = server_log.new_text()
    assert "value too long" in log  # the server did log the failure
    assert leaked(log) == []
