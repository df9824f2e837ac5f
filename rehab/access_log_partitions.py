"""The access log's monthly partitions on PostgreSQL (ADR 0014).

The table ``rehab_accesslogentry`` is partitioned by range of ``at``, one partition a
calendar month (UTC), named ``rehab_accesslogentry_pYYYY_MM``, plus a DEFAULT partition
that catches a row no month partition takes (the safety net when the owner's job that
creates the months ahead has not run). Keeping five years is then dropping whole old
partitions, and a search by time reads only the months it names.

Only the owner role may create or drop partitions (the app role owns nothing). Every
partition carries the parent's privileges, so the app role has on each one at most what it
has on the log itself (SELECT, INSERT); the append-only trigger is cloned onto each
partition by PostgreSQL. On SQLite the table is a plain table and nothing here applies.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

TABLE = "rehab_accesslogentry"
DEFAULT = f"{TABLE}_default"
NAME = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def add_months(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s month to ``last``'s month, inclusive."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def _bound(month: datetime.date) -> str:
    return f"{month:%Y-%m-%d} 00:00:00+00"


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # None for the DEFAULT partition


def is_partitioned(cursor, table: str = TABLE) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))",
        [table],
    )
    return cursor.fetchone()[0]


def partitions(cursor) -> list[Partition]:
    """The partitions of the log, month partitions in time order, the DEFAULT last."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s)",
        [TABLE],
    )
    found = []
    for (name,) in cursor.fetchall():
        match = NAME.match(name)
        month = datetime.date(int(match[1]), int(match[2]), 1) if match else None
        found.append(Partition(name, month))
    return sorted(found, key=lambda p: (p.month is None, p.month or datetime.date.min))


def copy_privileges(cursor, *, source: str, target: str, kind: str = "TABLE") -> None:
    """Give ``target`` exactly the privileges others hold on ``source``: whatever default
    privileges gave the new object is taken back first."""
    cursor.execute(
        "SELECT DISTINCT coalesce(quote_ident(r.rolname), 'PUBLIC') FROM pg_class c, "
        "aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = to_regclass(%s) AND a.grantee <> c.relowner",
        [target],
    )
    for (grantee,) in cursor.fetchall():
        cursor.execute(f"REVOKE ALL ON {kind} {target} FROM {grantee}")
    cursor.execute(
        "SELECT coalesce(quote_ident(r.rolname), 'PUBLIC'), a.privilege_type FROM pg_class c, "
        "aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = to_regclass(%s) AND a.grantee <> c.relowner ORDER BY 1, 2",
        [source],
    )
    for grantee, privilege in cursor.fetchall():
        cursor.execute(f"GRANT {privilege} ON {kind} {target} TO {grantee}")


def _default_has_rows(cursor, months: list[datetime.date]) -> bool:
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE at >= %s AND at < %s)",  # noqa: S608
        [_bound(months[0]), _bound(next_month(months[-1]))],
    )
    return cursor.fetchone()[0]


def create_partitions(cursor, months: list[datetime.date]) -> list[str]:
    """Create the month partitions among ``months`` that are missing (and the DEFAULT
    partition if it is missing); returns the names created.

    Rows of those months that already sit in the DEFAULT partition move into their new
    partition: the DEFAULT partition is detached, a fresh one attached, and its rows added
    to the log again, each keeping its id (no row is changed or deleted, so the append-only
    trigger is not asked to allow anything)."""
    present = {p.name for p in partitions(cursor)}
    missing = sorted({month_start(m) for m in months if partition_name(m) not in present})
    created: list[str] = []
    old_default = None
    if missing and DEFAULT in present and _default_has_rows(cursor, missing):
        old_default = f"{DEFAULT}_moving"
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT}")
        cursor.execute(f"ALTER TABLE {DEFAULT} RENAME TO {old_default}")
        present.discard(DEFAULT)
    for month in missing:
        name = partition_name(month)
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(next_month(month))}')"
        )
        created.append(name)
    if DEFAULT not in present:
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        created.append(DEFAULT)
    for name in created:
        copy_privileges(cursor, source=TABLE, target=name)
    if old_default:
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old_default}")  # noqa: S608
        cursor.execute(f"DROP TABLE {old_default}")
    return created


def partitions_older_than(cursor, cutoff: datetime.date) -> list[Partition]:
    """The month partitions whose every row is older than ``cutoff``."""
    return [p for p in partitions(cursor) if p.month and next_month(p.month) <= cutoff]


def drop_partition(cursor, partition: Partition) -> None:
    cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {partition.name}")
    cursor.execute(f"DROP TABLE {partition.name}")


def _is_empty(cursor, table: str) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
    return cursor.fetchone()[0]


def fill_month(cursor, month: datetime.date, select: str, params) -> None:
    """Write a month of rows in bulk (the demo data generator): ``select`` gives rows of
    the log's columns, all of that month. Unless the month already holds rows, they go
    into a table of their own that is then attached as the month's partition, so that its
    indexes are built once, sorted, rather than row by row."""
    name = partition_name(month)
    present = {p.name for p in partitions(cursor)}
    if name in present and not _is_empty(cursor, name):
        cursor.execute(f"INSERT INTO {TABLE} {select}", params)  # noqa: S608
        return
    if name in present:
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"INSERT INTO {name} {select}", params)  # noqa: S608
    # The month's bounds as a constraint first, so that attaching need not check each row.
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds "
        f"CHECK (at IS NOT NULL AND at >= '{_bound(month)}' AND at < '{_bound(next_month(month))}')"
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} "
        f"FOR VALUES FROM ('{_bound(month)}') TO ('{_bound(next_month(month))}')"
    )
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")
    copy_privileges(cursor, source=TABLE, target=name)
