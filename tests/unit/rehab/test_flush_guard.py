"""``manage.py flush`` would empty the access log; only the test settings let it run."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from assessments import services
from rehab.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_read(client, officer):
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
    )
    client.force_login(officer)
    client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    return citizen


def test_flush_refuses_outside_the_test_settings_and_the_access_log_stays(logged_read):
    with override_settings(ALLOW_FLUSH=False), pytest.raises(CommandError, match="access log"):
        call_command("flush", interactive=False, verbosity=0)
    assert AccessLogEntry.objects.filter(citizen_ref=logged_read.public_id).count() == 1


@pytest.mark.django_db(transaction=True)  # flush runs outside a transaction, as in tests
def test_flush_empties_the_database_under_the_test_settings(logged_read):
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLogEntry.objects.exists()


def test_the_production_and_local_settings_do_not_allow_flush():
    # Read in a fresh process: the base settings' value, which local and production keep.
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.ALLOW_FLUSH)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    for module in ("rehab.settings.local", "rehab.settings.production"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": module,
                "SECRET_KEY": "x" * 50,
                "DATABASE_URL": "postgres://samrehab_app:secret@db:5432/samrehab",
                "REDIS_URL": "redis://redis:6379/0",
            },
            capture_output=True,
            text=True,
        )
        assert result.stdout.split()[-1:] == ["False"], (module, result.stderr[-2000:])
