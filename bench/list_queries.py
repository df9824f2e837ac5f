"""Count the SQL queries and time of the list pages at growing numbers of rows.

.venv/bin/python bench/list_queries.py [--sizes 10 200 2000]

Each size gets a fresh temporary SQLite database filled by ``generate_data``; the pages are
fetched with Django's test client as the demo users who see them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ("handlaggare", "/queue/?scope=team", "work queue, team"),
    ("handlaggare", "/queue/?scope=team&sort=citizen", "work queue sorted by citizen"),
    ("handlaggare", "/queue/?overdue=on&scope=team", "work queue, overdue"),
    ("arbetsterapeut", "/visits/", "therapist's visits"),
]


def measure(size: int) -> list[tuple[str, int, float]]:
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.demo_data import generate
    from rehab.models import User

    call_command("migrate", verbosity=0, interactive=False)
    generate(citizens=size, seed=1)
    rows = []
    for username, url, label in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        rows.append((label, len(queries), elapsed))
    connections.close_all()
    return rows


def one_size(size: int) -> None:
    """Measure one size in this process, on its own temporary database; print JSON."""
    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
        os.environ["ALLOWED_HOSTS"] = "testserver"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print(json.dumps(measure(size)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 200, 2000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_size(args.one)
        return
    results = {}
    for size in args.sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[size] = json.loads(output.strip().splitlines()[-1])
    print(f"{'page':<30}" + "".join(f"{size:>16} citizens" for size in args.sizes))
    for index, (_, _, label) in enumerate(PAGES):
        cells = "".join(
            f"{results[size][index][1]:>10} q {results[size][index][2] * 1000:>6.0f} ms"
            for size in args.sizes
        )
        print(f"{label:<30}{cells}")


if __name__ == "__main__":
    main()
