"""The app behind PgBouncer in transaction mode, the pooler an installation puts in front of
PostgreSQL when many web and worker processes share one server (docs/scale-out.md).

In transaction mode a client's next transaction may run on another server connection. A
cursor held open across transactions, as Django's ``iterator()`` declares one outside a
transaction, is then lost: the next chunk is fetched on a server connection that never saw
the cursor. ``DB_POOLER=transaction`` makes ``iterator()`` fetch its chunks on the client
side. The test runs a real PgBouncer (Debian's package) with two server connections and a
process of the app that streams the access log while another connection of the same process
holds a transaction open, so that the stream's next chunk has to go to the other server
connection. It works with the setting and fails without it: the setting is what makes the
difference.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments import services
from rehab.models import AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]

# Two connections of one process take turns on PgBouncer's single server connection.
TWO_CLIENTS = textwrap.dedent(
    """
    import django

    django.setup()
    from django.db import connections

    from rehab.models import AccessLogEntry, User

    second = connections.create_connection("default")
    stream = AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2)
    rows = 1 if next(stream) else 0
    # Another client of the pooler holds the idle server connection in a transaction.
    second.set_autocommit(False)
    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rehab_user WHERE is_active = %s", [True])
    rows += sum(1 for _ in stream)
    second.rollback()
    print(f"rows={rows} users={User.objects.count()}")
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pgbouncer():
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        pytest.fail("PgBouncer is not installed (bin/test installs Debian's pgbouncer)")
    role = os.environ.get("SAMREHAB_APP_ROLE")
    if not role:
        pytest.fail("SAMREHAB_APP_ROLE names the app's database role (bin/test sets it)")
    call_command("grant_app_role", role=role, verbosity=0)
    db = connection.settings_dict
    port = free_port()
    # Not under pytest's own folder, which only root may enter.
    folder = Path(tempfile.mkdtemp(prefix="samrehab-pgbouncer-"))
    (folder / "users.txt").write_text(f'"{role}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        textwrap.dedent(
            f"""
            [databases]
            {db["NAME"]} = host={db["HOST"]} port={db["PORT"]} dbname={db["NAME"]}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {folder / "users.txt"}
            pool_mode = transaction
            default_pool_size = 2
            max_client_conn = 10
            logfile = {folder / "pgbouncer.log"}
            pidfile = {folder / "pgbouncer.pid"}
            """
        )
    )
    # PgBouncer refuses to run as root: as the PostgreSQL user, like the test server.
    as_pg = os.environ.get("SAMREHAB_RUN_AS_PG", "").split()
    if as_pg:
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, "postgres")
    process = subprocess.Popen([*as_pg, binary, "-q", str(folder / "pgbouncer.ini")])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("PgBouncer did not start: " + (folder / "pgbouncer.log").read_text()[-2000:])
    password = os.environ.get("SAMREHAB_APP_PASSWORD", "")
    credentials = f"{role}:{password}" if password else role
    yield f"postgres://{credentials}@127.0.0.1:{port}/{db['NAME']}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def run_two_clients(url: str, pooler: str | None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rehab.settings.test",
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
    }
    env.pop("DB_POOLER", None)
    if pooler:
        env["DB_POOLER"] = pooler
    return subprocess.run(
        [sys.executable, "-c", TWO_CLIENTS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def five_log_rows(client, demo_users):
    """Five reads of a citizen's page, each logged once."""
    officer = demo_users["handlaggare"]
    citizen = services.citizen_create(
        personal_number="19400307-3428", team=officer.team, first_name="Astrid", last_name="Lind"
    )
    client.force_login(officer)
    for _ in range(5):
        client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    assert AccessLogEntry.objects.count() == 5


def test_the_app_works_behind_pgbouncer_in_transaction_mode(pgbouncer, five_log_rows):
    result = run_two_clients(pgbouncer, "transaction")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "rows=5 users=5"


def test_without_the_setting_a_pooled_connection_breaks(pgbouncer, five_log_rows):
    result = run_two_clients(pgbouncer, None)
    assert result.returncode != 0
    assert "cursor" in result.stderr and "does not exist" in result.stderr, result.stderr[-3000:]
