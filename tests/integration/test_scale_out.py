"""Two web processes and one worker against one PostgreSQL and one Redis, as an installation
grows past one web server (docs/scale-out.md): nothing a request needs lives in one
process's memory or on its own disk. A manager orders a report through one web process, the
worker makes it, and she downloads it through the other.

The web processes are gunicorn under the production settings, connected as the app's
database role, behind what they take for a TLS proxy (``X-Forwarded-Proto: https``); the
worker is the suite's own. They share the session table, the cache (Redis) and the report
files (the storage backend, a folder under ``MEDIA_ROOT`` that every process mounts)."""

import datetime
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import ReportRequest
from followup.pilot import load_pilot_cohort
from followup.reports.periods import containing
from tests.integration.test_worker import wait_for
from tests.support.worker import BASE_DIR, _test_database_url
from tests.unit.rehab.test_settings_and_deployment import PRODUCTION_ENV
from tests.unit.rehab.test_two_factor import code

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_role_url() -> str:
    """The test database's address as the app role, which owns nothing (ADR 0011)."""
    role = os.environ.get("SAMREHAB_APP_ROLE")
    if not role:
        pytest.fail("SAMREHAB_APP_ROLE names the app's database role (bin/test sets it)")
    call_command("grant_app_role", role=role, verbosity=0)
    parts = urlsplit(_test_database_url())
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


class Web:
    """One gunicorn process of its own, in its own process group."""

    def __init__(self, env: dict, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "rehab.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self) -> None:
        def answers():
            try:
                self.request("/healthz", {})
            except OSError:
                return False
            return True  # it answers, whatever it says of its services

        assert wait_for(answers, timeout=60), self.log_path.read_text()[-3000:]

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def request(self, path: str, cookies: dict, data: dict | None = None):
        """A request as the TLS proxy passes it on; returns status, body, new cookies."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if data is not None:
            origin = f"https://127.0.0.1:{self.port}"
            request.add_header("Origin", origin)
            request.add_header("Referer", origin + path)
        opener = urllib.request.build_opener(NoRedirect())
        try:
            with opener.open(request, timeout=60) as response:
                status, content, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, content, headers = error.code, error.read(), error.headers
        jar = SimpleCookie()
        for header in headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return status, content, {key: morsel.value for key, morsel in jar.items()}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def two_web_processes(tmp_path):
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DATABASE_URL": app_role_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    webs = [Web(env, tmp_path / f"web-{n}.log") for n in (1, 2)]
    try:
        for web in webs:
            web.wait_until_up()
        yield webs
    finally:
        for web in webs:
            web.stop()


@pytest.mark.django_db(transaction=True)
def test_a_report_ordered_on_one_web_process_is_downloaded_from_the_other(
    demo_users, demo_password, celery_worker_process, two_web_processes
):
    first, second = two_web_processes
    assert first.process.pid != second.process.pid
    manager = demo_users["enhetschef"]
    decided_on = timezone.localdate() - datetime.timedelta(days=200)
    load_pilot_cohort(
        officer=demo_users["handlaggare"],
        therapist=demo_users["arbetsterapeut"],
        decided_on=decided_on,
    )
    # The suite stores passwords with a fast hasher the production settings do not accept.
    manager.password = PBKDF2PasswordHasher().encode(demo_password, "scaleoutsalt")
    manager.save(update_fields=["password"])
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    # Logged in on the first process; the session is kept in the database.
    cookies: dict = {}
    status, page, new = first.request("/login/", cookies)
    cookies.update(new)
    status, _, new = first.request(
        "/login/",
        cookies,
        {
            "csrfmiddlewaretoken": CSRF_FIELD.search(page.decode()).group(1),
            "username": manager.username,
            "password": demo_password,
        },
    )
    assert status == 302, first.log_path.read_text()[-3000:]
    cookies.update(new)
    assert settings.SESSION_COOKIE_NAME in cookies
    # A manager gives her one-time code (production asks managers for it).
    status, page, new = first.request("/two-factor/", cookies)
    cookies.update(new)
    status, _, new = first.request(
        "/two-factor/",
        cookies,
        {"csrfmiddlewaretoken": CSRF_FIELD.search(page.decode()).group(1), "token": code(device)},
    )
    assert status == 302, first.log_path.read_text()[-3000:]
    cookies.update(new)

    status, page, new = first.request("/reports/", cookies)
    assert status == 200, page[-2000:]
    cookies.update(new)
    token = CSRF_FIELD.search(page.decode()).group(1)
    period = containing(decided_on).key  # ended: at most 184 days long
    status, _, _ = first.request(
        "/reports/",
        cookies,
        {
            "csrfmiddlewaretoken": token,
            "period": period,
            "team": manager.team_id,
            "track": "2",
            "therapist_cost": "once",
        },
    )
    assert status == 302, first.log_path.read_text()[-3000:]
    report = ReportRequest.objects.get()

    def made():
        report.refresh_from_db()
        return report.status in (ReportRequest.Status.DONE, ReportRequest.Status.FAILED)

    assert wait_for(made, timeout=180), celery_worker_process.log_path.read_text()[-3000:]
    assert report.status == ReportRequest.Status.DONE, report.error

    status, pdf, _ = second.request(f"/reports/{report.public_id}/download/", cookies)
    assert status == 200, second.log_path.read_text()[-3000:]
    assert pdf.startswith(b"%PDF-")
    # Without the session, the other process sends the visitor to log in.
    status, _, _ = second.request(f"/reports/{report.public_id}/download/", {})
    assert status == 302
