"""Time ``generate_data`` on a fresh temporary SQLite database.

.venv/bin/python bench/generate_data.py [--citizens 10000] [--seed 1]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from assessments.demo_data import generate

        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        result = generate(citizens=args.citizens, seed=args.seed)
        wall = time.perf_counter() - started
        connection.close()

    print(f"database: SQLite (temporary file), seed {args.seed}")
    print(
        f"{result.citizens} citizens, {result.applications} applications, "
        f"{result.services} applied services, {result.visits} joint visits"
    )
    print(f"wall time: {wall:.1f} s, {result.rows / wall:,.0f} rows per second")


if __name__ == "__main__":
    main()
