"""Keyset pagination ("newer / older") for long lists shown newest first.

A page number makes the database count every row of the list and skip all the rows before
the page (``OFFSET``), which grows with the list: the access log holds tens of millions of
rows. A keyset page instead starts after (or before) the last row the user saw, found
through the index of the ordering, so every page costs the same. The position travels in
the URL as an opaque cursor holding the row's time and id only (no personal data).

The queryset must be ordered newest first by ``field`` and then by id (``-field, -pk``),
which makes the order unique.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

# Above this many rows the list says "more than" instead of counting them all.
COUNT_LIMIT = 10_000


@dataclass
class KeysetPage:
    object_list: list[Any] = field(default_factory=list)
    # Cursors for the links to the older and the newer page; None where there is none.
    older: str | None = None
    newer: str | None = None
    # The rows of the whole list, counted up to COUNT_LIMIT; ``more`` when there are more.
    count: int = 0
    more: bool = False

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.older is not None or self.newer is not None


def _encode(value: datetime.datetime, pk: int) -> str:
    micros = int(value.timestamp()) * 1_000_000 + value.microsecond
    return f"{micros}.{pk}"


def _decode(cursor: str | None) -> tuple[datetime.datetime, int] | None:
    """The (time, id) of a cursor; None for a missing or malformed one (the first page)."""
    if not cursor:
        return None
    micros, _, pk = cursor.partition(".")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 20 or len(pk) > 20:
        return None
    seconds, rest = divmod(int(micros), 1_000_000)
    try:
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.replace(microsecond=rest), int(pk)


def bounded_count(queryset: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """The number of rows, counted no further than ``limit`` (COUNT_LIMIT unless given),
    and whether there are more."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = queryset.order_by()[: limit + 1].count()
    return min(counted, limit), counted > limit


def keyset_page(
    queryset: QuerySet,
    *,
    per_page: int,
    older: str | None = None,
    newer: str | None = None,
    field_name: str = "at",
) -> KeysetPage:
    """The page after the cursor ``older`` (the next older rows), before the cursor
    ``newer`` (the next newer rows), or the newest page."""
    after, before = _decode(older), _decode(newer)
    if after is not None:
        moment, pk = after
        rows = list(
            queryset.filter(
                # The first condition alone bounds the index range (and, on a table
                # partitioned by the field, the partitions read); the second is exact.
                Q(**{f"{field_name}__lte": moment}),
                Q(**{f"{field_name}__lt": moment}) | Q(**{field_name: moment, "pk__lt": pk}),
            )[: per_page + 1]
        )
        has_older, has_newer = len(rows) > per_page, True
        rows = rows[:per_page]
    elif before is not None:
        moment, pk = before
        rows = list(
            queryset.filter(
                Q(**{f"{field_name}__gte": moment}),
                Q(**{f"{field_name}__gt": moment}) | Q(**{field_name: moment, "pk__gt": pk}),
            ).order_by(field_name, "pk")[: per_page + 1]
        )
        has_older, has_newer = True, len(rows) > per_page
        rows = rows[:per_page][::-1]
    else:
        rows = list(queryset[: per_page + 1])
        has_older, has_newer = len(rows) > per_page, False
        rows = rows[:per_page]
    count, more = bounded_count(queryset)
    if not rows:
        return KeysetPage(count=count, more=more)
    return KeysetPage(
        object_list=rows,
        older=_encode(getattr(rows[-1], field_name), rows[-1].pk) if has_older else None,
        newer=_encode(getattr(rows[0], field_name), rows[0].pk) if has_newer else None,
        count=count,
        more=more,
    )
