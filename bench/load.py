"""Load test: 50 simulated users of mixed roles against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://… [REDIS_URL=redis://…] .venv/bin/python bench/load.py --seconds 120

Migrates the database and loads the demo (``setup_demo --citizens 2000``, idempotent),
starts gunicorn on a free loopback port, logs in ``--users`` sessions spread over the five
demo users (case officer, therapist, physiotherapist, manager, administrator), and lets each
one, for ``--seconds``, open its start page and the pages of its role in ``ROLE_PAGES`` (the
manager's dashboard, the administrator's access-log review with and without "flagged only"),
a case page found on the start page, and /healthz, with a think time between requests
(``--think`` seconds on average). Every request has a timeout and each user stops after
``--max-requests``. Prints the request count, the server errors
(5xx) and the p50/p95/p99 latency. Targets: 0 server errors, p95 under 300 ms.

No dependency beyond the project's (threads and urllib).
"""

import argparse
import contextlib
import http.cookiejar
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The demo logins of rehab/demo.py (not imported: that needs Django set up in this process).
DEMO_USERNAMES = ["handlaggare", "arbetsterapeut", "fysioterapeut", "enhetschef", "admin"]
DEMO_PASSWORD = "samrehab-demo"  # noqa: S105 - the documented demo password

# Besides its start page and the case pages on it, each role opens the pages it uses most.
ROLE_PAGES = {
    "enhetschef": ["/indicators/"],
    "admin": ["/system/access-log/", "/system/access-log/?flagged=on"],
}

CASE_LINK = re.compile(r'href="(/(?:applications|citizens)/[0-9a-f-]{36}/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def stop_process_group(process: subprocess.Popen, grace: float = 30) -> None:
    """Stop gunicorn and every worker it started: SIGTERM to the whole group (the master
    and its workers, which may be busy with requests), then SIGKILL to whatever of the group
    is left after ``grace`` seconds, the workers included if the master went first."""
    group = process.pid
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)  # is anything of the group still running?
        except ProcessLookupError:
            break
        process.poll()  # reap the master so that it does not linger as a zombie
        time.sleep(0.2)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class User:
    def __init__(self, base: str, username: str, timeout: float):
        self.base, self.username, self.timeout = base, username, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.start_page = "/"
        self.pages: list[str] = []
        self.case_pages: list[str] = []

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http://127.0.0.1 only
        if data is not None:
            req.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        return status, text, time.perf_counter() - started, location

    def log_in(self) -> None:
        _, page, _, _ = self.request("/login/")
        token = CSRF.search(page).group(1)
        status, _, _, _ = self.request(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": DEMO_PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"{self.username} could not log in ({status})")
        status, _, _, location = self.request("/")
        if status != 302 or not location:
            raise RuntimeError(f"{self.username} has no start page ({status})")
        self.start_page = urllib.parse.urlsplit(location).path
        self.pages = [self.start_page, *ROLE_PAGES.get(self.username, [])]
        _, page, _, _ = self.request(self.start_page)
        self.case_pages = sorted(set(CASE_LINK.findall(page)))[:20]


def run_user(user, deadline, think, max_requests, results, lock):
    rng = random.Random(user.username + str(id(user)))
    time.sleep(rng.uniform(0, 2 * think))  # users do not all click at the same instant
    done = 0
    while time.monotonic() < deadline and done < max_requests:
        choice = rng.random()
        if choice < 0.4 or not user.case_pages:
            path = rng.choice(user.pages) if choice < 0.85 or not user.case_pages else "/healthz"
        elif choice < 0.85:
            path = rng.choice(user.case_pages)
        else:
            path = "/healthz"
        try:
            status, _, elapsed, _ = user.request(path)
        except Exception as error:  # noqa: BLE001 - a timeout or a dropped connection
            status, elapsed = f"error {type(error).__name__}", float(user.timeout)
        with lock:
            kind = "healthz" if path == "/healthz" else path if path in user.pages else "case"
            results.append((kind, status, elapsed))
        done += 1
        time.sleep(rng.uniform(0, 2 * think))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--max-requests", type=int, default=1000, help="per user")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--citizens", type=int, default=2000)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("set DATABASE_URL to a PostgreSQL database")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rehab.settings.local",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only-not-secret"),
        "TWO_FACTOR_ROLES": "",
    }
    python = sys.executable
    manage = [python, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run(
        [*manage, "setup_demo", "--citizens", str(args.citizens)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "rehab.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        # Its own process group, so that stopping it stops its workers too.
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers (503: the broker is not there; still up)
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

        usernames = DEMO_USERNAMES
        users = [User(base, usernames[i % len(usernames)], args.timeout) for i in range(args.users)]
        for user in users:
            user.log_in()
        roles = {name: sum(u.username == name for u in users) for name in usernames}
        print(f"{len(users)} users logged in: {roles}")
        cases = {name: len(u.case_pages) for u in users for name in [u.username]}
        print(f"case pages found on the start pages: {cases}")

        results: list = []
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=run_user,
                args=(user, deadline, args.think, args.max_requests, results, lock),
            )
            for user in users
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 2 * args.timeout + 10)
        wall = time.monotonic() - started
    finally:
        stop_process_group(server)

    latencies = [elapsed * 1000 for _, status, elapsed in results if isinstance(status, int)]
    server_errors = sum(1 for _, s, _ in results if isinstance(s, int) and s >= 500)
    failures = sum(1 for _, s, _ in results if not isinstance(s, int))
    other = sum(1 for _, s, _ in results if isinstance(s, int) and 400 <= s < 500)
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    print(f"duration: {wall:.0f} s, users: {len(users)}")
    print(f"requests: {len(results)} ({len(results) / wall:.1f}/s)")
    print(
        f"server errors (5xx): {server_errors}; 4xx: {other}; "
        f"timeouts/connection errors: {failures}"
    )
    if latencies:
        print(
            f"latency ms: p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}, "
            f"mean {statistics.fmean(latencies):.0f}, max {max(latencies):.0f}"
        )
    print("p50 / p95 ms by page (count):")
    for kind in sorted({kind for kind, _, _ in results}):
        times = [e * 1000 for k, s, e in results if k == kind and isinstance(s, int)]
        print(
            f"  {kind:<20} {percentile(times, 0.5):6.0f} / {percentile(times, 0.95):6.0f}"
            f"  ({len(times)})"
        )
    ok = server_errors == 0 and failures == 0 and p95 < 300
    print("target (0 errors, p95 < 300 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
