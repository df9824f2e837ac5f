"""Keyset pagination ("next / previous") for long lists.

A page number makes the database count every row of the list and skip all the rows before
the page (``OFFSET``), which grows with the list: the access log holds tens of millions of
rows, a large team's work queue thousands of cases. A keyset page instead starts after (or
before) the last row the user saw, found through the index of the ordering, so every page
costs the same.

The queryset's ordering (``order_by`` with field names, each ``-name`` for descending) must
end in the id, which makes the order unique. NULLs sort as the greatest values, as
PostgreSQL's indexes keep them (last ascending, first descending); the page orders the
queryset so on every database.

The position travels in the URL as an opaque cursor that holds no personal data:

- ``IdCursor`` holds the id of the row only; the sort values are read again from that row
  (one query). A list sorted by a name thus never puts the name in the URL (nor in the web
  server's log).
- ``TimeCursor`` holds a time and the id, for a list ordered by a time and then by id (the
  access log): no query to read the position.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet

# Above this many rows the list says "more than" instead of counting them all.
COUNT_LIMIT = 10_000


@dataclass
class KeysetPage:
    object_list: list[Any] = field(default_factory=list)
    # Cursors for the links to the next and the previous page; None where there is none.
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # The rows of the whole list, counted up to the limit; ``more`` when there are more.
    count: int = 0
    more: bool = False

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.next_cursor is not None or self.previous_cursor is not None

    # A list shown newest first goes to older rows next, to newer ones back.
    @property
    def older(self) -> str | None:
        return self.next_cursor

    @property
    def newer(self) -> str | None:
        return self.previous_cursor


@dataclass(frozen=True)
class Column:
    """One column of the ordering: its name, its direction, and whether it may be NULL."""

    name: str
    descending: bool
    nullable: bool

    def reversed(self) -> Column:
        return Column(self.name, not self.descending, self.nullable)

    def order(self):
        expression = F(self.name)
        if self.descending:
            return expression.desc(nulls_first=True)
        return expression.asc(nulls_last=True)


class IdCursor:
    """The cursor is the row's id; its sort values are read from ``source`` (the list's
    queryset without the user's filters, so that a row that has since left the filtered
    list still marks the place). Given ``tag`` (say, the sort asked for), the cursor is
    ``<tag>~<id>`` and one made with another tag gives the first page: a link that changes
    the sort keeps the URL's other parameters, the cursor among them."""

    def __init__(self, source: QuerySet | None = None, tag: str = ""):
        self.source = source
        self.prefix = f"{tag}~" if tag else ""

    def encode(self, row, columns: Sequence[Column]) -> str:
        return f"{self.prefix}{row.pk}"

    def decode(self, cursor: str | None, queryset: QuerySet, columns: Sequence[Column]):
        if not cursor or not cursor.startswith(self.prefix):
            return None
        cursor = cursor.removeprefix(self.prefix)
        if not cursor.isdigit() or len(cursor) > 20:
            return None
        source = self.source if self.source is not None else queryset
        names = [column.name for column in columns]
        return source.filter(pk=int(cursor)).order_by().values_list(*names).first()


class TimeCursor:
    """The cursor is ``<microseconds since 1970>.<id>`` for a list ordered by a time field
    and the id."""

    def encode(self, row, columns: Sequence[Column]) -> str:
        value = getattr(row, columns[0].name)
        micros = int(value.timestamp()) * 1_000_000 + value.microsecond
        return f"{micros}.{row.pk}"

    def decode(self, cursor: str | None, queryset: QuerySet, columns: Sequence[Column]):
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
    counted = queryset.order_by().values("pk")[: limit + 1].count()
    return min(counted, limit), counted > limit


def ordering_of(queryset: QuerySet) -> list[Column]:
    """The queryset's ordering as columns; it must be field names ending in the id."""
    names = list(queryset.query.order_by)
    if not names or names[-1].lstrip("-") not in ("pk", "id"):
        raise ValueError(f"A keyset page needs an ordering that ends in the id, not {names}.")
    columns = []
    for name in names:
        plain = name.lstrip("-")
        columns.append(Column(plain, name.startswith("-"), _nullable(queryset, plain)))
    return columns


