"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rehab.formats.input_formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "rehab",
    "assessments",
    "tracks",
    "followup",
    "studies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rehab.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rehab.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rehab.sso.SessionRecheckMiddleware",
    "rehab.two_factor.RequireTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rehab.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rehab.urls"
WSGI_APPLICATION = "rehab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rehab.context_processors.navigation",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web process read while the worker writes; IMMEDIATE transactions
        # wait for the write lock instead of failing half-way with "database is locked".
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # Values travel apart from the statement text, so a statement the server logs
        # (e.g. one that fails) shows $1 placeholders, never a personnummer or a name.
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
        pooler = env_str("DB_POOLER", "none")
        if pooler not in ("none", "transaction"):
            raise ImproperlyConfigured("DB_POOLER must be none or transaction.")
        if pooler == "transaction":
            # Behind PgBouncer in transaction mode each transaction may run on another
            # server connection, so no cursor may stay open across transactions: iterator()
            # fetches in chunks from the client side instead (docs/scale-out.md). Named
            # prepared statements would break the same way; Django prepares none by default.
            config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
# manage.py flush would empty the access log too; only the test settings allow it.
ALLOW_FLUSH = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "rehab.User"
# Local passwords: on by default (the embedded demo); LOCAL_LOGIN=false leaves single
# sign-on as the only way in (below).
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", default=True)
AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks the account out (brute-force protection).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_LOGIN else []),
    "rehab.sso.SingleSignOnBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Content Security Policy: scripts and styles only from our own static files (no inline
# script anywhere; htmx's injected indicator style is switched off in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Two-factor authentication (TOTP) is required for these roles; others may turn it on.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", default=["manager", "admin"])
OTP_TOTP_ISSUER = "Samrehab"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
# A user name is locked from the address that failed, so one office behind a shared address
# is not locked out as a whole by one person mistyping.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An address that fails this often across all user names is locked too (rehab.login_lockout).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_HANDLER = "rehab.login_lockout.LockoutHandler"
# The client's address behind the TLS proxies in front of the app (rehab.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "rehab.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Single sign-on over OpenID Connect (rehab/sso.py, ADR 0018): offered when OIDC_ISSUER is
# set. The endpoints come from the issuer's discovery document; the mozilla-django-oidc
# names below are read by the library.
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
# The claim that names the person for good (the subject, or e.g. an HSA-id claim).
OIDC_ID_CLAIM = env_str("OIDC_ID_CLAIM", "sub")
# The claims whose values are looked up in the roles-from-the-provider table (ClaimMapping).
OIDC_GROUP_CLAIMS = env_list("OIDC_GROUP_CLAIMS", default=["groups"])
# acr or amr values that count as a strong login (e.g. SITHS): no one-time code asked.
OIDC_STRONG_METHODS = env_list("OIDC_STRONG_METHODS", default=[])
# The provider is asked again (silently, prompt=none) after this long; a person switched
# off there loses the session here at the next page after it.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RECHECK_MINUTES", 15) * 60
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = 15

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Swedish first, English selectable.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# The locale format modules win over these settings, so rehab/formats/<lang>/ sets the
# input formats people actually type: 2026-03-01 and 1/3 2026.
FORMAT_MODULE_PATH = ["rehab.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Celery: Redis when REDIS_URL is set, otherwise a broker that needs no server (a folder).
REDIS_URL = env_str("REDIS_URL", "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# A worker child whose memory passes this (KiB) is replaced once its task ends, and every
# child is replaced after this many tasks: a large import or report cannot keep its memory.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_KB", 300_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task, so an unacknowledged task is not handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _queue_dir = Path(env_str("CELERY_QUEUE_DIR", str(VAR_DIR / "celery-queue")))
    (_queue_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_queue_dir / "control"),
    }

# The cache holds the dashboard's figures (followup/dashboard_figures.py). It is shared by
# every web and worker process, so figures the beat computes are the ones the pages show:
# Redis in production, a folder of files on the embedded default.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samrehab",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(env_str("CACHE_DIR", str(VAR_DIR / "cache")))),
        }
    }

CELERY_BEAT_SCHEDULE = {
    "mark-follow-ups-due": {
        "task": "followup.tasks.mark_follow_ups_due",
        "schedule": 3600,
    },
    "delete-stale-import-uploads": {
        "task": "assessments.tasks.delete_stale_import_uploads",
        "schedule": 3600,
    },
    "requeue-waiting-reports": {
        "task": "followup.tasks.requeue_waiting_reports",
        "schedule": 60,
    },
    "refresh-dashboards": {
        "task": "followup.tasks.refresh_dashboards",
        "schedule": 3600,
    },
    "resend-stalled-imports": {
        "task": "assessments.tasks.resend_stalled_imports",
        "schedule": 60,
    },
    "retention": {
        "task": "followup.tasks.retention_job",
        "schedule": 24 * 3600,
    },
    "expire-reports": {
        "task": "followup.tasks.expire_reports",
        "schedule": 24 * 3600,
    },
    "rebuild-case-figures": {
        "task": "followup.tasks.rebuild_case_figures",
        "schedule": 24 * 3600,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "rehab.logging.RedactIdentityNumbers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "plain"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
SAMREHAB_BOOKING_TARGET_DAYS = env_int("BOOKING_TARGET_DAYS", 7)
SAMREHAB_RETENTION_YEARS = env_int("RETENTION_YEARS", 5)
# Days a follow-up report's file is kept after it was made (followup.tasks.expire_reports).
SAMREHAB_REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 90)
# A running background job renews its heartbeat this often; one whose heartbeat is older than
# the second figure lost its worker and is sent again by the beat jobs (rehab/jobs.py). The
# second is longer than SQLite's lock timeout (20 s) plus one beat, so a busy database does
# not make a live job look lost.
SAMREHAB_JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 5)
SAMREHAB_JOB_STALLED_AFTER_SECONDS = env_int("JOB_STALLED_AFTER_SECONDS", 45)
