import os

import pytest
from django.db import connection

from rehab.demo import DEMO_PASSWORD, ensure_demo_users
from tests.support.cases import other_team_objects  # noqa: F401 - a shared fixture
from tests.support.worker import (  # noqa: F401 - shared fixtures
    _session_worker,
    celery_worker_process,
)


@pytest.fixture(scope="session", autouse=True)
def _expected_database(django_db_setup, django_db_blocker):
    """A run meant for PostgreSQL fails at once if the settings fell back to SQLite."""
    expected = os.environ.get("SAMREHAB_EXPECT_DATABASE")
    if expected and connection.vendor != expected:
        pytest.fail(f"expected the {expected} database, got {connection.vendor}")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: kept figures are keyed by ids, which a later
    test's database may give to other rows."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo_users(db):
    return {user.username: user for user in ensure_demo_users()}


@pytest.fixture
def officer(demo_users):
    """The demo case officer (biståndshandläggare)."""
    return demo_users["handlaggare"]


@pytest.fixture
def therapist(demo_users):
    """The demo occupational therapist (arbetsterapeut)."""
    return demo_users["arbetsterapeut"]


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL; run it with DATABASE_URL set (see bin/test)")
