"""docker-compose.yml connects each service as the right database role (ADR 0011)."""

import re
from pathlib import Path

import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def services():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def role_of(service: dict) -> str:
    # The password is a ${...} for compose to fill in, so the URL is read by pattern.
    return re.match(r"postgres://([^:@]+)[:@]", service["environment"]["DATABASE_URL"])[1]


def test_the_app_services_connect_as_the_app_role_after_migrate_has_finished():
    for name in ("web", "worker", "beat"):
        service = services()[name]
        assert role_of(service) == "samrehab_app", name
        assert service["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert "migrate" not in str(service["command"]), name


def test_migrate_runs_once_as_the_owner_and_then_grants_the_app_role():
    migrate = services()["migrate"]
    assert role_of(migrate) == "samrehab_owner"
    assert migrate["restart"] == "no"
    command = str(migrate["command"])
    assert command.index("manage.py migrate") < command.index(
        "manage.py grant_app_role --role samrehab_app"
    )


def test_the_database_creates_both_roles_and_its_superuser_is_no_app_role():
    db = services()["db"]
    assert "./docker/initdb:/docker-entrypoint-initdb.d:ro" in db["volumes"]
    script = (BASE_DIR / "docker/initdb/10-roles.sh").read_text()
    assert "CREATE ROLE samrehab_owner" in script and "CREATE ROLE samrehab_app" in script
    assert db["environment"]["POSTGRES_USER"] not in {"samrehab_owner", "samrehab_app"}
    assert {"DB_OWNER_PASSWORD", "DB_APP_PASSWORD"} <= set(db["environment"])
