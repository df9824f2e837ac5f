"""Tests: SQLite by default, PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")
_var = Path(__file__).resolve().parents[2] / "var"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_var / 'test.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(_var / "test-media"))
os.environ.setdefault("CELERY_QUEUE_DIR", str(_var / "test-celery-queue"))

from .base import *  # noqa: E402

VAR_DIR.mkdir(exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that commit (browser, worker) are emptied between tests with flush.
ALLOW_FLUSH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process sees what the tests commit.
    # One file per test run, so runs side by side do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(_var / f"test-run-{os.getpid()}.sqlite3")}

# Each test process its own cache, emptied between tests (tests/conftest.py); the shared
# backends of the base settings are tested in tests/unit/followup/test_dashboard_figures.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Static files are served from the app folders (no collectstatic outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Most tests log users in directly; tests/unit/rehab/test_two_factor.py turns the requirement on.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", default=[])