def _nullable(queryset: QuerySet, name: str) -> bool:
    """Whether the column may be NULL: anything but the model's own NOT NULL fields (a
    column reached through a relation may be NULL for want of the related row)."""
    if name in ("pk", "id"):
        return False
    if "__" in name or name in queryset.query.annotations:
        return True
    try:
        return queryset.model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


def _after(column: Column, value) -> Q | None:
    """Rows strictly after ``value`` in this column's order (NULL the greatest); None
    where there are none."""
    if column.descending:
        if value is None:
            return Q(**{f"{column.name}__isnull": False})
        return Q(**{f"{column.name}__lt": value})
    if value is None:
        return None
    after = Q(**{f"{column.name}__gt": value})
    return after | Q(**{f"{column.name}__isnull": True}) if column.nullable else after


def _equal(column: Column, value) -> Q:
    if value is None:
        return Q(**{f"{column.name}__isnull": True})
    return Q(**{column.name: value})


def _bound(column: Column, value) -> Q | None:
    """A range on the first column that the index can seek to (the rest is filtered)."""
    if column.descending:
        return Q(**{f"{column.name}__lte": value}) if value is not None else None
    if value is None:
        return Q(**{f"{column.name}__isnull": True})
    return None if column.nullable else Q(**{f"{column.name}__gte": value})


def rows_after(columns: Sequence[Column], values: Sequence) -> Q:
    """The rows after the row with ``values`` in the order of ``columns``: the first
    column after it, or equal and the second after it, and so on."""
    condition = Q(pk__in=[])
    for index, column in enumerate(columns):
        after = _after(column, values[index])
        if after is None:
            continue
        term = after
        for earlier, value in zip(columns[:index], values[:index], strict=True):
            term &= _equal(earlier, value)
        condition |= term
    bound = _bound(columns[0], values[0])
    return condition & bound if bound is not None else condition


def keyset_page(
    queryset: QuerySet,
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    cursor: IdCursor | TimeCursor | None = None,
    count_limit: int | None = None,
    ids_first: bool = False,
) -> KeysetPage:
    """The page after the cursor ``after`` (the next rows), before the cursor ``before``
    (the previous rows), or the first page; with the list's rows counted up to
    ``count_limit`` (COUNT_LIMIT unless given). A malformed or unknown cursor gives the
    first page.

    ``ids_first`` finds the page's ids first and then reads their rows (one query more):
    where the ordering needs a column of a joined table (a name), the database sorts every
    row of the list, and reading only the ids lets it do so from an index alone instead of
    reading every whole row."""
    if queryset.query.is_empty():  # ``none()``: nothing to page, nothing to count
        return KeysetPage()
    cursor = cursor or IdCursor()
    columns = ordering_of(queryset)
    forward = queryset.order_by(*(column.order() for column in columns))
    start = cursor.decode(after, queryset, columns)
    end = None if start is not None else cursor.decode(before, queryset, columns)

    def read(ordered: QuerySet) -> list:
        if not ids_first:
            return list(ordered[: per_page + 1])
        ids = list(ordered.values_list("pk", flat=True)[: per_page + 1])
        by_id = queryset.order_by().in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    if start is not None:
        rows = read(forward.filter(rows_after(columns, start)))
        has_next, has_previous = len(rows) > per_page, True
        rows = rows[:per_page]
    elif end is not None:
        backward = [column.reversed() for column in columns]
        rows = read(
            queryset.filter(rows_after(backward, end)).order_by(
                *(column.order() for column in backward)
            )
        )
        has_next, has_previous = True, len(rows) > per_page
        rows = rows[:per_page][::-1]
    else:
        rows = read(forward)
        has_next, has_previous = len(rows) > per_page, False
        rows = rows[:per_page]
    count, more = bounded_count(queryset, count_limit)
    if not rows:
        return KeysetPage(count=count, more=more)
    return KeysetPage(
        object_list=rows,
        next_cursor=cursor.encode(rows[-1], columns) if has_next else None,
        previous_cursor=cursor.encode(rows[0], columns) if has_previous else None,
        count=count,
        more=more,
    )
