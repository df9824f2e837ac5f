"""The embedded default: a SQLite file and a broker that needs no server."""

import os
from pathlib import Path

_var = Path(__file__).resolve().parents[2] / "var"
_var.mkdir(exist_ok=True)
os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_var / 'db.sqlite3'}")

from .base import *  # noqa: E402

# Static files are served from the app folders (no collectstatic outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The demo lets every demo user in with the password alone; set TWO_FACTOR_ROLES (e.g.
# "manager,admin", as in production) to try the second factor.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", default=[])
