"""The backup routine in README works: a pg_dump of the database restores into a fresh
database, and the app starts on it with the data in place."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from assessments import services
from assessments.models import ServiceType

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_and_the_app_starts_on_it(officer, tmp_path):
    pg_bin = Path(os.environ["PG_BIN"])  # bin/test exports it; missing means a failure
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Backup",
    )
    services.application_create(
        citizen=citizen,
        received_on=citizen.created_at.date(),
        channel="phone",
        case_officer=officer,
        services=[services.ServiceRequest(ServiceType.objects.get(code="stad"), 30)],
    )
    source = connection.settings_dict
    base = urlsplit(os.environ["DATABASE_URL"])
    host_args = ["-h", base.hostname, "-p", str(base.port), "-U", base.username]
    dump = tmp_path / "samrehab.dump"
    subprocess.run([pg_bin / "pg_dump", *host_args, "-Fc", "-f", dump, source["NAME"]], check=True)
    restored = f"{source['NAME']}_restored"
    subprocess.run([pg_bin / "dropdb", *host_args, "--if-exists", restored], check=True)
    subprocess.run([pg_bin / "createdb", *host_args, restored], check=True)
    try:
        subprocess.run(
            [pg_bin / "pg_restore", *host_args, "--no-owner", "-d", restored, dump], check=True
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehab.settings.test",
            "DATABASE_URL": urlunsplit(base._replace(path=f"/{restored}")),
        }
        base_dir = Path(settings.BASE_DIR)
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=base_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        code = (
            "import django; django.setup();"
            "from django.test import Client; from rehab.models import User;"
            "from assessments.models import Citizen;"
            "c = Client(); c.force_login(User.objects.get(username='handlaggare'));"
            "r = c.get('/queue/?scope=team');"
            "print(r.status_code, Citizen.objects.get().last_name, b'Backup' in r.content)"
        )
        started = subprocess.run(
            [sys.executable, "-c", code],
            cwd=base_dir,
            env={**env, "ALLOWED_HOSTS": "testserver"},
            capture_output=True,
            text=True,
        )
        assert started.stdout.split()[-3:] == ["200", "Backup", "True"], started.stderr[-2000:]
    finally:
        connection.close()
        subprocess.run([pg_bin / "dropdb", *host_args, "--if-exists", restored], check=True)
