"""National scale in one run: every figure of the scale targets at two sizes, then a load test.

    .venv/bin/python bench/scale.py                          # 10 000 and 250 000 citizens
    .venv/bin/python bench/scale.py --sizes 5000 --access-log-rows 100000 --load-seconds 30 \
        --import-rows 2000

Starts a throwaway PostgreSQL 15 and Redis on free ports of 127.0.0.1 (as ``bin/test`` does,
with the server settings printed below), and for each size: creates an empty database as the
owner role, migrates it, runs ``generate_data --citizens N --seed 1 --access-log-rows M``
(timed, with its rows per table), grants the app role its rights, runs ``VACUUM ANALYZE``,
then runs each benchmark script of ``bench/`` against that database, as the app role, and
prints what it prints: the work queue and the therapists' visits (with the stock paginator at
the same position as a baseline), citizen search, the manager's overview and dashboard, the
follow-up report job, the access-log review (with the stock paginator as a baseline). Then
the 20-page report of ``bench/report_pdf.py`` with its own data in a database of its own,
and on the largest size the bounded load test (``bench/load.py``: gunicorn with 4 workers,
50 users of mixed roles, 127.0.0.1) and, last, since it adds citizens, the import of
100 000 rows (``bench/import_scale.py``). Everything
it started is stopped at the end, a failure or Ctrl-C included.

Each script's own figures are its output; this one adds the generation's time and the
database's size. Record machine, command, date and figures in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# The throwaway server: bin/test's durability shortcuts (a benchmark's data can be made
# again) and memory sized for this 2-core, 24 GB machine.
SERVER_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "shared_buffers": "2GB",
    "effective_cache_size": "8GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "max_connections": "200",
}

# The benchmarks run at every size: (title, script and its arguments). A script reads
# DATABASE_URL (and REDIS_URL) and prints its own table of figures.
BENCHMARKS: list[tuple[str, list[str]]] = [
    (
        "work queue, citizen search, therapist's visits",
        ["bench/work_queue.py", "--runs", "50", "--deep", "200"],
    ),
    ("manager's overview, dashboard, report job", ["bench/figures_scale.py", "--requests", "20"]),
    ("access-log review", ["bench/access_log.py", "--runs", "30", "--baseline"]),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


class Servers:
    """PostgreSQL (with the owner and app roles of production) and Redis, in a temp folder."""

    def __init__(self) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="samrehab-scale-"))
        self.pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.pg_port, self.redis_port = free_port(), free_port()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.work, "postgres")

    def start(self) -> None:
        data = self.work / "pg"
        subprocess.run(
            [*self.as_pg, str(self.pg_bin / "initdb"), "-D", str(data), "-U", "samrehab"]
            + ["--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {self.pg_port} -k {self.work} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()
        )
        subprocess.run(
            [*self.as_pg, str(self.pg_bin / "pg_ctl"), "-D", str(data), "-l"]
            + [str(self.work / "pg.log"), "-w", "-t", "60", "start", "-o", options],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = {
            **os.environ,
            "PATH": f"{self.pg_bin}:{os.environ['PATH']}",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.pg_port),
            "POSTGRES_USER": "samrehab",
            "POSTGRES_DB": "postgres",
            "DB_OWNER_PASSWORD": "unused-trust",
            "DB_APP_PASSWORD": "unused-trust",
        }
        subprocess.run(
            [str(BASE_DIR / "docker/initdb/10-roles.sh")],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.psql("postgres", "ALTER ROLE samrehab_owner CREATEDB")
        subprocess.run(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "yes"]
            + ["--pidfile", str(self.work / "redis.pid"), "--dir", str(self.work)]
            + ["--logfile", str(self.work / "redis.log")],
            check=True,
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.as_pg, str(self.pg_bin / "pg_ctl"), "-D", str(self.work / "pg")]
            + ["-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pid_file = self.work / "redis.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text()), 15)
        shutil.rmtree(self.work, ignore_errors=True)

    def psql(self, database: str, statement: str, user: str = "samrehab") -> str:
        return subprocess.run(
            [str(self.pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", user]
            + ["-d", database, "-Atq", "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def url(self, database: str, role: str) -> str:
        return f"postgres://{role}@127.0.0.1:{self.pg_port}/{database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"


@contextlib.contextmanager
def servers() -> Iterator[Servers]:
    running = Servers()
    try:
        running.start()
        yield running
    finally:
        running.stop()


def run(command: list[str], env: dict, title: str | None = None) -> float:
    """Run a command with its output shown as it comes; returns the wall time."""
    if title:
        heading(title)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(f"(exit status {result.returncode} after {elapsed:.1f} s)", flush=True)
    return elapsed


def prepare(db: Servers, citizens: int, log_rows: int) -> dict:
    """An empty database of its own, migrated and filled; returns the app role's env."""
    name = f"scale_{citizens}"
    db.psql("postgres", f"CREATE DATABASE {name} OWNER samrehab_owner")
    owner = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rehab.settings.local",
        "DATABASE_URL": db.url(name, "samrehab_owner"),
        "REDIS_URL": db.redis_url,
        "DEBUG": "false",
        "SECRET_KEY": "scale-benchmark-only-not-secret",
    }
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--no-input", "-v0"], owner)
    heading(f"{citizens} citizens: generate_data --access-log-rows {log_rows}")
    took = run(
        [*manage, "generate_data", "--citizens", str(citizens), "--seed", "1"]
        + ["--access-log-rows", str(log_rows)],
        owner,
    )
    print(f"generate_data: {took:.1f} s wall time", flush=True)
    run([*manage, "grant_app_role", "--role", "samrehab_app"], owner)
    started = time.perf_counter()
    db.psql(name, "VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    size = db.psql(name, f"SELECT pg_size_pretty(pg_database_size('{name}'))")
    print(f"database size: {size}", flush=True)
    return {**owner, "DATABASE_URL": db.url(name, "samrehab_app")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 250_000])
    parser.add_argument(
        "--access-log-rows",
        type=int,
        nargs="+",
        default=[2_000_000, 50_000_000],
        help="access-log rows per size, in the order of --sizes",
    )
    parser.add_argument("--load-seconds", type=int, default=120, help="0: no load test")
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    if len(args.access_log_rows) != len(args.sizes):
        parser.error("give one --access-log-rows per size")

    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"python {platform.python_version()}; server settings: {SERVER_SETTINGS}")
    with servers() as db:
        print(db.psql("postgres", "SELECT version()"))
        env = {}
        for citizens, log_rows in zip(args.sizes, args.access_log_rows, strict=True):
            env = prepare(db, citizens, log_rows)
            for title, command in BENCHMARKS:
                run([PYTHON, *command], env, f"{citizens} citizens: {title}")
        heading("the 20-page report of bench/report_pdf.py, its own data in PostgreSQL")
        db.psql("postgres", "CREATE DATABASE report_pdf OWNER samrehab_owner")
        run(
            [PYTHON, "bench/report_pdf.py"],
            {**env, "DATABASE_URL": db.url("report_pdf", "samrehab_owner")},
        )
        if args.load_seconds and env:
            run(
                [PYTHON, "bench/load.py", "--seconds", str(args.load_seconds)]
                + ["--citizens", str(args.sizes[-1])],
                env,
                f"{args.sizes[-1]} citizens: load test, {args.load_seconds} s",
            )
        if env:
            # Last, since it adds its citizens to the demo team of the largest size.
            run(
                [PYTHON, "bench/import_scale.py", "--rows", str(args.import_rows), "--seed", "1"]
                + ["--database-url", env["DATABASE_URL"]],
                env,
                f"{args.sizes[-1]} citizens: import of {args.import_rows} rows",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
