"""Reading settings from the environment.

Every variable the settings read goes through these helpers, so the set of names is known
(``VARIABLES``) and a test can compare it with docker-compose.yml and the README.
"""

import os

from django.core.exceptions import ImproperlyConfigured

VARIABLES: set[str] = set()

_MISSING = object()


def env_str(name: str, default=_MISSING) -> str:
    VARIABLES.add(name)
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name, "")
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name, "")
    return int(value) if value else default


def env_list(name: str, default=_MISSING) -> list[str]:
    value = env_str(name, default if default is _MISSING else ",".join(default))
    return [item.strip() for item in value.split(",") if item.strip()]
